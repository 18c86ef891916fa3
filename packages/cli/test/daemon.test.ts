import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../test/cli.js'
import { spawnCli } from '../../../test/cli-process.js'
import { resolveNodeConfig } from '../src/config/node-config.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-cli-daemon-'))
})
afterAll(async () => rm(dir, { recursive: true, force: true }))

describe('every command documents itself', () => {
  it.each([
    'evaluate',
    'check',
    'start',
    'tracker',
    'devnet',
    'keygen',
    'status',
    'export',
    'verify',
    'demo',
    'catalogue build',
  ])('%s --help', async (command) => {
    const { code, stdout } = await runCli([...command.split(' '), '--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(new RegExp(`^Usage: spark-swarm ${command}`))
  })
  it('an unknown flag is a usage error', async () => {
    const { code, stderr } = await runCli(['start', '--no-such-flag'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/unknown option '--no-such-flag'/)
  })
})

describe('spark-swarm keygen', () => {
  it('creates a 0600 key once and shows it afterwards', async () => {
    const dataDir = join(dir, 'keygen')
    const first = await runCli(['keygen', '--data-dir', dataDir, '--json'])
    expect(first.code).toBe(0)
    const created = JSON.parse(first.stdout)
    expect(created.created).toBe(true)
    expect((await stat(join(dataDir, 'identity.key'))).mode & 0o777).toBe(0o600)
    const again = JSON.parse((await runCli(['keygen', '--data-dir', dataDir, '--json'])).stdout)
    expect(again).toMatchObject({ created: false, peerId: created.peerId, stationId: created.stationId })
  })
})

describe('configuration precedence', () => {
  it('flags over environment over config file over defaults, with errors naming the key', async () => {
    const file = join(dir, 'node.json')
    await writeFile(file, JSON.stringify({ inetGroup: 'from-file', indexer: 'http://file', apiPort: 1 }))
    const config = await resolveNodeConfig(
      { inetGroup: 'from-flag' },
      { SPARK_SWARM_INET_GROUP: 'from-env', SPARK_SWARM_INDEXER_URL: 'http://env' },
      file,
    )
    expect(config.inetGroup).toBe('from-flag')
    expect(config.indexer).toBe('http://env')
    expect(config.apiPort).toBe(1)
    expect(config.logLevel).toBe('info')
    await writeFile(file, JSON.stringify({ inetGroop: 'typo' }))
    await expect(resolveNodeConfig({}, {}, file)).rejects.toThrow(/"inetGroop" is not a setting/)
    await expect(resolveNodeConfig({}, { SPARK_SWARM_API_PORT: 'ninety' }, undefined)).rejects.toThrow(
      /SPARK_SWARM_API_PORT: apiPort must be a port number/,
    )
  })

  it('the gateway is on by default, off from the file, the environment or --no-gateway; amino is off by default', async () => {
    const file = join(dir, 'gateway.json')
    expect((await resolveNodeConfig({}, {}, undefined)).gateway).toBe(true)
    await writeFile(file, JSON.stringify({ gateway: false }))
    expect((await resolveNodeConfig({}, {}, file)).gateway).toBe(false)
    expect((await resolveNodeConfig({}, { SPARK_SWARM_GATEWAY: 'off' }, undefined)).gateway).toBe(false)
    expect((await resolveNodeConfig({ gateway: false }, { SPARK_SWARM_GATEWAY: 'on' }, undefined)).gateway).toBe(false)
    // unset: the network's default, decided at start (known-networks.test.ts)
    expect((await resolveNodeConfig({}, {}, undefined)).amino).toBeUndefined()
    expect((await resolveNodeConfig({}, { SPARK_SWARM_AMINO: '/dns4/a/tcp/4001/p2p/x, /dns4/b/tcp/4001/p2p/y' }, undefined)).amino).toEqual(
      ['/dns4/a/tcp/4001/p2p/x', '/dns4/b/tcp/4001/p2p/y'],
    )
    await expect(resolveNodeConfig({}, { SPARK_SWARM_GATEWAY: 'maybe' }, undefined)).rejects.toThrow(
      /SPARK_SWARM_GATEWAY: gateway must be true or false/,
    )
  })
})

describe('behind NAT: the relay and UPnP settings', () => {
  it('auto by default, on/off from the file, the environment or a flag; anything else names the choices', async () => {
    const defaults = await resolveNodeConfig({}, {}, undefined)
    expect([defaults.relayServer, defaults.relayClient, defaults.upnp]).toEqual(['auto', 'auto', false])
    const file = join(dir, 'nat.json')
    await writeFile(file, JSON.stringify({ relayServer: 'off', relayClient: 'on', upnp: true }))
    const fromFile = await resolveNodeConfig({}, {}, file)
    expect([fromFile.relayServer, fromFile.relayClient, fromFile.upnp]).toEqual(['off', 'on', true])
    const fromEnv = await resolveNodeConfig({ relayClient: 'off' }, { SPARK_SWARM_RELAY_SERVER: 'on', SPARK_SWARM_UPNP: 'off' }, file)
    expect([fromEnv.relayServer, fromEnv.relayClient, fromEnv.upnp]).toEqual(['on', 'off', false])
    await expect(resolveNodeConfig({ relayServer: 'yes' }, {}, undefined)).rejects.toThrow(
      /--relay-server: relayServer must be one of auto, on, off/,
    )
  })
})

describe('spark-swarm tracker', () => {
  it('serves the gate: 400 OUTDATED CLIENT below the minimum; stops on SIGTERM', async () => {
    const config = join(dir, 'tracker.json')
    await writeFile(config, JSON.stringify({ preset: 'devnet', bootstrap: [], minCheckerVersion: '1.0.0' }))
    const tracker = spawnCli(['tracker', '--config', config, '--port', '0', '--log-level', 'silent'])
    try {
      const [, url] = await tracker.waitForLine(/^spark-swarm tracker on (http:\/\/127\.0\.0\.1:\d+)/)
      const old = await fetch(`${url}/v1/gate`, { headers: { 'x-spark-swarm-version': '0.9.0' } })
      expect([old.status, await old.text()]).toEqual([400, 'OUTDATED CLIENT'])
      const current = await fetch(`${url}/v1/gate`, { headers: { 'x-spark-swarm-version': '1.0.0' } })
      expect(current.status).toBe(200)
    } finally {
      expect(await tracker.stop()).toBe(0)
    }
  })
  it('refuses a broken config, naming the key', async () => {
    const config = join(dir, 'bad-tracker.json')
    await writeFile(config, JSON.stringify({ preset: 'devnet', bootstrap: [], params: { roundDurationMs: -5 } }))
    const { code, stderr } = await runCli(['tracker', '--config', config])
    expect(code).toBe(2)
    expect(stderr).toMatch(/roundDurationMs/)
  })
})

describe('spark-swarm start and status', () => {
  let world: OutsideWorld
  beforeAll(async () => {
    world = await startOutsideWorld({
      seed: 'cli start',
      blocksPerProvider: 2,
      providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
    })
  }, 30_000)
  afterAll(async () => world?.stop())

  it('runs a node from a config file, answers `status`, and stops cleanly on SIGTERM', async () => {
    const catalogue = join(dir, 'catalogue.json')
    await writeFile(catalogue, JSON.stringify(world.catalogue))
    const config = join(dir, 'start.json')
    await writeFile(
      config,
      JSON.stringify({
        dataDir: join(dir, 'daemon'),
        network: 'devnet',
        params: { genesisTime: Date.now(), roundDurationMs: 2_000, gracePeriodMs: 500, tasksPerRound: 2, minCommitteeSize: 1 },
        catalogue,
        indexer: world.ipniUrl,
        rpc: world.rpcUrl,
        listen: ['/ip4/127.0.0.1/tcp/0'],
        apiPort: 0,
        logLevel: 'warn',
      }),
    )
    const node = spawnCli(['start', '--config', config, '--inet-group', '198.51.100.0/24'])
    try {
      const [, api] = await node.waitForLine(/^ {2}status {5}(http:\/\/127\.0\.0\.1:\d+)\//)
      let status = JSON.parse((await runCli(['status', '--api', api as string, '--json'])).stdout)
      expect(status.network).toBe('devnet')
      for (let i = 0; i < 100 && status.jobsCompleted === 0; i++) {
        await new Promise((r) => setTimeout(r, 100))
        status = JSON.parse((await runCli(['status', '--api', api as string, '--json'])).stdout)
      }
      expect(status.jobsCompleted).toBeGreaterThan(0)
      const human = await runCli(['status', '--api', api as string])
      expect(human.stdout).toMatch(/^node 12D3KooW\w+ on devnet/)
      // a node on 127.0.0.1 alone: how others reach it, in the words of the status page
      expect(human.stdout).toMatch(
        /^reachability: loopback only: peers on other machines cannot dial it \(1 listen address\), 0 peers connected$/m,
      )
      const page = await fetch(`${api}/`)
      expect(page.headers.get('content-type')).toMatch(/text\/html/)
    } finally {
      expect(await node.stop()).toBe(0)
    }
    expect(node.lines.at(-1)).toBe('stopped')
  }, 60_000)

  it('says what is missing: no catalogue', async () => {
    const { code, stderr } = await runCli(['start', '--data-dir', join(dir, 'nocat'), '--network', 'devnet', '--api-port', '0'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/no task catalogue: pass --tracker <url> \(the network gives it\), or --catalogue <file>/)
  })
})

describe('spark-swarm devnet', () => {
  it('runs a swarm until SIGTERM, every node with a status page', async () => {
    const devnet = spawnCli(['devnet', '--nodes', '2', '--round-seconds', '3'])
    try {
      await devnet.waitForLine(/^Ctrl-C stops it\.$/, 40_000)
      const urls = devnet.lines.map((l) => l.match(/status (http:\/\/127\.0\.0\.1:\d+)\//)?.[1]).filter((u): u is string => Boolean(u))
      expect(urls).toHaveLength(2)
      const health = await fetch(`${urls[0]}/healthz`)
      expect(health.status).toBe(200)
    } finally {
      expect(await devnet.stop()).toBe(0)
    }
  }, 60_000)
})
