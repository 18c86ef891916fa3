import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTrackerClient, TrackerError } from '@spark-swarm/node'
import { devnet, paramsDigest } from '@spark-swarm/protocol'
import { startTracker } from '@spark-swarm/tracker'
import * as fc from 'fast-check'
import { jsonTextInputs } from '../inputs.js'
import { applyByteMutations, byteMutations, concatBytes, mutatedText } from '../mutate-bytes.js'
import { codeWhenInstance, type FuzzTarget, invariant } from '../target.js'
import { answering, type HttpAnswer, httpAnswer } from './provider-lookup.js'

/** The `error` codes of the tracker's JSON answers (tracker/src/request.ts, gate.ts, routes.ts and malformed.ts), and the gate's outdated answer. */
export const TRACKER_CODES = [
  'NOT_FOUND',
  'BAD_URL',
  'HOST_MISSING',
  'METHOD_NOT_ALLOWED',
  'BODY_NOT_ALLOWED',
  'EXPECTATION_FAILED',
  'VERSION_INVALID',
  'OUTDATED_CLIENT',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'BAD_REQUEST',
  // a HEAD request's error answer carries no body: its JSON content type and status say it all
  'HEAD 4*',
]

const ROUTES = ['/v1/network', '/v1/gate', '/healthz', '/metrics', '/', '*', '/v1/gate?version=1.2.0', '/v1/gate?version=0.9.0']
const VERSIONS = ['1.2.0', '1.1.9', '2.0.0-rc.1', '', ' ', '1.2', '9'.repeat(400), '1.2.0\u0000', 'é']

const headerName = fc.oneof(
  fc.constantFrom(
    'host',
    'x-spark-swarm-version',
    'content-length',
    'transfer-encoding',
    'connection',
    'expect',
    'upgrade',
    'accept',
    'Host',
  ),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 20 }),
)
const headerValue = fc.oneof(
  fc.constantFrom(...VERSIONS, '0', '5', '-1', '99999999999999999999', 'chunked', 'close', 'upgrade', 'websocket', '100-continue'),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.constantFrom('a'.repeat(9_000), 'b'.repeat(5_000)),
)

/** An HTTP/1.x request made of odd parts: methods, targets, versions, headers and bodies. */
const structuredRequest: fc.Arbitrary<Uint8Array> = fc
  .record({
    method: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('GET', 'HEAD') },
      fc.constantFrom('POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'PRI', 'FOO', 'get'),
      fc.string({ unit: 'binary-ascii', maxLength: 10 }),
    ),
    target: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...ROUTES) },
      mutatedText(fc.constantFrom(...ROUTES)),
      fc.webPath(),
      fc.constantFrom(
        'http://tracker.example/v1/network',
        'https://x/healthz',
        `/${'a'.repeat(9_000)}`,
        '/%zz',
        '//v1/gate',
        '/v1/gate?version=%ff',
      ),
    ),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'http/1.1', ''),
    host: fc.boolean(),
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
    body: fc.option(fc.uint8Array({ maxLength: 64 }), { freq: 4 }),
  })
  .map(({ method, target, version, host, headers, body }) => {
    const lines = [`${method} ${target} ${version}`.trimEnd()]
    if (host) lines.push('Host: tracker.example')
    for (const [name, value] of headers) lines.push(`${name}: ${value}`)
    if (body) lines.push(`Content-Length: ${body.length}`)
    return concatBytes(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body ?? new Uint8Array(0))
  })

/** Requests, some mutated byte by byte; never only line breaks (no request at all gets no answer). */
const trackerRequest: fc.Arbitrary<Uint8Array> = fc
  .oneof(
    { weight: 4, arbitrary: structuredRequest },
    { weight: 2, arbitrary: fc.tuple(structuredRequest, byteMutations).map(([r, ms]) => applyByteMutations(r, ms)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  )
  .map((bytes) => (bytes.every((b) => b === 0x0d || b === 0x0a) ? concatBytes(Uint8Array.of(0x47), bytes) : bytes))

interface Answer {
  status: number
  headers: string
  body: string
}

/** Sends raw bytes on a fresh connection, half-closes, and reads until the tracker closes it. */
function exchange(port: number, bytes: Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    // a reset after the answer is the server closing a connection it will not read: not our concern
    socket.on('error', () => {})
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    // cleanup only: classify() reports a hang well before this
    socket.setTimeout(10_000, () => socket.destroy())
    socket.end(bytes)
  })
}

/** The first final (non-1xx) response in `text`. */
function firstAnswer(text: string): Answer | undefined {
  let rest = text
  for (;;) {
    const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(rest)
    if (!m) return undefined
    const end = rest.indexOf('\r\n\r\n')
    if (end === -1) return undefined
    const status = Number(m[1])
    const headers = rest.slice(m[0].length, end)
    const length = /^content-length: *(\d+)/im.exec(headers)
    const bodyEnd = end + 4 + (length ? Number(length[1]) : 0)
    if (status >= 200) return { status, headers, body: rest.slice(end + 4, bodyEnd) }
    rest = rest.slice(end + 4)
  }
}

