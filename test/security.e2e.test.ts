import { type ChildProcess, spawn } from 'node:child_process'
import { chmod, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPairFromSeed, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { createCheckerNode, instrumentNode, startStatusServer } from '@spark-swarm/node'
import { devnet, stationKeyFromSeed } from '@spark-swarm/protocol'
import { base58btc } from 'multiformats/bases/base58'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, runCli } from './cli.js'

/*
 * docs/security.md, "Operational defaults", checked on the real processes:
 * - nothing listens beyond loopback unless asked: createCheckerNode, the status server,
 *   `spark-swarm start`, `spark-swarm tracker` and `spark-swarm devnet`, each with its defaults
 *   (the bound sockets are read from /proc, so a 0.0.0.0 listener cannot hide behind a list of
 *   advertised addresses);
 * - the data dir is 0700 and the key 0600; nothing but identity.key holds the key;
 * - no output shows the private key in any encoding: the node's logs at debug level, the CLI's
 *   stdout and stderr, the status page, /api/status and /metrics, `keygen`, and the errors about a
 *   broken key file.
 */

let dir: string
let world: OutsideWorld
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-security-'))
  world = await startOutsideWorld({
    seed: 'security',
    blocksPerProvider: 2,
    providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
  })
}, 30_000)
afterAll(async () => {
  await world?.stop()
  await rm(dir, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------------------------
// Which TCP sockets a process listens on, from /proc (Linux).

interface Listening {
  address: string
  port: number
  loopback: boolean
}

function ipv4(hex: string): string {
  // /proc prints the address as a host-order (little-endian here) 32-bit word
  const bytes = Buffer.from(hex, 'hex').reverse()
  return [...bytes].join('.')
}

function ipv6(hex: string): string {
  const words = (hex.match(/.{8}/g) ?? []).map((w) => Buffer.from(w, 'hex').reverse().toString('hex'))
  return (words.join('').match(/.{4}/g) ?? []).join(':')
}

async function listeningSockets(pid: number): Promise<Listening[]> {
  const inodes = new Set<string>()
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
    const m = /^socket:\[(\d+)\]$/.exec(target)
    if (m) inodes.add(m[1] as string)
  }
  const found: Listening[] = []
  for (const [file, v6] of [
    ['tcp', false],
    ['tcp6', true],
  ] as const) {
    const text = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '')
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      // local_address is column 1, state column 3 (0A = LISTEN), inode column 9
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9] as string)) continue
      const [addr, port] = (cols[1] as string).split(':') as [string, string]
      const address = v6 ? ipv6(addr) : ipv4(addr)
      const loopback = v6
        ? address === '0000:0000:0000:0000:0000:0000:0000:0001' || /^0000:0000:0000:0000:0000:ffff:7f/.test(address)
        : address.startsWith('127.')
      found.push({ address, port: Number.parseInt(port, 16), loopback })
    }
  }
  return found
}

function expectAllLoopback(sockets: Listening[], what: string) {
  const exposed = sockets.filter((s) => !s.loopback).map((s) => `${s.address}:${s.port}`)
  expect(exposed, `${what} listens beyond loopback`).toEqual([])
}

// ---------------------------------------------------------------------------------------------
// A long-running CLI command with its raw output.

