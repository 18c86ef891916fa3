import {
  encodeAttestation,
  FILECOIN_ADMISSION,
  type ProtocolParams,
  participantOfPrivateKey,
  type RetrievalTask,
  type StationKey,
  sha256,
  signAttestation,
  signBinding,
  taskId,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { afterEach, describe, expect, it } from 'vitest'
import { attestationTopic, GossipValidationError } from '../src/gossip/index.js'
import { gossipValidators } from '../src/gossip/kinds.js'
import { createGossipAdmission } from '../src/node/admission/gossip-admission.js'
import { createReceivedHandlers } from '../src/node/receive.js'
import type { NodeStore } from '../src/store/index.js'
import { assignedTo, convergenceWith, fakeCid, foreignBlock, node, outcomeOf, ROUND, rounds } from './helpers/convergence.js'
import { station, params as v1 } from './helpers/node-fixtures.js'
import { waitFor } from './helpers/wait-for.js'

/*
 * A version-2 node that accepted none of station S's measurements of a round (they went to a shard
 * it does not follow, or it was partitioned) still judges S's attestation by its content (spec
 * §13.3a), hands it to convergence, and so catches up on the committee S names (spec §12.7): the
 * validators, the receive handlers and convergence over a real store, only the chain stubbed.
 */

const params: ProtocolParams = { ...v1, protocolVersion: 2, admission: FILECOIN_ADMISSION }
const wallet = (label: string) => {
  const privateKey = sha256(label)
  return { privateKey, address: participantOfPrivateKey(privateKey) }
}

/** A funded participant the task is assigned to, and its station S, bound to it from round 0. */
async function attesterOf(task: RetrievalTask) {
  const info = await rounds.get(ROUND)
  for (let i = 0; ; i++) {
    const who = wallet(`catch-up v2 participant ${i}`)
    if (!info.selector.pick(who.address, params.maxTasksPerNode).some((t) => taskId(t) === taskId(task))) continue
    const key: StationKey = station(100 + i)
    const bindingSignature = signBinding(
      { network: params.network, participant: who.address, stationId: key.stationId, fromRound: 0 },
      who.privateKey,
    )
    return { who, key, binding: { participant: who.address, bindingFromRound: 0, bindingSignature } }
  }
}

describe('a version-2 attestation of a station this node saw no measurement of', () => {
  let open: NodeStore | undefined
  afterEach(() => open?.close())

  it('is accepted, stored and starts the catch-up of the committee it names', async () => {
    const { info, task, stations } = await assignedTo(3)
    const { who, key, binding } = await attesterOf(task)
    const blocks = new Map<string, Uint8Array>()
    const theirs = foreignBlock(blocks, info, task, stations).cid
    const t = convergenceWith(blocks, async () => outcomeOf(task, theirs, stations))
    open = t.store
    // this node anchored the round with its own committee block of the task, and nothing of S
    const ours = fakeCid(7)
    t.convergence.anchored(outcomeOf(task, ours, [node]))
    const admission = createGossipAdmission({
      snapshot: async () => ({ height: 1, eligible: new Set([who.address]) }),
      known: () => true,
      eligible: async (_round, participant) => participant === who.address,
    })
    const validators = gossipValidators({
      params,
      now: () => 0,
      currentRound: ROUND + 1,
      roundInfo: (r) => (r === ROUND ? info : undefined),
      admission,
    })
    const handlers = createReceivedHandlers({ rounds, store: t.store, convergence: t.convergence })
    const bytes = encodeAttestation(
      signAttestation(
        {
          protocolVersion: 2,
          network: params.network,
          round: ROUND,
          task: { cid: task.cid, minerId: task.minerId },
          stationId: key.stationId,
          committee: CID.parse(theirs),
          ...binding,
        },
        key,
      ),
    )
    let validated: Awaited<ReturnType<typeof validators.attestation>>
    try {
      validated = await validators.attestation(bytes, attestationTopic(params, info.shards.get(taskId(task)) as number), 'relay')
    } catch (err) {
      throw new Error(`refused: ${err instanceof GossipValidationError ? `${err.code} (${err.action})` : String(err)}`)
    }
    handlers.attestation(validated, 'relay')
    expect(t.store.attestationsOf(ROUND, taskId(task)).map((a) => a.stationId)).toContain(key.stationId)
    await waitFor(() => t.fetched.includes(theirs), 'the block S attested fetched')
  })
})
