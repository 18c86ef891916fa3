import { request } from 'node:http'
import { devnet, paramsDigest } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OUTDATED_CLIENT_BODY, type Tracker, VERSION_INVALID_MESSAGE } from '../src/index.js'
import { type Fixture, fixture, gate, PEER, recordingLogger } from './helpers.js'

let fx: Fixture
let tracker: Tracker
const logger = recordingLogger()

beforeAll(async () => {
  fx = await fixture({ preset: 'devnet', params: { catalogueCid: 'bafycatalogue' }, bootstrap: [PEER], minCheckerVersion: '1.2.0' })
  tracker = await fx.start({ logger })
})
afterAll(() => fx.cleanup())

describe('GET /v1/network', () => {
  it('answers the params, digest, bootstrap, catalogue and minimum', async () => {
    expect(tracker.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${tracker.url}/v1/network`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const params = { ...devnet, catalogueCid: 'bafycatalogue' }
    expect(await res.json()).toEqual({
      network: 'devnet',
      params,
      paramsDigest: paramsDigest(params),
      bootstrap: [PEER],
      catalogueCid: 'bafycatalogue',
      minCheckerVersion: '1.2.0',
    })
  })

  it('answers HEAD without a body', async () => {
    const res = await fetch(`${tracker.url}/v1/network`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
  })
})

describe('GET /v1/gate', () => {
  it.each([
    ['1.1.9', 400],
    ['0.9.0', 400],
    ['1.2.0-rc.1', 400],
    ['1.2.0', 200],
    ['1.2.0+build.7', 200],
    ['1.2.1', 200],
    ['1.10.0', 200],
    ['2.0.0-alpha', 200],
  ])('version %s → %i', async (version, status) => {
    const res = await gate(tracker.url, version)
    expect(res.status).toBe(status)
    if (status === 400) {
      expect(res.body).toBe(OUTDATED_CLIENT_BODY)
      expect(res.body).toBe('OUTDATED CLIENT')
      expect(res.contentType).toMatch(/^text\/plain/)
    } else {
      expect(JSON.parse(res.body)).toEqual({ ok: true, minCheckerVersion: '1.2.0' })
    }
  })

  it('accepts ?version= and prefers the header', async () => {
    expect((await fetch(`${tracker.url}/v1/gate?version=1.3.0`)).status).toBe(200)
    const old = await fetch(`${tracker.url}/v1/gate?version=1.0.0`)
    expect([old.status, await old.text()]).toEqual([400, 'OUTDATED CLIENT'])
    const both = await fetch(`${tracker.url}/v1/gate?version=9.9.9`, { headers: { 'x-spark-swarm-version': '1.0.0' } })
    expect([both.status, await both.text()]).toEqual([400, 'OUTDATED CLIENT'])
    expect(both.headers.get('x-spark-swarm-min-version')).toBe('1.2.0')
  })

  it.each(
    [undefined, '', 'garbage', '1.2', 'v1.2.0', '1.2.0.0', '01.2.0', '1.2.0; rm -rf', '1.2.0 beta', 'x'.repeat(5000)].map((v) => [
      JSON.stringify(v)?.slice(0, 20),
      v,
    ]),
  )('version %s → 400 VERSION_INVALID, not OUTDATED CLIENT', async (_label, version) => {
    const res = await gate(tracker.url, version)
    expect(res.status).toBe(400)
    expect(res.contentType).toMatch(/^application\/json/)
    expect(JSON.parse(res.body)).toEqual({ error: 'VERSION_INVALID', message: VERSION_INVALID_MESSAGE })
    expect(VERSION_INVALID_MESSAGE).toBe('send your version in the x-spark-swarm-version header, e.g. 1.4.0')
  })

  it('rejects a repeated version header', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${tracker.url}/v1/gate`, { headers: { 'x-spark-swarm-version': ['1.3.0', '1.4.0'] } }, (r) => {
        let body = ''
        r.on('data', (c) => {
          body += c
        })
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }))
      })
      req.on('error', reject)
      req.end()
    })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).error).toBe('VERSION_INVALID')
  })
})

