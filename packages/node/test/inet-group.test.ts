import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type CheckerNode, createCheckerNode, type InetGroupAdoptedDetail } from '../src/index.js'
import { loopbackDialFrom } from '../src/node/peers/dial-from.js'
import { FakeClock } from './helpers/fake-clock.js'
import { catalogue, GENESIS, params } from './helpers/node-fixtures.js'

/*
 * Spec §5.5 on loopback: 127.0.1.1, 127.0.2.1 and 127.0.3.1 are three /24s, and a node that
 * listens on one of them dials from it, so each node's peers observe it in its own group.
 */

describe('dial-from address of a loopback node', () => {
  it('is the one loopback address it listens on, other than 127.0.0.1', () => {
    expect(loopbackDialFrom(['/ip4/127.0.2.1/tcp/0'])).toBe('127.0.2.1')
    expect(loopbackDialFrom(['/ip4/127.0.2.1/tcp/0', '/ip4/127.0.2.1/tcp/7331'])).toBe('127.0.2.1')
    expect(loopbackDialFrom(['/ip4/127.0.0.1/tcp/0'])).toBeUndefined()
    expect(loopbackDialFrom(['/ip4/127.0.2.1/tcp/0', '/ip4/127.0.3.1/tcp/0'])).toBeUndefined()
    expect(loopbackDialFrom(['/ip4/0.0.0.0/tcp/0'])).toBeUndefined()
    expect(loopbackDialFrom([])).toBeUndefined()
  })
})

describe('inet group learned from what peers observe', () => {
  const dirs: string[] = []
  const nodes: CheckerNode[] = []
  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.stop()
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })

  /** A node on `host`, joined through `bootstrap`; its first adoption is awaited through `adopted`. */
  async function newNode(host: string, bootstrap: CheckerNode[], inetGroup?: string) {
    const dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-inet-'))
    dirs.push(dataDir)
    const node = createCheckerNode({
      dataDir,
      params,
      catalogue,
      indexerUrl: 'http://127.0.0.1:9',
      listen: [`/ip4/${host}/tcp/0`],
      bootstrap: bootstrap.flatMap((n) => n.multiaddrs()),
      ...(inetGroup ? { inetGroup } : {}),
      loopback: true,
      bitswap: false,
      // the round loop waits on this clock, which never moves: the test is about connections only
      clock: new FakeClock(GENESIS),
    })
    nodes.push(node)
    const adopted = new Promise<InetGroupAdoptedDetail>((resolve) =>
      node.addEventListener('inet-group:adopted', (e) => resolve(e.detail), { once: true }),
    )
    await node.start()
    return { node, adopted }
  }

  /** Rejects after `ms`, naming what did not happen: a test that waits on events waits a bounded time. */
  const within = <T>(ms: number, what: string, promise: Promise<T>) =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))])

  it('each of three nodes in three loopback /24s learns its own group; a configured one is kept', async () => {
    const started = Date.now()
    const a = await newNode('127.0.1.1', [])
    expect(a.node.status()).toMatchObject({ inetGroup: 'unknown', inetGroupSource: 'unknown' })
    const b = await newNode('127.0.2.1', [a.node])
    const c = await newNode('127.0.3.1', [a.node, b.node])
    const learned = await within(20_000, 'inet group adopted by all three', Promise.all([a.adopted, b.adopted, c.adopted]))
    const elapsed = Date.now() - started
    expect(learned.map((d) => d.group)).toEqual(['127.0.1.0/24', '127.0.2.0/24', '127.0.3.0/24'])
    for (const d of learned) expect(d.observerGroups).toBeGreaterThanOrEqual(2)
    expect(a.node.status()).toMatchObject({ inetGroup: '127.0.1.0/24', inetGroupSource: 'observed' })
    expect(c.node.status()).toMatchObject({ inetGroup: '127.0.3.0/24', inetGroupSource: 'observed' })
    // the operator's group stays, whatever the peers observe
    const d = await newNode('127.0.4.1', [a.node, b.node, c.node], '198.51.100.0/24')
    await within(20_000, 'three peers of the configured node', waitForPeers(d.node, 3))
    expect(d.node.status()).toMatchObject({ inetGroup: '198.51.100.0/24', inetGroupSource: 'configured' })
    console.info(`inet groups learned on loopback in ${elapsed} ms (3 nodes, start to last adoption)`)
  }, 60_000)
})

/** Resolves once `node` has `n` peers, on libp2p's connection events rather than a sleep. */
function waitForPeers(node: CheckerNode, n: number): Promise<void> {
  const libp2p = node.host?.libp2p
  if (!libp2p) return Promise.reject(new Error('node not started'))
  return new Promise((resolve) => {
    const check = () => {
      if (libp2p.getPeers().length < n) return
      libp2p.removeEventListener('peer:identify', check)
      resolve()
    }
    libp2p.addEventListener('peer:identify', check)
    check()
  })
}
