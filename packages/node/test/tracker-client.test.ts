import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { cidOfDagCbor, devnet, encodeCatalogue, paramsDigest } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTracker, type Tracker } from '../../tracker/src/index.js'
import { createTrackerClient, TrackerError } from '../src/tracker/index.js'

const PEER = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

let dir: string
let configPath: string
let tracker: Tracker

const writeConfig = (minCheckerVersion: string) =>
  writeFile(configPath, JSON.stringify({ preset: 'devnet', params: { catalogueCid: 'bafycat' }, bootstrap: [PEER], minCheckerVersion }))

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracker-client-'))
  configPath = join(dir, 'tracker.json')
  await writeConfig('1.2.0')
  tracker = await startTracker({ configPath, reloadIntervalMs: 0 })
})
afterAll(async () => {
  await tracker.stop()
  await rm(dir, { recursive: true, force: true })
})

async function expectTrackerError(promise: Promise<unknown>, code: string, status?: number): Promise<TrackerError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(TrackerError)
  expect((err as TrackerError).code).toBe(code)
  if (status !== undefined) expect((err as TrackerError).status).toBe(status)
  return err as TrackerError
}

/** A fetch that answers one canned response and records the requests. */
function cannedFetch(status: number, body: string, contentType = 'application/json', headers: Record<string, string> = {}) {
  const calls: Array<{ url: string; headers: Headers }> = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({ url: String(input), headers: new Headers(init?.headers) })
    return new Response(body, { status, headers: { 'content-type': contentType, ...headers } })
  }
  return { fetch, calls }
}

describe('createTrackerClient against a real tracker', () => {
  it('network() answers the validated network info', async () => {
    const client = createTrackerClient({ url: tracker.url, checkerVersion: '1.2.0' })
    const info = await client.network()
    const params = { ...devnet, catalogueCid: 'bafycat' }
    expect(info).toEqual({
      network: 'devnet',
      params,
      paramsDigest: paramsDigest(params),
      bootstrap: [PEER],
      catalogueCid: 'bafycat',
      minCheckerVersion: '1.2.0',
    })
  })

  it("clockReading() is the tracker's Date of its last answer, with when it was asked and answered", async () => {
    const client = createTrackerClient({ url: tracker.url, checkerVersion: '1.2.0' })
    expect(client.clockReading()).toBeUndefined()
    const before = Date.now()
    await client.gate()
    const reading = client.clockReading()
    expect(reading).toBeDefined()
    const { trackerDate, sentAt, receivedAt } = reading as NonNullable<typeof reading>
    expect(sentAt).toBeGreaterThanOrEqual(before)
    expect(receivedAt).toBeGreaterThanOrEqual(sentAt)
    // the same host's clock, to the Date header's whole second
    expect(trackerDate % 1_000).toBe(0)
    expect(trackerDate).toBeGreaterThan(sentAt - 2_000)
    expect(trackerDate).toBeLessThanOrEqual(receivedAt)
  })

  it('gate() says not outdated at and above the minimum', async () => {
    for (const version of ['1.2.0', '1.3.0', '2.0.0-rc.1']) {
      const client = createTrackerClient({ url: `${tracker.url}/`, checkerVersion: version })
      expect(await client.gate()).toEqual({ outdated: false, minCheckerVersion: '1.2.0' })
    }
  })

  it('gate() says outdated below the minimum, and after the minimum is raised', async () => {
    // the minimum comes from the gate's header: the body stays Spark's exact text
    expect(await createTrackerClient({ url: tracker.url, checkerVersion: '1.1.9' }).gate()).toEqual({
      outdated: true,
      minCheckerVersion: '1.2.0',
    })
    expect(await createTrackerClient({ url: tracker.url, checkerVersion: '1.2.0-rc.1' }).gate()).toEqual({
      outdated: true,
      minCheckerVersion: '1.2.0',
    })
    const client = createTrackerClient({ url: tracker.url, checkerVersion: '1.3.0' })
    expect((await client.gate()).outdated).toBe(false)
    await writeConfig('1.4.0')
    await tracker.reload()
    expect(await client.gate()).toEqual({ outdated: true, minCheckerVersion: '1.4.0' })
    expect((await client.network()).minCheckerVersion).toBe('1.4.0')
    await writeConfig('1.2.0')
    await tracker.reload()
  })

  it('a stopped tracker is TRACKER_UNREACHABLE', async () => {
    const port = await freePort()
    const client = createTrackerClient({ url: `http://127.0.0.1:${port}`, checkerVersion: '1.2.0' })
    const err = await expectTrackerError(client.network(), 'TRACKER_UNREACHABLE')
    expect(err.message).toContain(`127.0.0.1:${port}`)
    await expectTrackerError(client.gate(), 'TRACKER_UNREACHABLE')
  })
})