function spawnRaw(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout?.on('data', (b: Buffer) => stdout.push(b))
  child.stderr?.on('data', (b: Buffer) => stderr.push(b))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const output = () => Buffer.concat([...stdout, Buffer.from('\n'), ...stderr])
  return {
    child,
    output,
    async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const m = Buffer.concat(stdout).toString('utf8').match(pattern)
        if (m) return m
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no output matching ${pattern}:\n${output().toString('utf8')}`)
        }
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    async stop(): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The private key in every encoding a program might print it in.

async function secretForms(seed: Uint8Array): Promise<Array<{ form: string; text: string }>> {
  const libp2pKey = await generateKeyPairFromSeed('Ed25519', seed)
  const raw = Buffer.from(libp2pKey.raw) // seed ‖ public key
  const protobuf = Buffer.from(privateKeyToProtobuf(libp2pKey))
  const pkcs8 = Buffer.from(stationKeyFromSeed(seed).privateKey.export({ format: 'der', type: 'pkcs8' }))
  const forms: Array<{ form: string; text: string }> = []
  const add = (name: string, bytes: Buffer) => {
    const hex = bytes.toString('hex')
    forms.push(
      { form: `${name} hex`, text: hex },
      { form: `${name} HEX`, text: hex.toUpperCase() },
      { form: `${name} base64`, text: bytes.toString('base64').replace(/=+$/, '') },
      { form: `${name} base64url`, text: bytes.toString('base64url') },
      { form: `${name} base58btc`, text: base58btc.baseEncode(bytes) },
    )
  }
  const seedBytes = Buffer.from(seed)
  add('seed', seedBytes)
  add('first half of the seed', seedBytes.subarray(0, 16))
  add('second half of the seed', seedBytes.subarray(16))
  add('libp2p raw private key', raw)
  add('libp2p protobuf private key', protobuf)
  add('PKCS#8 DER', pkcs8)
  // PEM wraps base64 at 64 characters: a line of it is a give-away too
  forms.push({ form: 'PKCS#8 PEM line', text: pkcs8.toString('base64').slice(0, 64) })
  return forms
}

async function expectNoKey(output: Buffer | string, seed: Uint8Array, what: string) {
  const bytes = typeof output === 'string' ? Buffer.from(output, 'utf8') : output
  expect(bytes.length, `${what}: no output captured`).toBeGreaterThan(0)
  expect(bytes.indexOf(Buffer.from(seed)), `${what} holds the raw seed bytes`).toBe(-1)
  const text = bytes.toString('utf8')
  const shown = (await secretForms(seed)).filter(({ text: secret }) => text.includes(secret)).map(({ form }) => form)
  expect(shown, `${what} shows the private key`).toEqual([])
}

async function seedOf(dataDir: string): Promise<Uint8Array> {
  const file = JSON.parse(await readFile(join(dataDir, 'identity.key'), 'utf8')) as { seed: string }
  return new Uint8Array(Buffer.from(file.seed, 'hex'))
}

/** Every file under `root` except identity.key that contains the seed in raw or hex form. */
async function filesHoldingKey(root: string, seed: Uint8Array): Promise<string[]> {
  const forms = [Buffer.from(seed), Buffer.from(Buffer.from(seed).toString('hex'))]
  const holding: string[] = []
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'identity.key') continue
    const path = join(entry.parentPath, entry.name)
    const bytes = await readFile(path)
    if (forms.some((f) => bytes.indexOf(f) >= 0)) holding.push(path)
  }
  return holding
}

function devnetConfig(dataDir: string, catalogue: string) {
  return {
    dataDir,
    network: 'devnet',
    params: { genesisTime: Date.now(), roundDurationMs: 2_000, gracePeriodMs: 500, tasksPerRound: 2, minCommitteeSize: 1 },
    catalogue,
    indexer: world.ipniUrl,
    rpc: world.rpcUrl,
    apiPort: 0,
    logLevel: 'debug',
  }
}

// ---------------------------------------------------------------------------------------------

describe('the library, with its defaults', () => {
  it('createCheckerNode and the status server bind loopback only; 0700/0600; logs, events and status hold no key', async () => {
    const dataDir = join(dir, 'library')
    const logs: string[] = []
    const capture = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`)
    const logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') }
    const node = createCheckerNode({
      dataDir,
      params: { ...devnet, genesisTime: Date.now(), roundDurationMs: 2_000, gracePeriodMs: 500, tasksPerRound: 2, minCommitteeSize: 1 },
      catalogue: world.catalogue,
      indexerUrl: world.ipniUrl,
      rpcUrl: world.rpcUrl,
      inetGroup: '198.51.100.0/24',
      logger,
    })
    const events: string[] = []
    for (const name of [
      'activity',
      'jobs-completed',
      'measurement:published',
      'round:evaluated',
      'summary:anchored',
      'committee:confirmed',
    ] as const) {
      node.addEventListener(name, (e) => events.push(`${name} ${JSON.stringify((e as CustomEvent).detail)}`))
    }
    const anchored = new Promise<void>((resolve) => node.addEventListener('summary:anchored', () => resolve(), { once: true }))
    await node.start()
    const metrics = instrumentNode(node)
    const server = await startStatusServer({ node, registry: metrics.registry, logger })
    try {
      expect(new URL(server.url).hostname).toBe('127.0.0.1')
      const ports = new Set([server.port, ...node.multiaddrs().map((a) => Number(/\/tcp\/(\d+)/.exec(a)?.[1]))])
      expect(ports.size).toBeGreaterThanOrEqual(2)
      const mine = (await listeningSockets(process.pid)).filter((s) => ports.has(s.port))
      expect(mine.length).toBeGreaterThanOrEqual(2)
      expectAllLoopback(mine, 'createCheckerNode + startStatusServer')

      expect((await stat(dataDir)).mode & 0o777).toBe(0o700)
      expect((await stat(join(dataDir, 'identity.key'))).mode & 0o777).toBe(0o600)

      await Promise.race([anchored, new Promise((_, reject) => setTimeout(() => reject(new Error('no round anchored in 20 s')), 20_000))])
      const pages = await Promise.all(
        ['/', '/api/status', '/metrics', '/healthz'].map(async (p) => (await fetch(`${server.url}${p}`)).text()),
      )
      const seed = await seedOf(dataDir)
      await expectNoKey([...logs, ...events].join('\n'), seed, 'the node logger at debug level and its events')
      await expectNoKey(JSON.stringify(node.status()), seed, 'status()')
      await expectNoKey(pages.join('\n'), seed, 'the status server')
      expect(await filesHoldingKey(dataDir, seed)).toEqual([])
    } finally {
      await server.stop()
      metrics.stop()
      await node.stop()
    }
  }, 40_000)
})

