import { request } from 'node:http'
import { connect } from 'node:net'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/events.js'
import type { CheckerNode } from '../src/node/node.js'
import type { CheckerNodeStatus } from '../src/node/status/status.js'
import {
  instrumentNode,
  type NodeInstrumentation,
  STATUS_PAGE_HTML,
  type StatusServer,
  startStatusServer,
} from '../src/observability/index.js'

// A stand-in for a checker node: a real typed event target with a status() the test controls.
// (The real node, status page and browser are tested end to end in test/status-page.e2e.test.ts.)
function fakeStatus(): CheckerNodeStatus {
  return {
    version: '1.0.0',
    inetGroup: '192.0.2.0/24',
    inetGroupSource: 'configured',
    reachability: {
      listenAddresses: 1,
      nonLoopback: false,
      peers: 5,
      via: 'loopback',
      relays: [],
      relaying: null,
      upgraded: 0,
      summary: '',
    },
    peerId: '12D3KooWFakePeer',
    stationId: '0211223344556677889900aabbccddeeff',
    network: 'devnet',
    multiaddrs: ['/ip4/127.0.0.1/tcp/4001'],
    round: 42,
    roundStartedAt: 1_000_000,
    roundEndsAt: 1_003_000,
    jobsCompleted: 17,
    peers: 5,
    outdated: false,
    tasks: [{ cid: 'bafytask', minerId: 'f01000', status: 'done', retrievalResult: 'OK' }],
    rounds: [
      {
        round: 41,
        summaryCid: 'bafysummary41',
        committees: [
          { cid: 'bafytask', minerId: 'f01000', size: 3, retrievalResult: 'OK', mine: true, attestedCid: 'bafycom', confirmed: true },
        ],
        providers: { f01000: { perRequest: 0.75, committee: 1, committeeFraction: 0.8, total: 4 } },
      },
    ],
    lastAnchored: { round: 41, summaryCid: 'bafysummary41' },
    gossip: { accepted: { measurement: 12, attestation: 3 }, rejected: { INVALID_SIGNATURE: 2 }, ignored: { DUPLICATE: 7 }, banned: 1 },
    store: { bytes: 65536, measurements: 99 },
    localFaults: [],
    params: { paramsDigest: 'aa'.repeat(32), upcoming: null, mismatch: null },
    admission: null,
  }
}