describe('createTrackerClient with bad answers', () => {
  it('sends the version header and keeps a path prefix', async () => {
    const { fetch, calls } = cannedFetch(200, '{"ok": true, "minCheckerVersion": "1.0.0"}')
    await createTrackerClient({ url: 'https://example.org/tracker?x=1', checkerVersion: '1.2.0', fetch }).gate()
    expect(calls[0]?.url).toBe('https://example.org/tracker/v1/gate')
    expect(calls[0]?.headers.get('x-spark-swarm-version')).toBe('1.2.0')
  })

  it('maps only 400 + exactly OUTDATED CLIENT to outdated', async () => {
    const gate = (status: number, body: string) =>
      createTrackerClient({ url: 'http://t', checkerVersion: '1.2.0', ...cannedFetch(status, body) }).gate()
    expect(await gate(400, 'OUTDATED CLIENT')).toEqual({ outdated: true })
    const withMin = (min: string) =>
      createTrackerClient({
        url: 'http://t',
        checkerVersion: '1.2.0',
        ...cannedFetch(400, 'OUTDATED CLIENT', 'text/plain', { 'x-spark-swarm-min-version': min }),
      }).gate()
    expect(await withMin('1.5.0')).toEqual({ outdated: true, minCheckerVersion: '1.5.0' })
    // a minimum that is not a version is left out, not shown to the operator
    expect(await withMin('soon')).toEqual({ outdated: true })
    await expectTrackerError(gate(400, 'OUTDATED CLIENT\n'), 'TRACKER_BAD_RESPONSE', 400)
    await expectTrackerError(gate(400, 'outdated client'), 'TRACKER_BAD_RESPONSE', 400)
    const invalid = await expectTrackerError(
      gate(400, '{"error":"VERSION_INVALID","message":"send your version"}'),
      'TRACKER_BAD_RESPONSE',
      400,
    )
    expect(invalid.message).toContain('VERSION_INVALID')
    await expectTrackerError(gate(403, 'OUTDATED CLIENT'), 'TRACKER_BAD_RESPONSE', 403)
    await expectTrackerError(gate(500, 'oops'), 'TRACKER_BAD_RESPONSE', 500)
    await expectTrackerError(gate(503, 'down'), 'TRACKER_UNREACHABLE', 503)
    await expectTrackerError(gate(200, 'not json'), 'TRACKER_BAD_RESPONSE', 200)
    await expectTrackerError(gate(200, '{"ok": false}'), 'TRACKER_BAD_RESPONSE', 200)
    await expectTrackerError(gate(200, '{"ok": true, "minCheckerVersion": "soon"}'), 'TRACKER_BAD_RESPONSE', 200)
  })

  it('catalogue(cid) takes only bytes that hash to the CID and decode to a catalogue', async () => {
    const catalogue = { entries: [{ cid: 'bafyclienttask', minerId: 'f01000' }] }
    const bytes = encodeCatalogue(catalogue)
    const cid = cidOfDagCbor(bytes).toString()
    const answering = (status: number, body: Uint8Array) => {
      const calls: string[] = []
      const fetch: typeof globalThis.fetch = async (input) => {
        calls.push(String(input))
        return new Response(Buffer.from(body), { status, headers: { 'content-type': 'application/vnd.ipld.dag-cbor' } })
      }
      return { client: createTrackerClient({ url: 'http://t', checkerVersion: '1.2.0', fetch }), calls }
    }
    const ok = answering(200, bytes)
    expect(await ok.client.catalogue(cid)).toEqual(catalogue)
    expect(ok.calls).toEqual([`http://t/v1/catalogue?cid=${cid}`])
    // another catalogue's bytes: the tracker is not trusted for them
    const other = encodeCatalogue({ entries: [{ cid: 'bafyothertask', minerId: 'f01000' }] })
    const swapped = await expectTrackerError(answering(200, other).client.catalogue(cid), 'TRACKER_BAD_RESPONSE', 200)
    expect(swapped.message).toMatch(/hash to bafy\w+, not to bafy\w+ as the params say/)
    // bytes that hash right but are no catalogue
    const junk = dagCbor.encode({ entries: 'none' })
    const notCatalogue = await expectTrackerError(
      answering(200, junk).client.catalogue(cidOfDagCbor(junk).toString()),
      'TRACKER_BAD_RESPONSE',
      200,
    )
    expect(notCatalogue.message).toMatch(/is not a catalogue/)
    await expectTrackerError(
      answering(404, new TextEncoder().encode('{"error":"CATALOGUE_UNKNOWN","message":"no"}')).client.catalogue(cid),
      'TRACKER_BAD_RESPONSE',
      404,
    )
  })

  it('validates the network info', async () => {
    const good = JSON.parse(await (await fetch(`${tracker.url}/v1/network`)).text())
    const network = (body: unknown, status = 200) =>
      createTrackerClient({ url: 'http://t', checkerVersion: '1.2.0', ...cannedFetch(status, JSON.stringify(body)) }).network()
    expect((await network(good)).network).toBe('devnet')
    await expectTrackerError(network(good, 404), 'TRACKER_BAD_RESPONSE', 404)
    await expectTrackerError(network([]), 'TRACKER_BAD_RESPONSE')
    await expectTrackerError(network({ ...good, params: { ...good.params, roundDurationMs: -1 } }), 'TRACKER_BAD_RESPONSE')
    await expectTrackerError(network({ ...good, params: { ...good.params, extra: 1 } }), 'TRACKER_BAD_RESPONSE')
    await expectTrackerError(network({ ...good, paramsDigest: '00'.repeat(32) }), 'TRACKER_BAD_RESPONSE')
    await expectTrackerError(network({ ...good, network: 'mainnet' }), 'TRACKER_BAD_RESPONSE')
    await expectTrackerError(network({ ...good, bootstrap: 'x' }), 'TRACKER_BAD_RESPONSE')
    await expectTrackerError(network({ ...good, bootstrap: [1] }), 'TRACKER_BAD_RESPONSE')
    await expectTrackerError(network({ ...good, catalogueCid: null }), 'TRACKER_BAD_RESPONSE')
    await expectTrackerError(network({ ...good, minCheckerVersion: '0.0.1' }), 'TRACKER_BAD_RESPONSE') // below the params floor
    // an announced change of the params: kept when it checks out, a bad answer when it does not
    const next = { ...good.params, tasksPerRound: 24 }
    const upcoming = { fromRound: 9, params: next, paramsDigest: paramsDigest(next) }
    expect((await network({ ...good, upcoming })).upcoming).toEqual(upcoming)
    const badUpcoming = await expectTrackerError(
      network({ ...good, upcoming: { ...upcoming, paramsDigest: good.paramsDigest } }),
      'TRACKER_BAD_RESPONSE',
    )
    expect(badUpcoming.message).toContain('upcoming.paramsDigest does not match upcoming.params')
    const otherNetwork = { ...next, genesisTime: 1 }
    await expectTrackerError(
      network({ ...good, upcoming: { ...upcoming, params: otherNetwork, paramsDigest: paramsDigest(otherNetwork) } }),
      'TRACKER_BAD_RESPONSE',
    )
    const huge = cannedFetch(200, 'x'.repeat(2 * 1024 * 1024))
    await expectTrackerError(createTrackerClient({ url: 'http://t', checkerVersion: '1.2.0', ...huge }).network(), 'TRACKER_BAD_RESPONSE')
  })

  it('times out as TRACKER_UNREACHABLE', async () => {
    const hanging: typeof globalThis.fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
    const client = createTrackerClient({ url: 'http://t', checkerVersion: '1.2.0', fetch: hanging, timeoutMs: 50 })
    const err = await expectTrackerError(client.gate(), 'TRACKER_UNREACHABLE')
    expect(err.message).toContain('50 ms')
  })

  it('refuses bad options', () => {
    expect(() => createTrackerClient({ url: 'not a url', checkerVersion: '1.2.0' })).toThrow(TrackerError)
    expect(() => createTrackerClient({ url: 'ftp://t', checkerVersion: '1.2.0' })).toThrow(/http/)
    expect(() => createTrackerClient({ url: 'http://t', checkerVersion: 'latest' })).toThrow(/version/)
    expect(() => createTrackerClient({ url: 'http://t', checkerVersion: '1.2.0', timeoutMs: 0 })).toThrow(/timeoutMs/)
  })
})

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  await new Promise<void>((r) => server.close(() => r()))
  return port
}
