import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aminoPeers, IPFS_BOOTSTRAP_PEERS, KNOWN_NETWORKS } from '../src/config/known-networks.js'
import { ignoredWithTracker, resolveNodeConfig } from '../src/config/node-config.js'

/* Config resolution only: nothing here starts a node, so no default tracker is ever contacted. */

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-cli-known-'))
})
afterAll(async () => rm(dir, { recursive: true, force: true }))

const MAINNET_TRACKER = KNOWN_NETWORKS.mainnet?.tracker as string

describe("a known network's default tracker", () => {
  it('mainnet (the default network) gets its public tracker when none is configured', async () => {
    expect(MAINNET_TRACKER).toMatch(/^https:\/\//)
    const config = await resolveNodeConfig({}, {})
    expect(config.tracker).toBe(MAINNET_TRACKER)
    expect(config.sources?.tracker).toBe('the default of network mainnet')
    // --network mainnet chose that tracker: it is not "ignored"
    expect(ignoredWithTracker(await resolveNodeConfig({ network: 'mainnet' }, {}))).toBeUndefined()
  })

  it('devnets have none', async () => {
    for (const network of ['devnet', 'devnet-v2', 'spark-compat']) {
      expect((await resolveNodeConfig({ network }, {})).tracker, network).toBeUndefined()
      expect((await resolveNodeConfig({}, { SPARK_SWARM_NETWORK: network })).tracker, network).toBeUndefined()
    }
  })

  it('an explicit tracker wins, from a flag, the environment or the file', async () => {
    const file = join(dir, 'node.json')
    await writeFile(file, JSON.stringify({ tracker: 'http://127.0.0.1:8081' }))
    expect((await resolveNodeConfig({}, {}, file)).tracker).toBe('http://127.0.0.1:8081')
    expect((await resolveNodeConfig({}, { SPARK_SWARM_TRACKER: 'http://127.0.0.1:8082' }, file)).tracker).toBe('http://127.0.0.1:8082')
    expect((await resolveNodeConfig({ tracker: 'http://127.0.0.1:8083' }, {}, file)).tracker).toBe('http://127.0.0.1:8083')
  })

  it('--no-tracker, "tracker": false or SPARK_SWARM_TRACKER=none runs mainnet on its preset', async () => {
    expect((await resolveNodeConfig({ tracker: false }, {})).tracker).toBeUndefined()
    expect((await resolveNodeConfig({}, { SPARK_SWARM_TRACKER: 'none' })).tracker).toBeUndefined()
    const file = join(dir, 'no-tracker.json')
    await writeFile(file, JSON.stringify({ tracker: false }))
    expect((await resolveNodeConfig({}, {}, file)).tracker).toBeUndefined()
    await writeFile(file, JSON.stringify({ tracker: 7 }))
    await expect(resolveNodeConfig({}, {}, file)).rejects.toThrow(/tracker must be a tracker URL, or false for none/)
  })
})

describe('Amino by default', () => {
  it('is on for mainnet, through the IPFS bootstrap peers, and off for devnets', () => {
    expect(IPFS_BOOTSTRAP_PEERS.length).toBeGreaterThan(0)
    for (const peer of IPFS_BOOTSTRAP_PEERS)
      expect(peer).toMatch(/^\/(dnsaddr\/bootstrap\.libp2p\.io|ip4\/[\d.]+\/tcp\/\d+)\/p2p\/Qm\w{44}$/)
    expect(aminoPeers(undefined, 'mainnet')).toEqual(IPFS_BOOTSTRAP_PEERS)
    for (const network of ['devnet', 'devnet-v2', 'spark-compat', 'a-tracker-network']) expect(aminoPeers(undefined, network)).toEqual([])
  })

  it('follows the network the node runs on: a devnet tracker behind a default --network makes it off', async () => {
    const config = await resolveNodeConfig({ tracker: 'http://127.0.0.1:8080' }, {})
    expect(config.network).toBe('mainnet')
    expect(aminoPeers(config.amino, 'devnet')).toEqual([])
  })

  it('--no-amino, SPARK_SWARM_AMINO=false or "amino": false turn it off; --amino <peer> names the peers', async () => {
    for (const config of [
      await resolveNodeConfig({ amino: false }, {}),
      await resolveNodeConfig({}, { SPARK_SWARM_AMINO: 'false' }),
      await resolveNodeConfig({}, { SPARK_SWARM_AMINO: 'off' }),
    ]) {
      expect(config.amino).toEqual([])
      expect(aminoPeers(config.amino, 'mainnet')).toEqual([])
    }
    const file = join(dir, 'no-amino.json')
    await writeFile(file, JSON.stringify({ amino: false }))
    expect(aminoPeers((await resolveNodeConfig({}, {}, file)).amino, 'mainnet')).toEqual([])
    const named = await resolveNodeConfig(
      { amino: ['/ip4/127.0.0.1/tcp/4001/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN'] },
      {},
      file,
    )
    expect(aminoPeers(named.amino, 'devnet')).toEqual(['/ip4/127.0.0.1/tcp/4001/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN'])
  })
})
