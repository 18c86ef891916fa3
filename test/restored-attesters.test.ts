import type { FakeChainRpc } from '@spark-swarm/devnet'
import {
  type Attestation,
  cidText,
  committeeShard,
  encodeAttestation,
  type RetrievalTask,
  type StationKey,
  signAttestation,
  taskId,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { afterEach, describe, expect, it } from 'vitest'
import { summariesTopic } from '../packages/node/src/gossip/index.js'
import { gossipValidators } from '../packages/node/src/gossip/kinds.js'
import { createGossipAdmission } from '../packages/node/src/node/admission/gossip-admission.js'
import { restoreAttesters } from '../packages/node/src/node/admission/restore-attesters.js'
import type { NodeStore } from '../packages/node/src/store/index.js'
import { CURRENT_ROUND, roundInfo, validationContext } from '../packages/node/test/gossip-fixtures.js'
import { memoryStore } from '../packages/node/test/helpers/node-fixtures.js'
import { fakeLotus, key, measurementOf, outcome, params, readerOf, type Wallet, wallets } from './helpers/v2-gossip-chain.js'

/*
 * Spec §12.5, version 2: attesters are judged by the measurements this node accepted of them.
 * That memory must outlive a restart: the measurements are in the store, and the attestations of
 * their round keep coming for two more rounds. The chain is the devnet's fake Lotus on loopback.
 */

const round = CURRENT_ROUND - 1
const [funded, minted] = wallets('restored attesters', 2) as [Wallet, Wallet]

let lotus: FakeChainRpc | undefined
let store: NodeStore | undefined
afterEach(async () => {
  store?.close()
  await lotus?.stop()
  lotus = store = undefined
})

function attestationOf(station: StationKey, task: RetrievalTask): Uint8Array {
  const a: Omit<Attestation, 'signature'> = {
    protocolVersion: 2,
    network: params.network,
    round,
    task: { cid: task.cid, minerId: task.minerId },
    stationId: station.stationId,
    committee: CID.parse('bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'),
  }
  return encodeAttestation(signAttestation(a, station))
}

/** A node over `store` and the fake chain, as it starts: nothing in memory. */
function start(rpc: FakeChainRpc) {
  const admission = createGossipAdmission(readerOf(rpc).reader)
  const validators = gossipValidators({ ...validationContext(), params, admission })
  return { admission, validators }
}

describe('attesters known from stored measurements (spec §12.5, version 2)', () => {
  it('a restarted node accepts the attestations of stations whose measurements it stored, and no others', async () => {
    lotus = await fakeLotus([funded])
    const s = memoryStore()
    store = s
    // before the restart: the funded participant's measurement arrives by gossip and is stored, as receive.ts does
    const before = start(lotus)
    const m = measurementOf(funded, round)
    const accepted = await before.validators.measurement(m.bytes, m.topic, 'peer')
    const shard = committeeShard(m.task, roundInfo(round).seeds.nodeSelection, params.committeeShards)
    const put = (bytes: Uint8Array, cid: string, task: RetrievalTask) =>
      s.putMeasurement({ cid, round, taskId: taskId(task), stationId: key.stationId, shard, bytes, origin: 'peer' })
    put(accepted.bytes, cidText(accepted.cid), m.task)
    // and one no validator accepted (catch-up stores without the chain's word): an unfunded participant's
    const unfunded = measurementOf(minted, round)
    put(unfunded.bytes, 'bafyunfundedmeasurementofthestationtest', unfunded.task)
    const attest = attestationOf(key, m.task)
    expect(await outcome(() => before.validators.attestation(attest, summariesTopic(params)))).toBe('accepted')

    // the restart: a new process, the same store
    const after = start(lotus)
    expect(await outcome(() => after.validators.attestation(attest, summariesTopic(params)))).toBe('ATTESTER_UNKNOWN:ignore')
    expect(await restoreAttesters(after.admission, params, s, CURRENT_ROUND)).toBe(1)
    expect(await outcome(() => after.validators.attestation(attest, summariesTopic(params)))).toBe('accepted')
    // the unfunded participant's tasks stay unattestable by the station
    const theirs = attestationOf(key, unfunded.task)
    const fundedTasks = roundInfo(round).selector.pick(funded.address, params.maxTasksPerNode)
    if (!fundedTasks.some((t) => t.cid === unfunded.task.cid && t.minerId === unfunded.task.minerId)) {
      expect(await outcome(() => after.validators.attestation(theirs, summariesTopic(params)))).toBe('NOT_COMMITTEE_MEMBER:reject')
    }
  })
})
