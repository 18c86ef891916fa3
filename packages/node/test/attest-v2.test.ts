import {
  type BuiltSummary,
  cidOfDagCbor,
  decodeAttestation,
  FILECOIN_ADMISSION,
  type ProtocolParams,
  participantOfPrivateKey,
  type RetrievalTask,
  sha256,
  signBinding,
  taskId,
  verifyAttestationSignature,
} from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { attestCommittees } from '../src/node/anchor/attest.js'
import { silentLogger } from '../src/node/logger.js'
import type { NodeStore } from '../src/store/index.js'
import { memoryStore, station, params as v1 } from './helpers/node-fixtures.js'
import { stubPubsub } from './helpers/stub-pubsub.js'

/* The node's own attestations on a version-2 network (spec §12.6, §13.3a): they carry its binding, and none is made for an ineligible participant. */

const params: ProtocolParams = { ...v1, protocolVersion: 2, admission: FILECOIN_ADMISSION }
const key = station(0)
const privateKey = sha256('attest v2 participant')
const participant = participantOfPrivateKey(privateKey)
const binding = {
  binding: { network: params.network, participant, stationId: key.stationId, fromRound: 2 },
  signature: signBinding({ network: params.network, participant, stationId: key.stationId, fromRound: 2 }, privateKey),
}
const tasks: RetrievalTask[] = [
  { cid: 'bafyattestv2a', minerId: 'f01000' },
  { cid: 'bafyattestv2b', minerId: 'f01001' },
]
const shards = new Map(tasks.map((t, i) => [taskId(t), i % params.committeeShards]))
const block = (i: number) => ({ cid: cidOfDagCbor(new Uint8Array([i])), bytes: new Uint8Array([i]) })
const built = { committees: new Map(tasks.map((t, i) => [taskId(t), block(i)])) } as unknown as BuiltSummary

describe('own attestations, version 2', () => {
  let store: NodeStore | undefined
  afterEach(() => store?.close())

  async function attest(round: number, eligible: string[]) {
    store = memoryStore()
    const pubsub = stubPubsub()
    const attested = await attestCommittees(
      { params, store, pubsub, stationKey: key, log: silentLogger, binding },
      { round, mine: tasks, shards },
      built,
      {
        height: 1,
        eligible: new Set(eligible),
      },
    )
    return { attested, published: pubsub.published.map((p) => decodeAttestation(p.bytes)) }
  }

  it('carry the participant and the binding of its measurements, under the station signature', async () => {
    const { attested, published } = await attest(3, [participant])
    expect([...attested.keys()]).toEqual(tasks.map(taskId))
    for (const a of published) {
      expect([a.participant, a.bindingFromRound, Buffer.from(a.bindingSignature as Uint8Array)]).toEqual([
        participant,
        2,
        Buffer.from(binding.signature),
      ])
      expect(verifyAttestationSignature(a)).toBe(true)
    }
    expect(store?.attestationsOf(3, taskId(tasks[0] as RetrievalTask))).toHaveLength(1)
  })

  it('are not made in a round the participant is not eligible in, or before the binding starts', async () => {
    expect((await attest(3, [])).published).toEqual([])
    store?.close()
    expect((await attest(1, [participant])).published).toEqual([])
  })
})
