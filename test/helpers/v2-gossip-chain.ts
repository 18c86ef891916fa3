import { type FakeChainRpc, startFakeChainRpc } from '@spark-swarm/devnet'
import {
  type AdmissionParams,
  committeeShard,
  encodeSignedMeasurement,
  type ProtocolParams,
  participantOfPrivateKey,
  type RetrievalTask,
  sha256,
  signBinding,
  signMeasurement,
} from '@spark-swarm/protocol'
import { createChainEligibility } from '../../packages/node/src/admission/chain-eligibility.js'
import { GossipValidationError, measurementTopic } from '../../packages/node/src/gossip/index.js'
import { createAdmissionReader } from '../../packages/node/src/node/admission/chain-watch.js'
import { TypedEventTarget } from '../../packages/node/src/node/events.js'
import { LocalFaults } from '../../packages/node/src/node/health/local-faults.js'
import { CURRENT_ROUND, measurement, roundInfo, station, validationContext } from '../../packages/node/test/gossip-fixtures.js'

/*
 * A version-2 view of the gossip fixtures' network (round 8 current) whose chain is the devnet's
 * fake Lotus on loopback: what the node's validators read, counted call by call at the fake.
 */

const FIL = 10n ** 18n
const base = validationContext().params
export const admission: AdmissionParams = {
  type: 'deposit',
  minDepositAttoFil: (10n * FIL).toString(),
  // the chain is 10,000 epochs old at the network's genesis
  chainGenesisTime: base.genesisTime - 10_000_000,
  epochDurationMs: 1_000,
  finalityEpochs: 5,
  windowEpochs: 10,
}
export const params: ProtocolParams = { ...base, protocolVersion: 2, admission }
export const key = station(1)

export interface Wallet {
  privateKey: Uint8Array
  address: string
}

export function wallets(label: string, n: number): Wallet[] {
  return Array.from({ length: n }, (_, i) => {
    const privateKey = sha256(`${label} ${i}`)
    return { privateKey, address: participantOfPrivateKey(privateKey) }
  })
}

/** The fake Lotus at the fixtures' "now", with `funded` holding the deposit since height 0. */
export async function fakeLotus(funded: Wallet[], init: { latencyMs?: number; now?: () => number } = {}): Promise<FakeChainRpc> {
  const now = init.now ?? validationContext().now
  return startFakeChainRpc({
    miners: {},
    clock: { genesisTime: admission.chainGenesisTime, epochDurationMs: admission.epochDurationMs, now },
    deposits: funded.map((w) => ({ participant: w.address, balanceAttoFil: (10n * FIL).toString(), fromHeight: 0 })),
    ...(init.latencyMs ? { latencyMs: init.latencyMs } : {}),
  })
}

/** The node's chain reader over `lotus`, as compose.ts builds it. */
export function readerOf(lotus: FakeChainRpc) {
  const chain = createChainEligibility({ rpcUrl: lotus.url, admission })
  const faults = new LocalFaults(new TypedEventTarget(), () => 0)
  return { chain, reader: createAdmissionReader(params, chain, faults, new AbortController().signal), faults }
}

/** A measurement of `round` by `key` for `who`, of its first task, with its binding (signed by `signer`) and topic. */
export function measurementOf(
  who: Wallet,
  round = CURRENT_ROUND,
  signer: Wallet = who,
): { bytes: Uint8Array; topic: string; task: RetrievalTask } {
  const info = roundInfo(round)
  const task = info.selector.pick(who.address, params.maxTasksPerNode)[0] as RetrievalTask
  const binding = { network: params.network, participant: who.address, stationId: key.stationId, fromRound: 0 }
  const m = measurement(round, key, task, {
    protocolVersion: 2,
    participant: who.address,
    bindingFromRound: 0,
    bindingSignature: signBinding(binding, signer.privateKey),
  })
  const topic = measurementTopic(params, committeeShard(task, info.seeds.nodeSelection, params.committeeShards))
  return { bytes: encodeSignedMeasurement(signMeasurement(m, key)), topic, task }
}

/** `accepted`, or the validation error's `CODE:action`. */
export async function outcome(run: () => unknown): Promise<string> {
  try {
    await run()
    return 'accepted'
  } catch (err) {
    if (!(err instanceof GossipValidationError)) throw err
    return `${err.code}:${err.action}`
  }
}

export const reads = (lotus: FakeChainRpc) => lotus.calls.filter((c) => c.method === 'Filecoin.StateGetActor').length
