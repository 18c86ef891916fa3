import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CarReader } from '@ipld/car'
import {
  type BuiltSummary,
  buildRoundSummary,
  catalogueCid,
  cidOfDagCbor,
  cidText,
  encodeSignedMeasurement,
  evaluateRound,
  verifyRoundBlocks,
} from '@spark-swarm/protocol'
import { FsBlockstore } from 'blockstore-fs'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { putSummaryBlocks } from '../src/node/anchor/summary-blocks.js'
import type { ObservedNode } from '../src/observability/index.js'
import { type StatusServer, startStatusServer } from '../src/observability/index.js'
import { assignedTo, ROUND } from './helpers/convergence.js'
import { signedMeasurement } from './helpers/measurements.js'
import { catalogue, params } from './helpers/node-fixtures.js'

// The trustless gateway of the status server, over a real FsBlockstore holding one anchored
// round as the node writes it (putSummaryBlocks): what it answers, with which headers, and that
// what it serves hashes to what was asked for.
const RAW = 'application/vnd.ipld.raw'
const CAR = 'application/vnd.ipld.car'

const node = {
  status: () => ({}),
  addEventListener() {},
  removeEventListener() {},
  host: undefined,
} as unknown as ObservedNode

let dir: string
let blockstore: FsBlockstore
let built: BuiltSummary
let measurementCids: string[]
/** Every `get` the gateway made, with its options: none may go to the network. */
const gets: Array<{ offline?: boolean }> = []
let server: StatusServer
let small: StatusServer
let off: StatusServer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateway-'))
  blockstore = new FsBlockstore(join(dir, 'blocks'))
  await blockstore.open()
  const { info, task, stations } = await assignedTo(3)
  const records = stations.map((key) => {
    const m = signedMeasurement(ROUND, key, task)
    const bytes = encodeSignedMeasurement(m)
    return { cid: cidText(cidOfDagCbor(bytes)), measurement: m, bytes }
  })
  measurementCids = records.map((r) => r.cid)
  const evaluation = evaluateRound({ params, round: ROUND, seeds: info.seeds, tasks: info.tasks }, records)
  const cataloguedAs = await catalogueCid(catalogue)
  built = buildRoundSummary(evaluation, { params, seeds: info.seeds, catalogueCid: cataloguedAs, previous: null })
  await putSummaryBlocks(
    blockstore,
    { params, catalogue, catalogueCid: cataloguedAs, built, measurements: records },
    { storePath: join(dir, 'node.sqlite'), round: ROUND, signal: AbortSignal.timeout(5_000) },
  )
  const spied = {
    has: (cid: CID) => blockstore.has(cid),
    get: (cid: CID, options?: { offline?: boolean }) => {
      gets.push({ ...(options?.offline !== undefined ? { offline: options.offline } : {}) })
      return blockstore.get(cid)
    },
  }
  const registry = new Registry()
  server = await startStatusServer({ node, registry, gateway: { blocks: () => spied } })
  small = await startStatusServer({ node, registry, gateway: { blocks: () => spied, limits: { maxBlocks: 2 } } })
  off = await startStatusServer({ node, registry, gateway: false })
}, 20_000)