/**
 * A real tracker on 127.0.0.1 fed raw requests: it must answer each with a 2xx, or a 4xx whose
 * JSON body carries an `error` code (the gate's exact "OUTDATED CLIENT" too), and still answer
 * /healthz after all of them.
 */
export async function trackerHttpTarget(): Promise<FuzzTarget<Uint8Array>> {
  const dir = await mkdtemp(join(tmpdir(), 'fuzz-tracker-'))
  const configPath = join(dir, 'tracker.json')
  await writeFile(configPath, JSON.stringify({ preset: 'devnet', bootstrap: [], minCheckerVersion: '1.2.0' }))
  const tracker = await startTracker({ configPath, requestTimeoutMs: 1_000, reloadIntervalMs: 0 })
  return {
    name: 'tracker HTTP requests',
    arbitrary: trackerRequest,
    timeoutMs: 5_000,
    run: async (bytes) => {
      const text = await exchange(tracker.port, bytes)
      const answer = firstAnswer(text)
      invariant(answer, `no HTTP answer, got ${JSON.stringify(text.slice(0, 120))}`)
      if (answer.status >= 200 && answer.status < 300) return undefined
      invariant(answer.status >= 400 && answer.status < 500, `answered ${answer.status}: ${answer.body.slice(0, 120)}`)
      if (answer.body === 'OUTDATED CLIENT') return 'OUTDATED_CLIENT'
      // a HEAD answer has headers only: the gate's outdated answer names the minimum version,
      // the others are JSON errors
      if (answer.body === '' && /^content-length: *[1-9]/im.test(answer.headers)) {
        if (answer.status === 400 && /^x-spark-swarm-min-version:/im.test(answer.headers)) return 'OUTDATED_CLIENT'
        invariant(/^content-type: application\/json/im.test(answer.headers), `answered HEAD with ${answer.status} and no JSON`)
        return `HEAD ${answer.status}`
      }
      let error: unknown
      try {
        error = (JSON.parse(answer.body) as { error?: unknown }).error
      } catch {
        error = undefined
      }
      invariant(
        typeof error === 'string' && error !== '',
        `answered ${answer.status} without a JSON error code: ${answer.body.slice(0, 120)}`,
      )
      return error
    },
    codeOf: () => undefined,
    codes: TRACKER_CODES,
    async finish() {
      try {
        const res = await fetch(`${tracker.url}/healthz`, { signal: AbortSignal.timeout(5_000) })
        const body = await res.text()
        return res.status === 200 && body === 'ok' ? undefined : `/healthz answered ${res.status} ${body.slice(0, 80)} after the inputs`
      } catch (err) {
        return `/healthz did not answer after the inputs: ${(err as Error).message}`
      }
    },
    async close() {
      await tracker.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export interface TrackerAnswers {
  network: HttpAnswer
  gate: HttpAnswer
}

/** `createTrackerClient`: what a node makes of a tracker's (or an impostor's) /v1/network and /v1/gate answers. */
export function trackerClientTarget(): FuzzTarget<TrackerAnswers> {
  const params = { ...devnet, minCheckerVersion: '1.2.0' }
  const network = {
    network: params.network,
    params,
    paramsDigest: paramsDigest(params),
    bootstrap: ['/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'],
    catalogueCid: null,
    minCheckerVersion: '1.2.0',
  }
  const next = { ...params, tasksPerRound: 24 }
  const announcing = { ...network, upcoming: { fromRound: 1200, params: next, paramsDigest: paramsDigest(next) } }
  const gateAnswer = fc.oneof(
    { weight: 3, arbitrary: httpAnswer(jsonTextInputs([{ ok: true, minCheckerVersion: '1.2.0' }])) },
    fc.record({ status: fc.constantFrom(400, 200), body: mutatedText('OUTDATED CLIENT'), unreachable: fc.constant(false) }),
  )
  return {
    name: 'tracker answers (node client)',
    arbitrary: fc.record({ network: httpAnswer(jsonTextInputs([network, announcing])), gate: gateAnswer }),
    run: async (answers) => {
      const fetch = answering((url) => (url.endsWith('/v1/gate') ? answers.gate : answers.network))
      const client = createTrackerClient({ url: 'http://127.0.0.1:1/', checkerVersion: '1.2.0', fetch })
      // the client's two calls: both must resolve or reject with a TrackerError
      const results = await Promise.allSettled([client.network(), client.gate()])
      const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
      // a crash in either call is reported before a coded rejection in the other
      const crash = reasons.find((r) => !(r instanceof TrackerError))
      if (crash !== undefined || reasons.length > 0) throw crash ?? reasons[0]
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, TrackerError),
    codes: ['TRACKER_BAD_RESPONSE', 'TRACKER_UNREACHABLE'],
  }
}
