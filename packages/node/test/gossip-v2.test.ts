import {
  committeeShard,
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
import { type GossipAdmission, GossipValidationError, measurementTopic, summariesTopic } from '../src/gossip/index.js'
import { gossipValidators } from '../src/gossip/kinds.js'
import { createGossipAdmission } from '../src/node/admission/gossip-admission.js'
import { CURRENT_ROUND, measurement, roundInfo, station, validationContext } from './gossip-fixtures.js'

/* The version-2 rules of the gossip validators (spec §13): tasks by participant, NOT_ELIGIBLE, BINDING_INVALID, attesters by participant. */

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

  it('judges attesters by the participant of their accepted measurements', async () => {
    const { ctx } = context()
    const round = CURRENT_ROUND - 1
    const attest = (t: RetrievalTask) =>
      encodeAttestation(
        signAttestation(
          {
            protocolVersion: 2,
            network: params.network,
            round,
            task: { cid: t.cid, minerId: t.minerId },
            stationId: key.stationId,
            committee: CID.parse('bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'),
          },
          key,
        ),
      )
    const ctxNext = { ...ctx, currentRound: CURRENT_ROUND + 1, roundInfo: () => roundInfo(round) }
    const late = gossipValidators(ctxNext).attestation
    const t = roundInfo(round).selector.pick(funded.address, params.maxTasksPerNode)[0] as RetrievalTask
    expect(await outcome(() => late(attest(t), summariesTopic(params)))).toBe('ATTESTER_UNKNOWN:ignore')
    ctx.admission.accepted(round, key.stationId, funded.address)
    expect(await outcome(() => late(attest(t), summariesTopic(params)))).toBe('accepted')
    const other = roundInfo(round).tasks.find((x) => !roundInfo(round).selector.pick(funded.address, params.maxTasksPerNode).includes(x))
    expect(await outcome(() => late(attest(other as RetrievalTask), summariesTopic(params)))).toBe('NOT_COMMITTEE_MEMBER:reject')
  })
})