afterAll(async () => {
  await Promise.all([server?.stop(), small?.stop(), off?.stop()])
  await blockstore?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const get = (path: string, init: RequestInit = {}, base = server) => fetch(new URL(path.slice(1), base.url), init)

async function hashesTo(cid: CID, bytes: Uint8Array) {
  expect((await sha256.digest(bytes)).bytes).toEqual(cid.multihash.bytes)
}

describe('the trustless gateway (GET /ipfs/{cid})', () => {
  it('serves a held block raw, by Accept or ?format=raw, with the spec headers', async () => {
    const root = built.root.cid
    for (const res of [await get(`/ipfs/${root}`, { headers: { accept: RAW } }), await get(`/ipfs/${root}?format=raw`)]) {
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(RAW)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('cache-control')).toBe('public, max-age=29030400, immutable')
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${root}.bin"`)
      expect(res.headers.get('etag')).toBe(`"${root}.raw"`)
      expect(res.headers.get('x-ipfs-roots')).toBe(root.toString())
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect(bytes).toEqual(built.root.bytes)
      await hashesTo(root, bytes)
    }
  })

  it('answers HEAD with the headers and no body, and If-None-Match with a 304', async () => {
    const root = built.root.cid
    const head = await get(`/ipfs/${root}?format=raw`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(built.root.bytes.length))
    expect((await head.arrayBuffer()).byteLength).toBe(0)
    const again = await get(`/ipfs/${root}?format=raw`, { headers: { 'if-none-match': `"${root}.raw"` } })
    expect(again.status).toBe(304)
  })

  it('serves a summary as a CARv1 of its round that verifyRoundBlocks accepts', async () => {
    const root = built.root.cid
    const res = await get(`/ipfs/${root}`, { headers: { accept: `${CAR}; version=1` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(`${CAR}; version=1; order=unk; dups=n`)
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${root}.car"`)
    expect(res.headers.get('cache-control')).toBe('public, max-age=29030400, immutable')
    const reader = await CarReader.fromBytes(new Uint8Array(await res.arrayBuffer()))
    expect(await reader.getRoots()).toEqual([root])
    const blocks = new Map<string, Uint8Array>()
    for await (const block of reader.blocks()) {
      await hashesTo(block.cid, block.bytes)
      blocks.set(block.cid.toString(), block.bytes)
    }
    // summary, params, catalogue, committee and list blocks, the three measurements
    for (const block of built.blocks) expect(blocks.has(block.cid.toString())).toBe(true)
    for (const cid of measurementCids) expect(blocks.has(cid)).toBe(true)
    expect(blocks.has((await catalogueCid(catalogue)).toString())).toBe(true)
    expect(blocks.size).toBe(built.blocks.length + measurementCids.length + 2)
    const verdict = verifyRoundBlocks(root, blocks)
    expect(verdict.problems).toEqual([])
    expect(verdict.ok).toBe(true)
  })

  it('serves another block as a CAR of what it links to, and dag-scope=block as the block alone', async () => {
    const committee = [...built.committees.values()][0]?.cid as CID
    const reader = await CarReader.fromBytes(new Uint8Array(await (await get(`/ipfs/${committee}?format=car`)).arrayBuffer()))
    const cids = []
    for await (const block of reader.blocks()) cids.push(block.cid.toString())
    // the committee block, its measurement list, the members
    expect(cids).toHaveLength(2 + measurementCids.length)
    expect(cids[0]).toBe(committee.toString())
    expect(cids.slice(2).sort()).toEqual([...measurementCids].sort())
    const one = await CarReader.fromBytes(
      new Uint8Array(await (await get(`/ipfs/${built.root.cid}?format=car&dag-scope=block`)).arrayBuffer()),
    )
    const only = []
    for await (const block of one.blocks()) only.push(block.cid.toString())
    expect(only).toEqual([built.root.cid.toString()])
  })

  it('never asks the network: every read is offline', () => {
    expect(gets.length).toBeGreaterThan(0)
    expect(gets.every((g) => g.offline === true)).toBe(true)
  })

  it('400 for a bad CID or a path below it, 404 for a block not held, 406 for a type not served, 405 for POST', async () => {
    const root = built.root.cid
    const notHeld = cidOfDagCbor(new Uint8Array([0xf6]))
    const cases: Array<[string, RequestInit, number]> = [
      ['/ipfs/not-a-cid?format=raw', {}, 400],
      [`/ipfs/${root}/committees/0?format=raw`, {}, 400],
      [`/ipfs/${root}?format=car&dag-scope=everything`, {}, 400],
      [`/ipfs/${notHeld}?format=raw`, {}, 404],
      [`/ipfs/${notHeld}?format=car`, {}, 404],
      [`/ipfs/${root}`, { headers: { accept: 'text/html' } }, 406],
      [`/ipfs/${root}`, {}, 406],
      [`/ipfs/${root}?format=tar`, {}, 406],
      [`/ipfs/${root}`, { headers: { accept: `${CAR}; version=2` } }, 406],
      [`/ipfs/${root}?format=raw`, { method: 'POST' }, 405],
    ]
    for (const [path, init, status] of cases) {
      const res = await get(path, init)
      expect({ path, status: res.status }).toEqual({ path, status })
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('cache-control')).toBe('no-store')
      await res.arrayBuffer()
    }
  })

  it('refuses a DAG over its bounds with a 403, and is a 404 where turned off', async () => {
    const res = await get(`/ipfs/${built.root.cid}?format=car`, {}, small)
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: string }).error).toMatch(/more than 2 blocks/)
    const raw = await get(`/ipfs/${built.root.cid}?format=raw`, {}, small)
    expect(raw.status).toBe(200)
    await raw.arrayBuffer()
    const gone = await get(`/ipfs/${built.root.cid}?format=raw`, {}, off)
    expect(gone.status).toBe(404)
    await gone.arrayBuffer()
  })
})

describe('the gateway under load', () => {
  it('answers a 429 past its requests at once, and a 504 when gathering takes too long', async () => {
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    // a blockstore that takes its time over `has`, until released or the request's signal aborts
    const slow = {
      has: (_cid: CID, options?: { signal?: AbortSignal }) =>
        new Promise<boolean>((resolve, reject) => {
          held.then(() => resolve(false))
          options?.signal?.addEventListener('abort', () => reject(options.signal?.reason))
        }),
      get: () => blockstore.get(built.root.cid),
    }
    const busy = await startStatusServer({
      node,
      registry: new Registry(),
      gateway: { blocks: () => slow, limits: { maxConcurrent: 1, timeoutMs: 300 } },
    })
    try {
      // two at once: whichever comes in second is turned away, the first runs out of time
      const answers = await Promise.all([1, 2].map(() => get(`/ipfs/${built.root.cid}?format=raw`, {}, busy)))
      expect(answers.map((r) => r.status).sort()).toEqual([429, 504])
      expect(answers.find((r) => r.status === 429)?.headers.get('retry-after')).toBe('1')
      await Promise.all(answers.map((r) => r.arrayBuffer()))
    } finally {
      release()
      await busy.stop()
    }
  })
})
