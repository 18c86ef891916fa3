import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CarReader } from '@ipld/car'
import { type Catalogue, catalogueCid } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { spawnCli } from './cli-process.js'

/*
 * The outside world on its own (docs/operators.md, "A devnet in several processes"):
 * `spark-swarm devnet --nodes 0 --json` prints, as one JSON object, what `spark-swarm start`
 * nodes in other processes need; the catalogue it writes is the one it serves, the IPNI and the
 * providers answer for it, a restart on the same data dir gives the same providers and
 * catalogue, and a `start` node attached with the node config it writes completes checks.
 */

interface WorldJson {
  dataDir: string
  persistent: boolean
  indexerUrl: string
  rpcUrl: string
  catalogue: { path: string; cid: string; entries: number }
  providers: Array<{ minerId: string; peerId: string; httpUrl: string; profile: { kind: string } }>
  params: { preset: string; overrides: Record<string, unknown>; digest: string; trackerConfig: string; nodeConfig: string }
  tracker: string | null
}

let dir: string
const processes: Array<ReturnType<typeof spawnCli>> = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-devnet-alone-'))
})
afterAll(async () => {
  for (const p of processes) await p.stop()
  await rm(dir, { recursive: true, force: true })
}, 30_000)

/** Starts the world on `dir/world` and returns its printed description (the first stdout line). */
async function startWorld(): Promise<{ cli: ReturnType<typeof spawnCli>; world: WorldJson }> {
  const cli = spawnCli(['devnet', '--nodes', '0', '--round-seconds', '2', '--data-dir', join(dir, 'world'), '--json'])
  processes.push(cli)
  const [line] = await cli.waitForLine(/^\{.*\}$/, 20_000)
  return { cli, world: JSON.parse(line) as WorldJson }
}

describe('spark-swarm devnet --nodes 0', () => {
  let first: WorldJson

  it('prints what a node needs; the catalogue file has the printed CID; IPNI and the provider serve its content', async () => {
    const { world } = await startWorld()
    first = world
    expect(world.persistent).toBe(true)
    expect(world.tracker).toBeNull()
    expect(world.params.preset).toBe('devnet')
    expect(world.params.overrides.catalogueCid).toBe(world.catalogue.cid)
    expect(world.providers.map((p) => p.minerId)).toEqual(['f01000', 'f02000', 'f03000'])

    const catalogue = JSON.parse(await readFile(world.catalogue.path, 'utf8')) as Catalogue
    expect((await catalogueCid(catalogue)).toString()).toBe(world.catalogue.cid)
    expect(catalogue.entries).toHaveLength(world.catalogue.entries)
    const tracker = JSON.parse(await readFile(world.params.trackerConfig, 'utf8'))
    expect(tracker).toEqual({ preset: 'devnet', params: world.params.overrides, catalogue: world.catalogue.path })

    const healthy = world.providers.find((p) => p.profile.kind === 'healthy')
    const entry = catalogue.entries.find((e) => e.minerId === healthy?.minerId)
    if (!healthy || !entry) throw new Error('no healthy provider in the catalogue')
    expect(entry.providerId).toBe(healthy.peerId)

    const ipni = await fetch(`${world.indexerUrl}/cid/${entry.cid}`, { signal: AbortSignal.timeout(5_000) })
    expect(ipni.status).toBe(200)
    const records = (await ipni.json()) as { MultihashResults: Array<{ ProviderResults: Array<{ Provider: { ID: string } }> }> }
    expect(records.MultihashResults[0]?.ProviderResults.map((r) => r.Provider.ID)).toContain(healthy.peerId)

    const block = await fetch(`${healthy.httpUrl}/ipfs/${entry.cid}?dag-scope=block`, {
      headers: { accept: 'application/vnd.ipld.car' },
      signal: AbortSignal.timeout(5_000),
    })
    expect(block.status).toBe(200)
    const reader = await CarReader.fromBytes(new Uint8Array(await block.arrayBuffer()))
    const cid = CID.parse(entry.cid)
    const got = await reader.get(cid)
    if (!got) throw new Error(`the CAR from ${healthy.httpUrl} lacks ${entry.cid}`)
    expect((await sha256.digest(got.bytes)).bytes).toEqual(cid.multihash.bytes)
  }, 30_000)

  it('a second run on the same data dir has the same provider peer ids, catalogue CID and params', async () => {
    const running = processes.splice(0)
    for (const p of running) expect(await p.stop()).toBe(0)
    const { world } = await startWorld()
    expect(world.providers.map((p) => p.peerId)).toEqual(first.providers.map((p) => p.peerId))
    expect(world.catalogue.cid).toBe(first.catalogue.cid)
    expect(world.params.digest).toBe(first.params.digest)
  }, 30_000)

  it('a spark-swarm start node attached with the node config it wrote completes a check', async () => {
    const config = JSON.parse(await readFile(join(dir, 'world', 'node.json'), 'utf8')) as { indexer: string }
    expect(config.indexer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const nodeConfig = join(dir, 'world', 'node.json')
    const node = spawnCli([
      'start',
      '--config',
      nodeConfig,
      '--data-dir',
      join(dir, 'node-1'),
      '--api-port',
      '0',
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--inet-group',
      '10.0.1.0/24',
      '--log-level',
      'warn',
    ])
    processes.push(node)
    const [, api] = await node.waitForLine(/status\s+(http:\/\/127\.0\.0\.1:\d+)/, 20_000)
    const end = Date.now() + 15_000
    for (;;) {
      const status = (await (await fetch(`${api}/api/status`, { signal: AbortSignal.timeout(5_000) })).json()) as { jobsCompleted: number }
      if (status.jobsCompleted > 0) break
      if (Date.now() > end) throw new Error(`no check completed in 15 s: ${JSON.stringify(status)}\n${node.stderr.join('\n')}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }, 30_000)

  it('refuses the world-only flags with nodes: exit 2, naming the flag', async () => {
    const result = await runCli(['devnet', '--nodes', '2', '--json'], { timeoutMs: 15_000 })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--json is for the outside world on its own: add --nodes 0/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})
