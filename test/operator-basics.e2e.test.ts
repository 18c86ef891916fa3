import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { spawnCli } from './cli-process.js'

/*
 * What an operator meets in the first hour of running `spark-swarm start` (issue 11, item 6),
 * through the built binary: the printed status URL, the round progress in the log, the inet group
 * warning, `status --config`, config error codes, one network per data dir, the embedding example's
 * guard and the supported Node versions.
 */

let dir: string
let world: OutsideWorld
let catalogue: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-operator-'))
  world = await startOutsideWorld({
    seed: 'operator basics',
    blocksPerProvider: 2,
    providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
  })
  catalogue = join(dir, 'catalogue.json')
  await writeFile(catalogue, JSON.stringify(world.catalogue))
}, 30_000)
afterAll(async () => {
  await world?.stop()
  await rm(dir, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A devnet node's config file: fast rounds, one provider, on loopback. */
async function nodeConfig(name: string, extra: Record<string, unknown>): Promise<string> {
  const path = join(dir, `${name}.json`)
  await writeFile(
    path,
    JSON.stringify({
      network: 'devnet',
      catalogue,
      indexer: world.ipniUrl,
      rpc: world.rpcUrl,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      logLevel: 'info',
      ...extra,
      params: { roundDurationMs: 1_500, gracePeriodMs: 400, tasksPerRound: 2, minCommitteeSize: 1, ...(extra.params as object) },
    }),
  )
  return path
}

type Node = ReturnType<typeof spawnCli>

/** The first log line on stderr whose `msg` matches: the node's logs are JSON lines. */
async function waitForLog(node: Node, pattern: RegExp, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    for (const line of node.stderr) {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>
        if (typeof entry.msg === 'string' && pattern.test(entry.msg)) return entry
      } catch {}
    }
    if (Date.now() > deadline || node.child.exitCode !== null) {
      throw new Error(`no log matching ${pattern}; got:\n${node.stderr.join('\n')}\n${node.lines.join('\n')}`)
    }
    await new Promise((resolve) => node.child.stderr?.once('data', resolve))
  }
}

/** Until the node has anchored a round, from its status API (not its log, which another test checks). */
async function waitForAnchored(node: Node, timeoutMs = 25_000): Promise<number> {
  const [, api] = (await node.waitForLine(/^ {2}status {5}(http:\/\/127\.0\.0\.1:\d+)\//)) as unknown as string[]
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const status = (await (await fetch(`${api}/api/status`)).json()) as { rounds: Array<{ round: number }> }
    if (status.rounds[0]) return status.rounds[0].round
    if (Date.now() > deadline) throw new Error(`no anchored round in ${timeoutMs} ms:\n${node.stderr.join('\n')}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe('a node as an operator starts it', () => {
  const dataDir = () => join(dir, 'node')
  let config: string
  let node: Node
  let other: Node | undefined
  beforeAll(async () => {
    // another network in the same data dir first: devnet rounds numbered from a genesis long ago, so
    // its round numbers are higher than those of the network the data dir is used for afterwards
    other = spawnCli([
      'start',
      '--config',
      await nodeConfig('other', { dataDir: dataDir(), apiPort: 0, params: { genesisTime: Date.now() - 150_000 } }),
    ])
    await waitForAnchored(other)
    expect(await other.stop()).toBe(0)
    // as a data dir from before it recorded its network: only the export check is left to show
    await rm(join(dataDir(), 'data-dir-network.json'), { force: true })
    config = await nodeConfig('node', { dataDir: dataDir(), apiPort: await freePort(), params: { genesisTime: Date.now() } })
    node = spawnCli(['start', '--config', config])
  }, 40_000)
  afterAll(async () => {
    await other?.stop()
    await node?.stop()
  })

  it('prints a status URL that works, and //metrics is no route', async () => {
    const [, page, metrics] = (await node.waitForLine(/^ {2}status {5}(\S+) {2}\(metrics (\S+)\)$/)) as unknown as string[]
    expect(page).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(metrics).toBe(`${page}metrics`)
    expect((await fetch(page as string)).status).toBe(200)
    expect((await fetch(metrics as string)).headers.get('content-type')).toMatch(/^text\/plain/)
    const doubled = await fetch(`${page}/metrics`)
    expect(doubled.status).toBe(404)
  })

  it('says that its inet group is learned from peers, and how to set it', async () => {
    await node.waitForLine(
      /^ {2}inet group learned from the addresses peers observe this node at: "unknown" until .*\(--inet-group sets it\)$/,
    )
  })

  it('warns loudly that it runs alone: no tracker and no bootstrap peers', async () => {
    await node.waitForLine(/^ {2}WARNING {4}running alone: no tracker and no bootstrap peers — .*pass --tracker <url>.*--bootstrap/)
    const entry = await waitForLog(node, /^running alone: no tracker and no bootstrap peers/)
    expect(entry).toMatchObject({ level: 40, code: 'NO_PEERS' })
  })

  it('logs that a round was published, evaluated and anchored, with counts', async () => {
    expect(await waitForLog(node, /^round \d+: measurement published$/)).toMatchObject({ published: 1, retrievalResult: 'OK' })
    const evaluated = await waitForLog(node, /^round \d+: evaluated$/)
    expect(evaluated).toMatchObject({ committees: expect.any(Number), measurements: expect.any(Number), dropped: expect.any(Number) })
    expect(await waitForLog(node, /^round \d+: summary anchored$/)).toMatchObject({ summaryCid: expect.stringMatching(/^bafy/) })
  })

  it('`status --config` asks the node at the config file’s API port', async () => {
    await node.waitForLine(/^ {2}status /)
    const { code, stdout, stderr } = await runCli(['status', '--config', config])
    expect(code, stderr).toBe(0)
    expect(stdout).toMatch(/^node 12D3KooW\w+ on devnet/)
  })

  it('export without a round picks a round of the data dir’s own network', async () => {
    const anchored = await waitForAnchored(node)
    const car = join(dir, 'own.car')
    const exported = await runCli(['export', '--data-dir', dataDir(), '-o', car])
    expect(exported.code, exported.stderr).toBe(0)
    const round = Number(exported.stderr.match(/^round (\d+):/)?.[1])
    // this network's rounds start at 0 now; the other's are beyond 90
    expect(round).toBeGreaterThanOrEqual(anchored)
    expect(round).toBeLessThan(50)
  })

  it('refuses to start on a data dir of another network', async () => {
    await waitForAnchored(node)
    expect(await node.stop()).toBe(0)
    const again = await nodeConfig('again', { dataDir: dataDir(), apiPort: 0, params: { genesisTime: Date.now() - 60_000 } })
    const { code, stderr } = await runCli(['start', '--config', again])
    expect(code).toBe(1)
    expect(stderr).toMatch(
      /^spark-swarm: the data dir .* belongs to network "devnet" \(genesis .*use another --data-dir .*\[DATA_DIR_OTHER_NETWORK\]$/m,
    )
  }, 20_000)
})

describe('start reports what it will not use', () => {
  it('with --tracker, says that network/params of the config file are ignored', async () => {
    const config = await nodeConfig('tracked', { dataDir: join(dir, 'tracked'), apiPort: 0 })
    // no tracker answers there: the warning comes before the node asks it
    const { stderr } = await runCli(['start', '--config', config, '--tracker', `http://127.0.0.1:${await freePort()}`])
    const warning = stderr.split('\n').find((line) => line.includes('ignored: with --tracker'))
    expect(warning, stderr).toBeDefined()
    expect(JSON.parse(warning as string).msg).toMatch(/^network \(from .*tracked\.json\) and params \(from .*tracked\.json\) ignored/)
  })

  it('a config error exits 2 and ends in [CONFIG_INVALID]', async () => {
    const config = join(dir, 'bad.json')
    await writeFile(config, JSON.stringify({ apiPort: 'ninety' }))
    const { code, stderr } = await runCli(['start', '--config', config])
    expect(code).toBe(2)
    expect(stderr.trim()).toMatch(/^spark-swarm: .*bad\.json: apiPort must be a port number.* \[CONFIG_INVALID\]$/)
    await writeFile(config, '{ not json')
    const notJson = await runCli(['start', '--config', config])
    expect([notJson.code, notJson.stderr.trim()]).toEqual([2, expect.stringMatching(/is not valid JSON.*\[CONFIG_INVALID\]$/)])
  })
})

describe('the station-embedding example', () => {
  it('survives libp2p’s known closing-stream error, as docs/node.md requires of an app', async () => {
    const example = fileURLToPath(new URL('../examples/station-embedding/index.mjs', import.meta.url))
    // the error libp2p throws from an event listener while a stream closes (js-libp2p#3415)
    const inject = `data:text/javascript,setTimeout(() => { const e = new Error('Cannot write to a stream that is closing'); e.name = 'StreamStateError'; throw e }, 1500)`
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', inject, example, '1'], { timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    )
    expect(code, stderr).toBe(0)
    expect(stdout).toMatch(/^stopped$/m)
  }, 60_000)
})

describe('supported Node versions', () => {
  it('the README names the root engines range, and this Node satisfies it', async () => {
    const root = JSON.parse(await readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'))
    const readme = await readFile(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8')
    const range = root.engines.node as string
    const min = range.match(/^>=(\d+)\.(\d+)$/)
    expect(min, `engines.node ${range}`).not.toBeNull()
    expect(readme).toContain(`Node.js ≥ ${min?.[1]}.${min?.[2]} (the root \`engines\`)`)
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number]
    expect(major > Number(min?.[1]) || (major === Number(min?.[1]) && minor >= Number(min?.[2]))).toBe(true)
  })
})
