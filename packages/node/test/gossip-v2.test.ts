import {
  committeeShard,
  decodeAttestation,
  encodeAttestation,
  encodeSignedMeasurement,
  FILECOIN_ADMISSION,
  type Measurement,
  type ProtocolParams,
  participantOfPrivateKey,
  type RetrievalTask,
  sha256,
  signAttestation,
  signBinding,
  signMeasurement,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { attestationTopic, type GossipAdmission, GossipValidationError, measurementTopic } from '../src/gossip/index.js'
import { gossipValidators } from '../src/gossip/kinds.js'
import { createGossipAdmission } from '../src/node/admission/gossip-admission.js'
import { CURRENT_ROUND, measurement, roundInfo, station, validationContext } from './gossip-fixtures.js'

/* The version-2 rules of the gossip validators (spec §13): tasks by participant, NOT_ELIGIBLE, BINDING_INVALID, for measurements and attestations. */

const v1 = validationContext().params
const params: ProtocolParams = { ...v1, protocolVersion: 2, admission: FILECOIN_ADMISSION }
const key = station(1)
const wallet = (label: string) => {
  const privateKey = sha256(label)
  return { privateKey, address: participantOfPrivateKey(privateKey) }
}
const funded = wallet('gossip v2 funded')
const unfunded = wallet('gossip v2 unfunded')
const info = roundInfo(CURRENT_ROUND)
const tasksOf = (who: string) => info.selector.pick(who, params.maxTasksPerNode)
const task = tasksOf(funded.address)[0] as RetrievalTask

/** A node's view with a chain on which only `funded` is eligible (or that cannot be read). */
function context(chain: 'readable' | 'down' = 'readable') {
  const admission: GossipAdmission = createGossipAdmission({
    snapshot: async () => ({ height: 1, eligible: new Set() }),
    known: () => true,
    eligible: async (_round, participant) => {
      if (chain === 'down') throw new Error('connect ECONNREFUSED')
      return participant === funded.address
    },
  })
  return { ctx: { ...validationContext(), params, admission }, admission }
}

function bytesOf(who: typeof funded, t: RetrievalTask, overrides: Partial<Measurement> = {}, signer = who): Uint8Array {
  const fromRound = overrides.bindingFromRound ?? 0
  const binding = { network: params.network, participant: who.address, stationId: key.stationId, fromRound }
  const m = measurement(CURRENT_ROUND, key, t, {
    protocolVersion: 2,
    participant: who.address,
    bindingFromRound: fromRound,
    bindingSignature: signBinding(binding, signer.privateKey),
    ...overrides,
  })
  return encodeSignedMeasurement(signMeasurement(m, key))
}

const topicOf = (t: RetrievalTask) => measurementTopic(params, committeeShard(t, info.seeds.nodeSelection, params.committeeShards))

async function outcome(run: () => unknown): Promise<string> {
  try {
    await run()
    return 'accepted'
  } catch (err) {
    if (!(err instanceof GossipValidationError)) throw err
    return `${err.code}:${err.action}`
  }
}

describe('gossip validation, version 2', () => {
  it('accepts an eligible participant bound to the station, its tasks being the participant’s', async () => {
    const { ctx } = context()
    const validate = gossipValidators(ctx).measurement
    expect(await outcome(() => validate(bytesOf(funded, task), topicOf(task)))).toBe('accepted')
    const notTheParticipants = info.tasks.find((t) => !tasksOf(funded.address).includes(t)) as RetrievalTask
    expect(await outcome(() => validate(bytesOf(funded, notTheParticipants), topicOf(notTheParticipants)))).toBe('TASK_WRONG_NODE:reject')
  })

  it('NOT_ELIGIBLE before BINDING_INVALID, which covers a foreign signature and a later fromRound', async () => {
    const validate = gossipValidators(context().ctx).measurement
    const t = tasksOf(unfunded.address)[0] as RetrievalTask
    // signed by the wrong wallet too: the cheaper rule decides
    expect(await outcome(() => validate(bytesOf(unfunded, t, {}, funded), topicOf(t)))).toBe('NOT_ELIGIBLE:reject')
    expect(await outcome(() => validate(bytesOf(funded, task, {}, unfunded), topicOf(task)))).toBe('BINDING_INVALID:reject')
    expect(await outcome(() => validate(bytesOf(funded, task, { bindingFromRound: CURRENT_ROUND + 1 }), topicOf(task)))).toBe(
      'BINDING_INVALID:reject',
    )
  })

  it('a chain that cannot be read is ours to blame: CHAIN_UNREADABLE, Ignored', async () => {
    const validate = gossipValidators(context('down').ctx).measurement
    expect(await outcome(() => validate(bytesOf(funded, task), topicOf(task)))).toBe('CHAIN_UNREADABLE:ignore')
  })

  describe('attestations, judged by their participant and binding (spec §13.3a)', () => {
    const round = CURRENT_ROUND - 1
    const committee = CID.parse('bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
    const tasksIn = (who: string) => roundInfo(round).selector.pick(who, params.maxTasksPerNode)
    const attestationTopicOf = (t: RetrievalTask) =>
      attestationTopic(params, committeeShard(t, roundInfo(round).seeds.nodeSelection, params.committeeShards))
    const attest = (who: typeof funded, t: RetrievalTask, o: { signer?: typeof funded; fromRound?: number } = {}) => {
      const fromRound = o.fromRound ?? 0
      const binding = { network: params.network, participant: who.address, stationId: key.stationId, fromRound }
      return encodeAttestation(
        signAttestation(
          {
            protocolVersion: 2,
            network: params.network,
            round,
            task: { cid: t.cid, minerId: t.minerId },
            stationId: key.stationId,
            committee,
            participant: who.address,
            bindingFromRound: fromRound,
            bindingSignature: signBinding(binding, (o.signer ?? who).privateKey),
          },
          key,
        ),
      )
    }
    // a node that accepted none of the station's measurements: a fresh admission, the next round
    const late = (chain: 'readable' | 'down' = 'readable') =>
      gossipValidators({ ...context(chain).ctx, currentRound: CURRENT_ROUND + 1, roundInfo: () => roundInfo(round) }).attestation
    const t = tasksIn(funded.address)[0] as RetrievalTask

    it("accepts an eligible participant's attestation of its own task without any measurement of the station", async () => {
      expect(await outcome(() => late()(attest(funded, t), attestationTopicOf(t)))).toBe('accepted')
    })

    it('NOT_COMMITTEE_MEMBER for a task not assigned to the participant, INVALID_SIGNATURE for another key', async () => {
      const other = roundInfo(round).tasks.find((x) => !tasksIn(funded.address).includes(x)) as RetrievalTask
      expect(await outcome(() => late()(attest(funded, other), attestationTopicOf(other)))).toBe('NOT_COMMITTEE_MEMBER:reject')
      const a = decodeAttestation(attest(funded, t))
      const forged = encodeAttestation({ ...a, signature: a.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) })
      expect(await outcome(() => late()(forged, attestationTopicOf(t)))).toBe('INVALID_SIGNATURE:reject')
    })

    it('NOT_ELIGIBLE before BINDING_INVALID, as for measurements; CHAIN_UNREADABLE when the chain is down', async () => {
      const u = tasksIn(unfunded.address)[0] as RetrievalTask
      expect(await outcome(() => late()(attest(unfunded, u), attestationTopicOf(u)))).toBe('NOT_ELIGIBLE:reject')
      expect(await outcome(() => late()(attest(funded, t, { signer: unfunded }), attestationTopicOf(t)))).toBe('BINDING_INVALID:reject')
      expect(await outcome(() => late()(attest(funded, t, { fromRound: round + 1 }), attestationTopicOf(t)))).toBe('BINDING_INVALID:reject')
      expect(await outcome(() => late('down')(attest(funded, t), attestationTopicOf(t)))).toBe('CHAIN_UNREADABLE:ignore')
    })
  })
})