function fakeNode() {
  let current = fakeStatus()
  let running = true
  const events = new TypedEventTarget<CheckerNodeEvents>()
  const node = Object.assign(events, { status: (): CheckerNodeStatus => current })
  // a getter, as the real node has (Object.assign would read it once)
  Object.defineProperty(node, 'host', { get: () => (running ? {} : undefined) })
  const observed = node as typeof node & { readonly host: CheckerNode['host'] }
  return {
    node: observed,
    events,
    set(patch: Partial<CheckerNodeStatus>) {
      current = { ...current, ...patch }
    },
    setRunning(value: boolean) {
      running = value
    },
  }
}

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function call(url: string, path: string, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The value of one sample line of the Prometheus text, e.g. `spark_swarm_peers` or `x{a="b"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('observability', () => {
  let fake: ReturnType<typeof fakeNode>
  let metrics: NodeInstrumentation
  let server: StatusServer

  beforeEach(async () => {
    fake = fakeNode()
    metrics = instrumentNode(fake.node)
    server = await startStatusServer({ node: fake.node, registry: metrics.registry })
  })
  afterEach(async () => {
    metrics.stop()
    await server.stop()
  })

  it('binds loopback on a free port by default', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
    expect(server.port).toBeGreaterThan(0)
  })

  it('serves the metrics read from status() at scrape time', async () => {
    const res = await call(server.url, '/metrics')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    const text = res.body
    expect(sample(text, 'spark_swarm_peers')).toBe(5)
    expect(sample(text, 'spark_swarm_banned_peers')).toBe(1)
    expect(sample(text, 'spark_swarm_jobs_completed')).toBe(17)
    expect(sample(text, 'spark_swarm_store_bytes')).toBe(65536)
    expect(sample(text, 'spark_swarm_store_measurements')).toBe(99)
    expect(sample(text, 'spark_swarm_current_round')).toBe(42)
    expect(sample(text, 'spark_swarm_last_anchored_round')).toBe(41)
    expect(sample(text, 'spark_swarm_outdated')).toBe(0)
    expect(sample(text, 'spark_swarm_params_mismatch')).toBe(0)
    expect(sample(text, 'spark_swarm_gossip_messages_total{outcome="accepted",kind="measurement"}')).toBe(12)
    expect(sample(text, 'spark_swarm_gossip_messages_total{outcome="accepted",kind="attestation"}')).toBe(3)
    expect(sample(text, 'spark_swarm_gossip_messages_total{outcome="rejected",code="INVALID_SIGNATURE"}')).toBe(2)
    expect(sample(text, 'spark_swarm_gossip_messages_total{outcome="ignored",code="DUPLICATE"}')).toBe(7)
    expect(sample(text, 'spark_swarm_rounds_total{state="evaluated"}')).toBe(0)
    expect(sample(text, 'spark_swarm_committees_confirmed_total')).toBe(0)
    expect(text).toContain('# TYPE spark_swarm_checks_total counter')
    // prom-client's default process metrics
    expect(text).toContain('process_cpu_user_seconds_total')
    expect(text).toContain('nodejs_eventloop_lag_seconds')

    // the next scrape sees the status of then
    fake.set({
      peers: 2,
      outdated: true,
      round: 43,
      gossip: { accepted: { measurement: 20 }, rejected: {}, ignored: {}, banned: 0 },
      params: { paramsDigest: 'aa'.repeat(32), upcoming: null, mismatch: { round: 43, paramsDigest: 'bb'.repeat(32), announced: true } },
    })
    const again = (await call(server.url, '/metrics')).body
    expect(sample(again, 'spark_swarm_peers')).toBe(2)
    expect(sample(again, 'spark_swarm_outdated')).toBe(1)
    expect(sample(again, 'spark_swarm_params_mismatch')).toBe(1)
    expect(sample(again, 'spark_swarm_current_round')).toBe(43)
    expect(sample(again, 'spark_swarm_gossip_messages_total{outcome="accepted",kind="measurement"}')).toBe(20)
    expect(again).not.toContain('INVALID_SIGNATURE')
  })

  it('shows local faults: a 0/1 gauge per fault, and withheld results counted by their fault', async () => {
    const before = (await call(server.url, '/metrics')).body
    expect(sample(before, 'spark_swarm_local_fault{fault="IPNI_UNREACHABLE"}')).toBe(0)
    expect(sample(before, 'spark_swarm_local_fault{fault="CLOCK_OFF"}')).toBe(0)
    fake.set({ localFaults: [{ code: 'IPNI_UNREACHABLE', since: 1_000, message: 'the indexer http://127.0.0.1:9 cannot be reached' }] })
    const task = { cid: 'bafytask', minerId: 'f01000' }
    fake.events.emit('measurement:withheld', { round: 41, task, retrievalResult: 'IPNI_ERROR_FETCH', reason: 'IPNI_UNREACHABLE' })
    fake.events.emit('measurement:withheld', { round: 41, task, retrievalResult: 'IPNI_ERROR_FETCH', reason: 'IPNI_UNREACHABLE' })
    const during = (await call(server.url, '/metrics')).body
    expect(sample(during, 'spark_swarm_local_fault{fault="IPNI_UNREACHABLE"}')).toBe(1)
    expect(sample(during, 'spark_swarm_local_fault{fault="NO_NETWORK"}')).toBe(0)
    expect(sample(during, 'spark_swarm_measurements_withheld_total{reason="IPNI_UNREACHABLE"}')).toBe(2)
    // nothing withheld is counted as a published check
    expect(during).not.toContain('spark_swarm_checks_total{result="IPNI_ERROR_FETCH"}')
    fake.set({ localFaults: [] })
    expect(sample((await call(server.url, '/metrics')).body, 'spark_swarm_local_fault{fault="IPNI_UNREACHABLE"}')).toBe(0)
  })

  it('counts the events: rounds (re-evaluations apart), checks per result, confirmed committees', async () => {
    const evaluated = (round: number) =>
      fake.events.emit('round:evaluated', {
        round,
        evaluation: {} as CheckerNodeEvents['round:evaluated']['detail']['evaluation'],
        mine: [],
      })
    evaluated(40)
    evaluated(41)
    evaluated(41)
    fake.events.emit('summary:anchored', { round: 40, summaryCid: 'a', attested: {} })
    fake.events.emit('summary:anchored', { round: 41, summaryCid: 'b', attested: {} })
    fake.events.emit('summary:anchored', { round: 41, summaryCid: 'c', attested: {} })
    const task = { cid: 'bafytask', minerId: 'f01000' }
    fake.events.emit('measurement:published', { round: 41, cid: 'm1', task, retrievalResult: 'OK' })
    fake.events.emit('measurement:published', { round: 41, cid: 'm2', task, retrievalResult: 'OK' })
    fake.events.emit('measurement:published', { round: 41, cid: 'm3', task, retrievalResult: 'HTTP_502' })
    fake.events.emit('committee:confirmed', { round: 41, task, committeeCid: 'c', attesters: 2, members: 3 })

    const text = (await call(server.url, '/metrics')).body
    expect(sample(text, 'spark_swarm_rounds_total{state="evaluated"}')).toBe(2)
    expect(sample(text, 'spark_swarm_rounds_total{state="reevaluated"}')).toBe(1)
    expect(sample(text, 'spark_swarm_rounds_total{state="anchored"}')).toBe(2)
    expect(sample(text, 'spark_swarm_checks_total{result="OK"}')).toBe(2)
    expect(sample(text, 'spark_swarm_checks_total{result="HTTP_502"}')).toBe(1)
    expect(sample(text, 'spark_swarm_committees_confirmed_total')).toBe(1)

    // stop() removes the listeners
    metrics.stop()
    fake.events.emit('committee:confirmed', { round: 41, task, committeeCid: 'c', attesters: 3, members: 3 })
    expect(sample((await call(server.url, '/metrics')).body, 'spark_swarm_committees_confirmed_total')).toBe(1)
  })

  it('calls status() once per scrape', async () => {
    let calls = 0
    const counted = Object.assign(new TypedEventTarget<CheckerNodeEvents>(), {
      status: () => {
        calls++
        return fakeStatus()
      },
      host: undefined,
    })
    const m = instrumentNode(counted)
    await m.registry.metrics()
    expect(calls).toBe(1)
    await m.registry.metrics()
    expect(calls).toBe(2)
    m.stop()
  })

  it('uses a registry given, with or without the default metrics already', async () => {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    const m = instrumentNode(fakeNode().node, registry)
    expect(m.registry).toBe(registry)
    const text = await registry.metrics()
    expect(text).toContain('spark_swarm_peers 5')
    expect(text).toContain('process_cpu_user_seconds_total')
    m.stop()
  })

  it('serves node.status() as JSON at /api/status', async () => {
    const res = await call(server.url, '/api/status?x=1')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(Number(res.headers['x-server-time'])).toBeGreaterThan(0)
    expect(JSON.parse(res.body)).toEqual(fakeStatus())
  })

  it('reports health: 200 while the node runs, 503 otherwise', async () => {
    const up = await call(server.url, '/healthz')
    expect(up.status).toBe(200)
    expect(up.body.trim()).toBe('ok')
    fake.setRunning(false)
    const down = await call(server.url, '/healthz')
    expect(down.status).toBe(503)
    expect(down.body.trim()).not.toBe('ok')
  })

  it('serves the self-contained status page with a CSP allowing just its own script and style', async () => {
    const res = await call(server.url, '/')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toBe(STATUS_PAGE_HTML)
    for (const id of [
      'round',
      'countdown',
      'rsr-chart',
      'providers-table',
      'committees-table',
      'tasks-table',
      'summaries',
      'outdated',
      'params-mismatch',
    ]) {
      expect(res.body).toContain(`id="${id}"`)
      expect(res.body).toContain(`data-testid="${id}"`)
    }
    // nothing external, no markup built from data
    expect(res.body).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)="(?!data:)/i)
    expect(res.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toContain("default-src 'none'")
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/)
    expect(csp).toContain("connect-src 'self'")
    expect((await call(server.url, '/index.html')).status).toBe(200)
  })

  it('answers HEAD like GET without a body', async () => {
    const res = await call(server.url, '/api/status', 'HEAD')
    expect(res.status).toBe(200)
    expect(res.body).toBe('')
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0)
  })

  it('answers unknown paths with a JSON 404 and other methods with a JSON 405', async () => {
    for (const path of ['/nope', '/metrics/', '/api', '/constructor', '/__proto__', '/%zz', '/api/status/../../etc/passwd']) {
      const res = await call(server.url, path)
      expect(res.status, path).toBe(404)
      expect(JSON.parse(res.body)).toMatchObject({ error: 'not found' })
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await call(server.url, '/api/status', method, 'x'.repeat(100_000))
      expect(res.status, method).toBe(405)
      expect(res.headers.allow).toBe('GET, HEAD')
      expect(JSON.parse(res.body)).toMatchObject({ error: 'method not allowed' })
    }
  })

  it('survives a failing status() and malformed requests', async () => {
    fake.node.status = () => {
      throw new Error('store closed')
    }
    const res = await call(server.url, '/api/status')
    expect(res.status).toBe(500)
    expect(JSON.parse(res.body)).toEqual({ error: 'internal error' })
    expect((await call(server.url, '/metrics')).status).toBe(500)

    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('GARBAGE \x00\x01 nonsense\r\n\r\n'))
      let data = ''
      socket.on('data', (d) => {
        data += d.toString()
      })
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    expect(raw).toMatch(/^HTTP\/1\.1 400/)

    fake.node.status = () => fakeStatus()
    expect((await call(server.url, '/api/status')).status).toBe(200)
  })

  it('stops: the port is closed, and stop() can be called again', async () => {
    await server.stop()
    await server.stop()
    await expect(call(server.url, '/healthz')).rejects.toThrow(/ECONNREFUSED/)
  })
})
