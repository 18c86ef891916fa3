import {
  buildCommitteeBlock,
  cidOfDagCbor,
  cidText,
  encodeAttestation,
  encodeSignedMeasurement,
  type StationKey,
  sha256,
  stationKeyFromSeed,
  taskId,
} from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'
import { afterEach, describe, expect, it } from 'vitest'
import { attestationTopic } from '../src/gossip/index.js'
import { validateAttestationMessage } from '../src/gossip/validate-attestation.js'
import { createAnchoring } from '../src/node/anchor/anchor.js'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/events.js'
import { silentLogger } from '../src/node/logger.js'
import type { NodeStore } from '../src/store/index.js'
import { assignedTo, attestation, convergenceWith, ROUND, rounds, storeMeasurement } from './helpers/convergence.js'
import { signedMeasurement } from './helpers/measurements.js'
import { catalogue, memoryStore, params } from './helpers/node-fixtures.js'
import { stubPubsub } from './helpers/stub-pubsub.js'
import { waitFor } from './helpers/wait-for.js'

/*
 * docs/security.md §6, Table 9, on the node's own path: identities minted until the task is
 * assigned to them pass the gossip validator (they are assigned, and they sign), yet they measured
 * nothing, so they are no members of any committee block and confirm nothing. The honest
 * members' attestations still confirm their block.
 */

describe('attesters minted until they are assigned a task', () => {
  let store: NodeStore | undefined
  afterEach(() => store?.close())

  it('confirm neither the honest block nor one of their own; honest members confirm theirs', async () => {
    const { info, task, stations } = await assignedTo(3)
    const [self, member] = stations as [StationKey, StationKey, StationKey]
    const id = taskId(task)
    const s = memoryStore()
    store = s
    // the honest committee: this node and two others, each with its measurement of the task
    const own = encodeSignedMeasurement(signedMeasurement(ROUND, self, task))
    const ownCid = cidText(cidOfDagCbor(own))
    s.recordOwnMeasurement({
      round: ROUND,
      taskId: id,
      cid: ownCid,
      stationId: self.stationId,
      shard: info.shards.get(id) as number,
      bytes: own,
    })
    for (const key of stations.slice(1)) storeMeasurement(s, info, signedMeasurement(ROUND, key, task))

    const blocks = new Map<string, Uint8Array>()
    const events = new TypedEventTarget<CheckerNodeEvents>()
    const signal = new AbortController().signal
    const anchoring = createAnchoring(
      {
        params,
        rounds,
        store: s,
        blockstore: { put: (cid: CID, bytes: Uint8Array) => void blocks.set(cid.toString(), bytes) },
        routing: { provide: async () => {} },
        pubsub: stubPubsub(),
        stationKey: self,
        events,
        log: silentLogger,
        signal,
      },
      { catalogue, catalogueCid: cidOfDagCbor(new Uint8Array([0xa0])) },
    )
    const {
      convergence,
      fetched,
      events: recorded,
    } = convergenceWith(blocks, (round) => anchoring.anchorRound(round, { reanchored: 'catch-up' }), { store: s, events })
    const outcome = await anchoring.anchorRound(ROUND)
    convergence.anchored(outcome)
    const ours = outcome.attested.get(id) as string
    expect(outcome.sizes.get(id)).toBe(3)

    // the attacker's own block: the honest members' measurements, another result; served to catch-up
    const honest = outcome.evaluation.committees.find((c) => taskId(c.task) === id)
    if (!honest) throw new Error('no committee for the task')
    const forged = buildCommitteeBlock(
      { ...honest, retrievalResult: 'TIMEOUT', counts: { TIMEOUT: honest.size } },
      { params, seeds: info.seeds, network: params.network, round: ROUND },
    )
    blocks.set(forged.block.cid.toString(), forged.block.bytes)
    blocks.set(forged.list.cid.toString(), forged.list.bytes)

    // as many minted identities as the whole committee, for each block: more than a majority of either
    const minted = mintAssigned(2 * honest.size, (key) =>
      info.selector.pick(key.stationId, params.maxTasksPerNode).some((t) => taskId(t) === id),
    )
    const ctx = { params, now: () => Date.now(), currentRound: ROUND + 1, roundInfo: (r: number) => (r === ROUND ? info : undefined) }
    minted.forEach((key, i) => {
      const named = i % 2 === 0 ? ours : forged.block.cid.toString()
      // the gossip validator accepts them: assigned the task, validly signed
      const valid = validateAttestationMessage(
        encodeAttestation(attestation(key, task, named)),
        attestationTopic(params, info.shards.get(id) as number),
        ctx,
      )
      convergence.received(valid.attestation, valid.bytes)
    })
    // catch-up fetched the forged block and its list (its members are now known), and found nothing new
    await waitFor(() => fetched.includes(forged.list.cid.toString()), 'the forged block fetched')
    await new Promise((resolve) => setImmediate(resolve))
    expect(s.attestationsOf(ROUND, id)).toHaveLength(1 + minted.length)
    expect(recorded.of('committee:confirmed')).toEqual([])
    expect(convergence.isConfirmed(ROUND, id, ours)).toBe(false)
    expect(convergence.isConfirmed(ROUND, id, forged.block.cid.toString())).toBe(false)

    // one honest member more and the node's own block has 2 of its 3 members
    convergence.received(attestation(member, task, ours))
    expect(recorded.of('committee:confirmed')).toEqual([
      { round: ROUND, task: { cid: task.cid, minerId: task.minerId }, committeeCid: ours, attesters: 2, members: 3 },
    ])
    await anchoring.stop()
  })
})

/** Fresh identities, minted until `count` of them satisfy `assigned` (Table 9's attacker). */
function mintAssigned(count: number, assigned: (key: StationKey) => boolean): StationKey[] {
  const out: StationKey[] = []
  for (let i = 0; out.length < count; i++) {
    const key = stationKeyFromSeed(sha256(`minted attester ${i}`))
    if (assigned(key)) out.push(key)
  }
  return out
}
