import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FILECOIN_ADMISSION } from '@spark-swarm/protocol'
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

  it('refuses version-2 params it cannot run yet, naming the version, before it opens anything', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-lifecycle-'))
    dirs.push(dataDir)
    const v2 = { ...params, protocolVersion: 2, admission: FILECOIN_ADMISSION }
    expect(() =>
      createCheckerNode({ dataDir, params: v2, catalogue, indexerUrl: 'http://127.0.0.1:9', inetGroup: '127.0.0.0/24' }),
    ).toThrow(/this node runs protocol version 1 only; version 2 \(spec §13\) is not supported by it yet/)
    expect(await readdir(dataDir)).toEqual([])
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
