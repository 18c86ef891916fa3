import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FILECOIN_ADMISSION, participantOfPrivateKey, sha256, signBinding } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { type CheckerNode, createCheckerNode } from '../src/index.js'
import { FakeClock } from './helpers/fake-clock.js'
import { catalogue, GENESIS, params } from './helpers/node-fixtures.js'

/** A tracker's version gate that answers only when the test says so. */
function heldGate() {
  let release: () => void = () => {}
  let asked: () => void = () => {}
  const wasAsked = new Promise<void>((resolve) => {
    asked = resolve
  })
  const answer = new Promise<{ outdated: false }>((resolve) => {
    release = () => resolve({ outdated: false })
  })
  return {
    gate: {
      gate: () => {
        asked()
        return answer
      },
    },
    wasAsked,
    release: () => release(),
  }
}

/** A participant's wallet key and its address. */
function participantFromLabel(label: string) {
  const privateKey = sha256(label)
  return { privateKey, address: participantOfPrivateKey(privateKey) }
}

describe('node lifecycle', () => {
  const dirs: string[] = []
  const nodes: CheckerNode[] = []
  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.stop()
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })

  async function newNode(init: { clock: FakeClock; versionGate?: { gate(): Promise<{ outdated: false }> } }) {
    const dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-lifecycle-'))
    dirs.push(dataDir)
    const node = createCheckerNode({
      dataDir,
      params,
      catalogue,
      indexerUrl: 'http://127.0.0.1:9',
      inetGroup: '127.0.0.0/24',
      loopback: true,
      bitswap: false,
      clock: init.clock,
      ...(init.versionGate ? { versionGate: init.versionGate } : {}),
    })
    nodes.push(node)
    return node
  }

  it('refuses version-2 params without a binding, naming `spark-swarm bind`, before it opens anything', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-lifecycle-'))
    dirs.push(dataDir)
    const v2 = { ...params, protocolVersion: 2, admission: FILECOIN_ADMISSION }
    const base = { dataDir, params: v2, catalogue, indexerUrl: 'http://127.0.0.1:9', inetGroup: '127.0.0.0/24' }
    expect(() => createCheckerNode({ ...base, rpcUrl: 'http://127.0.0.1:9/rpc/v1' })).toThrow(
      /runs protocol version 2 \(spec §13\), which needs the station's binding to a participant \(create it with `spark-swarm bind`\)$/,
    )
    const participant = participantFromLabel('lifecycle')
    const binding = { network: v2.network, participant: participant.address, stationId: 'x', fromRound: 0 }
    const saved = { binding, signature: signBinding(binding, participant.privateKey) }
    expect(() => createCheckerNode({ ...base, binding: saved })).toThrow(/needs a chain RPC to read deposits from \(`--rpc`/)
    expect(() => createCheckerNode(base)).toThrow(/`spark-swarm bind`\) and a chain RPC/)
    expect(await readdir(dataDir)).toEqual([])
  })

  it('refuses, at start, a binding of another station, and leaves the data dir free', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-lifecycle-'))
    dirs.push(dataDir)
    const v2 = { ...params, protocolVersion: 2, admission: FILECOIN_ADMISSION }
    const participant = participantFromLabel('lifecycle')
    const binding = { network: v2.network, participant: participant.address, stationId: 'another station', fromRound: 0 }
    const node = createCheckerNode({
      dataDir,
      params: v2,
      catalogue,
      indexerUrl: 'http://127.0.0.1:9',
      inetGroup: '127.0.0.0/24',
      loopback: true,
      bitswap: false,
      rpcUrl: 'http://127.0.0.1:9/rpc/v1',
      binding: { binding, signature: signBinding(binding, participant.privateKey) },
    })
    nodes.push(node)
    await expect(node.start()).rejects.toThrow(/binding is not usable: it binds station another station…, not this node's/)
    expect(node.host).toBeUndefined()
  })

  it('a stop() while start() still asks the tracker leaves nothing running', async () => {
    const clock = new FakeClock(GENESIS + 1)
    const held = heldGate()
    const node = await newNode({ clock, versionGate: held.gate })
    const activity: string[] = []
    node.addEventListener('activity', (e) => activity.push(e.detail.message))
    const started = node.start()
    await held.wasAsked
    const stopped = node.stop()
    held.release()
    await Promise.all([started, stopped])

    expect(node.host).toBeUndefined()
    expect(activity.some((m) => m.includes('started'))).toBe(false)
    // a loop left running would start round 0's checks as time passes
    await clock.advanceTo(GENESIS + 2 * params.roundDurationMs)
    expect(activity.filter((m) => m.startsWith('round '))).toEqual([])
  })

  it('start, stop and status work unbound, as an app passes them around', async () => {
    const clock = new FakeClock(GENESIS + 1)
    const node = await newNode({ clock })
    const { start, stop, status, multiaddrs } = node
    await start()
    expect(multiaddrs().some((a) => a.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true)
    expect(status().peerId).toBe(node.peerId)
    await stop()
    expect(node.host).toBeUndefined()
  })
})
