import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { type CliProcess, spawnCli, untilFrom } from './cli-process.js'
import { e2eWorld } from './helpers/e2e-world.js'

/*
 * Issue 13, item 5, as an operator sees it: `--relay-server on` makes a node a relay, `--relay-client
 * on` makes another reserve a slot on it, and `spark-swarm status` says so on both. The mechanics
 * (gossip through the relay between peers that cannot dial each other, the move to a direct
 * connection) are packages/node/test/relay.test.ts.
 */

const nodes: CliProcess[] = []

const e2e = e2eWorld({
  name: 'relay',
  seed: 'relay e2e',
  blocksPerProvider: 2,
  stop: async () => {
    for (const node of nodes) await node.stop()
  },
})

async function start(name: string, flags: string[]): Promise<{ node: CliProcess; api: string; addrs: string[] }> {
  const w = e2e.world
  const config = join(e2e.dir, `${name}.json`)
  await writeFile(
    config,
    JSON.stringify({
      dataDir: join(e2e.dir, name),
      network: 'devnet',
      params: { genesisTime: genesis, roundDurationMs: 3_000, gracePeriodMs: 600, tasksPerRound: 2, minCommitteeSize: 1 },
      catalogue: join(e2e.dir, 'catalogue.json'),
      indexer: w.ipniUrl,
      rpc: w.rpcUrl,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      apiPort: 0,
      logLevel: 'warn',
    }),
  )
  const node = spawnCli(['start', '--config', config, '--inet-group', `198.51.${nodes.length}.0/24`, ...flags])
  nodes.push(node)
  const [, addrs] = await node.waitForLine(/^ {2}listening {2}(.+)$/)
  const [, api] = await node.waitForLine(/^ {2}status {5}(http:\/\/127\.0\.0\.1:\d+)\//)
  return { node, api: api as string, addrs: (addrs as string).split(' ') }
}

const genesis = Date.now()
const statusOf = async (api: string) => (await runCli(['status', '--api', api])).stdout

describe('relay flags, as an operator uses them', () => {
  it('a relay node and a node that reserves a slot on it both say so in `status`', async () => {
    await writeFile(join(e2e.dir, 'catalogue.json'), JSON.stringify(e2e.world.catalogue))
    const relay = await start('relay', ['--relay-server', 'on', '--relay-client', 'off'])
    const home = await start('home', ['--relay-client', 'on', '--bootstrap', relay.addrs[0] as string])
    const relayed = await untilFrom(
      [relay.node, home.node],
      "the home node's status to say it is reachable through the relay",
      async () => (await statusOf(home.api)).match(/^reachability: reachable through a relay \(1 relay, .*$/m)?.[0],
      30_000,
    )
    expect(relayed).toMatch(/peers? connected$/)
    const relayLine = await untilFrom(
      [relay.node],
      "the relay's status to count the reservation",
      async () => (await statusOf(relay.api)).match(/^reachability: .*, relaying for 1$/m)?.[0],
      10_000,
    )
    expect(relayLine).toMatch(/^reachability: loopback only: peers on other machines cannot dial it/)
    // the relayed address names the relay and the node: what a peer that cannot dial it directly uses
    const api = JSON.parse((await runCli(['status', '--api', home.api, '--json'])).stdout) as {
      peerId: string
      reachability: { via: string; relays: string[] }
      multiaddrs: string[]
    }
    const relayPeer = (relay.addrs[0] as string).split('/p2p/')[1] as string
    expect(api.reachability).toMatchObject({ via: 'relayed', relays: [relayPeer] })
    expect(api.multiaddrs.some((a) => a.endsWith(`/p2p/${relayPeer}/p2p-circuit/p2p/${api.peerId}`))).toBe(true)
  }, 90_000)
})