describe('spark-swarm start, with its defaults', () => {
  it('binds 127.0.0.1 only (libp2p on 7331, the status API), and prints no key in logs, status, page or metrics', async () => {
    const dataDir = join(dir, 'daemon')
    const keygen = await runCli(['keygen', '--data-dir', dataDir])
    const keygenJson = await runCli(['keygen', '--data-dir', dataDir, '--json'])
    expect([keygen.code, keygenJson.code]).toEqual([0, 0])
    const seed = await seedOf(dataDir)
    await expectNoKey(`${keygen.stdout}\n${keygen.stderr}\n${keygenJson.stdout}\n${keygenJson.stderr}`, seed, 'keygen')

    const catalogue = join(dir, 'catalogue.json')
    await writeFile(catalogue, JSON.stringify(world.catalogue))
    const config = join(dir, 'daemon.json')
    // no listen and no apiHost: the defaults are what is checked (apiPort 0 only avoids a clash)
    await writeFile(config, JSON.stringify(devnetConfig(dataDir, catalogue)))
    const daemon = spawnRaw(['start', '--config', config, '--inet-group', '198.51.100.0/24'])
    try {
      const [, api] = await daemon.waitFor(/ {2}status {5}(http:\/\/[^/\s]+)\//)
      expect(api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const pid = daemon.child.pid as number
      const sockets = await listeningSockets(pid)
      expectAllLoopback(sockets, 'spark-swarm start')
      expect(sockets.map((s) => s.port)).toContain(7331)
      expect(sockets.map((s) => s.port)).toContain(Number(new URL(api as string).port))

      let status = JSON.parse(await (await fetch(`${api}/api/status`)).text())
      for (let i = 0; i < 200 && !status.lastAnchored; i++) {
        await new Promise((r) => setTimeout(r, 100))
        status = JSON.parse(await (await fetch(`${api}/api/status`)).text())
      }
      expect(status.lastAnchored, 'no round anchored').toBeTruthy()
      const pages = await Promise.all(['/', '/api/status', '/metrics', '/healthz'].map(async (p) => (await fetch(`${api}${p}`)).text()))
      const cliStatus = await runCli(['status', '--api', api as string])
      const cliStatusJson = await runCli(['status', '--api', api as string, '--json'])
      await expectNoKey(pages.join('\n'), seed, 'the status server')
      await expectNoKey(`${cliStatus.stdout}${cliStatus.stderr}${cliStatusJson.stdout}${cliStatusJson.stderr}`, seed, 'spark-swarm status')
    } finally {
      expect(await daemon.stop()).toBe(0)
    }
    // the debug logs must have said something about the rounds, or this proves nothing
    expect(daemon.output().toString('utf8')).toMatch(/"level":20/)
    await expectNoKey(daemon.output(), seed, 'spark-swarm start (stdout and debug logs)')
    expect(await filesHoldingKey(dataDir, seed)).toEqual([])
  }, 60_000)

  it('says what is wrong with a broken or exposed key file, without quoting the key', async () => {
    const catalogue = join(dir, 'catalogue-broken.json')
    await writeFile(catalogue, JSON.stringify(world.catalogue))
    const seed = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255)
    const hex = Buffer.from(seed).toString('hex')
    const b64 = Buffer.from(seed).toString('base64')
    const cases: Array<{ name: string; text: string; mode: number; expected: RegExp }> = [
      { name: 'truncated', text: `{"version":1,"type":"ed25519","seed":"${hex}"`, mode: 0o600, expected: /is invalid: it is not JSON/ },
      { name: 'key in the type', text: `{"version":1,"type":"${hex}","seed":"${hex}"}`, mode: 0o600, expected: /"type" is a string of 64/ },
      { name: 'base64 key', text: `{"version":1,"type":"ed25519","seed":"${b64}"}`, mode: 0o600, expected: /"seed" is not 64 hex digits/ },
      { name: 'readable by others', text: `{"version":1,"type":"ed25519","seed":"${hex}"}\n`, mode: 0o644, expected: /chmod 600/ },
    ]
    for (const c of cases) {
      const dataDir = join(dir, `broken-${c.name.replaceAll(' ', '-')}`)
      await runCli(['keygen', '--data-dir', dataDir]) // makes the dir the node's way
      await writeFile(join(dataDir, 'identity.key'), c.text)
      await chmod(join(dataDir, 'identity.key'), c.mode)
      const config = join(dir, `broken-${c.name.replaceAll(' ', '-')}.json`)
      await writeFile(config, JSON.stringify({ ...devnetConfig(dataDir, catalogue), listen: ['/ip4/127.0.0.1/tcp/0'] }))
      const start = await runCli(['start', '--config', config, '--inet-group', '198.51.100.0/24'], { timeoutMs: 30_000 })
      const keygen = await runCli(['keygen', '--data-dir', dataDir])
      expect(start.code, `${c.name}: start`).toBe(1)
      expect(keygen.code, `${c.name}: keygen`).toBe(1)
      expect(start.stderr, c.name).toMatch(c.expected)
      expect(start.stderr, c.name).toContain(join(dataDir, 'identity.key'))
      expect(start.stderr, `${c.name}: a stack trace is no error message`).not.toMatch(/\n\s+at /)
      expect(keygen.stderr, c.name).toMatch(c.expected)
      await expectNoKey(`${start.stdout}\n${start.stderr}\n${keygen.stdout}\n${keygen.stderr}`, seed, `${c.name}: the errors`)
      expect(await readFile(join(dataDir, 'identity.key'), 'utf8'), `${c.name}: the file is left alone`).toBe(c.text)
    }
  }, 120_000)
})

describe('the tracker and the devnet, with their defaults', () => {
  it('spark-swarm tracker binds 127.0.0.1 only', async () => {
    const config = join(dir, 'tracker.json')
    await writeFile(config, JSON.stringify({ preset: 'devnet', bootstrap: [], minCheckerVersion: '0.1.0' }))
    const tracker = spawnRaw(['tracker', '--config', config, '--port', '0', '--log-level', 'silent'])
    try {
      const [, url] = await tracker.waitFor(/^spark-swarm tracker on (http:\/\/\S+) /m)
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const sockets = await listeningSockets(tracker.child.pid as number)
      expect(sockets.map((s) => s.port)).toContain(Number(new URL(url as string).port))
      expectAllLoopback(sockets, 'spark-swarm tracker')
    } finally {
      expect(await tracker.stop()).toBe(0)
    }
  })

  it('spark-swarm devnet binds 127.0.0.1 only: nodes, status pages, fake providers, IPNI and RPC', async () => {
    const devnetCli = spawnRaw(['devnet', '--nodes', '2', '--round-seconds', '3'])
    try {
      await devnetCli.waitFor(/^Ctrl-C stops it\.$/m, 40_000)
      const sockets = await listeningSockets(devnetCli.child.pid as number)
      // 2 nodes, 2 status pages, IPNI, RPC and the providers' gateways and bitswap peers
      expect(sockets.length).toBeGreaterThanOrEqual(8)
      expectAllLoopback(sockets, 'spark-swarm devnet')
    } finally {
      expect(await devnetCli.stop()).toBe(0)
    }
  }, 60_000)
})