describe('other routes and errors', () => {
  it('GET /healthz → 200 ok', async () => {
    const res = await fetch(`${tracker.url}/healthz`)
    expect([res.status, await res.text()]).toEqual([200, 'ok'])
  })

  it('unknown routes → 404 JSON', async () => {
    for (const path of ['/', '/v1', '/v1/network/', '/V1/NETWORK', '/%zz', '/v2/gate', '//healthz']) {
      const res = await fetch(`${tracker.url}${path}`)
      expect(res.status, path).toBe(404)
      const body = (await res.json()) as { error: string; message: unknown }
      expect(body.error).toBe('NOT_FOUND')
      expect(typeof body.message).toBe('string')
    }
  })

  it('wrong methods → 405 with Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      for (const path of ['/v1/network', '/v1/gate', '/healthz', '/metrics']) {
        const res = await fetch(`${tracker.url}${path}`, { method })
        expect(res.status, `${method} ${path}`).toBe(405)
        expect(res.headers.get('allow')).toBe('GET, HEAD')
        expect(((await res.json()) as { error: string }).error).toBe('METHOD_NOT_ALLOWED')
      }
    }
  })

  it('a GET with a body → 413, and the connection is closed', async () => {
    const res = await fetch(`${tracker.url}/v1/network`, { method: 'POST', body: 'x'.repeat(100_000) })
    expect(res.status).toBe(405)
    expect(res.headers.get('connection')).toBe('close')
    const { status, body } = await rawRequest(tracker.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello')
    expect(status).toBe(413)
    expect(JSON.parse(body).error).toBe('BODY_NOT_ALLOWED')
  })

  it('huge headers → 431 JSON', async () => {
    const { status, body } = await rawRequest(tracker.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`)
    expect(status).toBe(431)
    expect(JSON.parse(body).error).toBe('HEADERS_TOO_LARGE')
  })

  it('a target that is not a path → 400 BAD_URL', async () => {
    for (const target of ['*', '%zz', 'foo']) {
      const { status, body } = await rawRequest(tracker.port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)
      expect(status, target).toBe(400)
      // llhttp refuses some targets itself (BAD_REQUEST), the tracker the rest (BAD_URL): both JSON
      expect(['BAD_URL', 'BAD_REQUEST'], target).toContain(JSON.parse(body).error)
    }
    const star = await rawRequest(tracker.port, 'GET * HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(JSON.parse(star.body).error).toBe('BAD_URL')
  })

  it('GET /metrics counts requests, gate answers and the minimum', async () => {
    const res = await fetch(`${tracker.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toMatch(/tracker_http_requests_total\{route="\/v1\/network",status="200"\} \d+/)
    expect(text).toMatch(/tracker_http_requests_total\{route="unmatched",status="404"\} \d+/)
    expect(text).toMatch(/tracker_gate_answers_total\{outcome="outdated"\} [1-9]/)
    expect(text).toMatch(/tracker_gate_answers_total\{outcome="ok"\} [1-9]/)
    expect(text).toMatch(/tracker_gate_answers_total\{outcome="invalid"\} [1-9]/)
    expect(text).toContain('tracker_min_checker_version_info{version="1.2.0"} 1')
    expect(text).toContain('tracker_config_reloads_total{outcome="failure"} 0')
    expect(text).toMatch(/tracker_http_client_errors_total\{kind="header_overflow"\} [1-9]/)
  })

  it('logs one line per request', () => {
    const line = logger.lines.find((l) => l.message === 'request' && l.fields?.path === '/healthz')
    expect(line?.level).toBe('info')
    expect(line?.fields).toMatchObject({ method: 'GET', route: '/healthz', status: 200 })
    expect(typeof line?.fields?.ms).toBe('number')
  })
})

/** One request over raw TCP; resolves with the status and body once the server closes or answers. */
async function rawRequest(port: number, text: string): Promise<{ status: number; body: string }> {
  const { connect } = await import('node:net')
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text))
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (c) => {
      data += c
    })
    socket.on('error', reject)
    socket.on('close', () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(data)
      resolve({ status: match ? Number(match[1]) : 0, body: data.slice(data.indexOf('\r\n\r\n') + 4) })
    })
  })
}
