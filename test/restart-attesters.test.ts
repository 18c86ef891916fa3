import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeChainRpc, startFakeChainRpc } from '@spark-swarm/devnet'
import {
  type AdmissionParams,
  cidOfDagCbor,
  cidText,
  encodeSignedMeasurement,
  type ProtocolParams,
  participantOfPrivateKey,
  roundAt,
  roundStartTime,
  sha256,
  signBinding,
  signMeasurement,
  stationKeyFromSeed,
  taskId,
} from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { okMeasurement } from '../packages/fuzz/src/round-fixture.js'
import { type CheckerNode, createCheckerNode, type Logger, loadOrCreateIdentity, openNodeStore } from '../packages/node/src/index.js'
import { FakeClock } from '../packages/node/test/helpers/fake-clock.js'
import { catalogue, GENESIS, params as v1 } from '../packages/node/test/helpers/node-fixtures.js'
import { waitFor } from '../packages/node/test/helpers/wait-for.js'

/*
 * The wiring of restore-attesters.ts: a version-2 node started over a data dir that holds a peer's
 * measurement of the previous round relearns, from the store and the chain (the devnet's fake
 * Lotus on loopback), which participant that station measured for, and says so in its log.
 */

const FIL = 10n ** 18n
const admission: AdmissionParams = {
  type: 'deposit',
  minDepositAttoFil: (10n * FIL).toString(),
  chainGenesisTime: GENESIS - 10_000_000,
  epochDurationMs: 1_000,
  finalityEpochs: 5,
  windowEpochs: 10,
}
const params: ProtocolParams = { ...v1, protocolVersion: 2, admission }
const wallet = (label: string) => {
  const privateKey = sha256(label)
  return { privateKey, address: participantOfPrivateKey(privateKey) }
}
const own = wallet('restart attesters own')
const peer = wallet('restart attesters peer')
const peerStation = stationKeyFromSeed(sha256('restart attesters peer station'))

let lotus: FakeChainRpc | undefined
let node: CheckerNode | undefined
let dataDir: string | undefined
afterEach(async () => {
  await node?.stop()
  await lotus?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
  node = lotus = dataDir = undefined
})

describe('a restarted version-2 node', () => {
  it('relearns the attesters of the measurements it stored', async () => {
    const clock = new FakeClock(roundStartTime(params, 5) + 2_000)
    const current = roundAt(params, clock.now())
    lotus = await startFakeChainRpc({
      miners: {},
      clock: { genesisTime: admission.chainGenesisTime, epochDurationMs: admission.epochDurationMs, now: () => clock.now() },
      deposits: [own, peer].map((w) => ({ participant: w.address, balanceAttoFil: (10n * FIL).toString(), fromHeight: 0 })),
    })
    dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-restart-attesters-'))
    const identity = await loadOrCreateIdentity(dataDir)
    // what the node stored before it stopped: a peer's measurement of the previous round
    const task = catalogue.entries[0] as { cid: string; minerId: string }
    const binding = { network: params.network, participant: peer.address, stationId: peerStation.stationId, fromRound: 0 }
    const m = okMeasurement(params, current - 1, peerStation, task, {
      participant: peer.address,
      bindingFromRound: 0,
      bindingSignature: signBinding(binding, peer.privateKey),
    })
    const bytes = encodeSignedMeasurement(signMeasurement(m, peerStation))
    const store = openNodeStore({ path: join(dataDir, 'node.sqlite') })
    store.putMeasurement({
      cid: cidText(cidOfDagCbor(bytes)),
      round: current - 1,
      taskId: taskId(task),
      stationId: peerStation.stationId,
      shard: 0,
      bytes,
      origin: 'peer',
    })
    store.close()

    const lines: Array<{ message: string; fields?: Record<string, unknown> }> = []
    const logger: Logger = {
      debug: () => {},
      info: (message, fields) => lines.push({ message, ...(fields ? { fields } : {}) }),
      warn: () => {},
      error: () => {},
    }
    const ownBinding = { network: params.network, participant: own.address, stationId: identity.stationKey.stationId, fromRound: 0 }
    node = createCheckerNode({
      dataDir,
      params,
      catalogue,
      indexerUrl: 'http://127.0.0.1:9',
      inetGroup: '127.0.0.0/24',
      loopback: true,
      bitswap: false,
      clock,
      logger,
      rpcUrl: lotus.url,
      binding: { binding: ownBinding, signature: signBinding(ownBinding, own.privateKey) },
      versionGate: { gate: async () => ({ outdated: false }) },
    })
    await node.start()
    await waitFor(() => lines.some((l) => l.message === 'attesters of the stored measurements restored'), 'the restore')
    expect(lines.find((l) => l.message === 'attesters of the stored measurements restored')?.fields).toEqual({
      restored: 1,
      fromRound: current - 2,
    })
  })
})
