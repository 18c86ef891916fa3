import { mkdir, symlink, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { type ActivityDetail, type CheckerNode, type CheckerNodeInit, createCheckerNode, openNodeStore } from '@spark-swarm/node'
import { cidOfDagCbor, devnet, type ProtocolParams } from '@spark-swarm/protocol'
import Database from 'better-sqlite3'
import { base32upper } from 'multiformats/bases/base32'
import { describe, expect, it } from 'vitest'
import { e2eWorld } from './helpers/e2e-world.js'

/*
 * A disk that fills up under a running node. The SQLite store is held to a size with
 * `storeMaxBytes` (SQLite's own max_page_count: a real SQLITE_FULL from the real engine, no root
 * needed); the blockstore writes into /dev/full (a real ENOSPC from the kernel). Either way the
 * node reports a coded `activity` error, keeps running its rounds, and its database stays intact
 * with every row it committed.
 */

const ROUND_MS = 1_500
const nodes: CheckerNode[] = []

const e2e = e2eWorld({
  name: 'disk-full',
  seed: 'disk full e2e',
  blocksPerProvider: 4,
  stop: async () => {
    for (const node of nodes) await node.stop()
  },
})

const until = async (what: string, pred: () => boolean, timeoutMs: number) => {
  const end = Date.now() + timeoutMs
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function params(): ProtocolParams {
  return { ...devnet, genesisTime: Date.now(), roundDurationMs: ROUND_MS, gracePeriodMs: 300, minCommitteeSize: 1, tasksPerRound: 4 }
}

/** A single checker node on loopback, recording what it reports. */
function startNode(dataDir: string, p: ProtocolParams, over: Partial<CheckerNodeInit> = {}) {
  const w = e2e.world
  const node = createCheckerNode({
    dataDir,
    params: p,
    catalogue: w.catalogue,
    indexerUrl: w.ipniUrl,
    rpcUrl: w.rpcUrl,
    inetGroup: '192.0.2.0/24',
    loopback: true,
    ...over,
  })
  nodes.push(node)
  const seen = {
    activity: [] as ActivityDetail[],
    measured: [] as string[],
    anchored: new Map<number, string>(),
    faults: [] as Array<{ state: string; code: string }>,
  }
  node.addEventListener('activity', (e) => seen.activity.push(e.detail))
  node.addEventListener('local-fault', (e) => seen.faults.push({ state: e.detail.state, code: e.detail.code }))
  node.addEventListener('measurement:published', (e) => seen.measured.push(e.detail.cid))
  node.addEventListener('summary:anchored', (e) => seen.anchored.set(e.detail.round, e.detail.summaryCid))
  return { node, seen, started: node.start() }
}

function openRaw(path: string) {
  return new Database(path, { readonly: true })
}

describe('disk full while a node runs', () => {
  it('store full (SQLITE_FULL): a STORE_DISK_FULL activity error, rounds go on, every committed row survives intact', async () => {
    const empty = openNodeStore({ path: join(e2e.dir, 'empty.sqlite') })
    const emptyBytes = empty.sizeBytes()
    empty.close()
    const dataDir = join(e2e.dir, 'full')
    const p = params()
    // no room above the empty schema but what its first pages hold: a few rounds of rows
    const first = startNode(dataDir, p, { storeMaxBytes: emptyBytes })
    await first.started
    await until('a STORE_DISK_FULL error', () => first.seen.activity.some((a) => a.code === 'STORE_DISK_FULL'), 12 * ROUND_MS)
    const full = first.seen.activity.find((a) => a.code === 'STORE_DISK_FULL') as ActivityDetail
    expect(full.level).toBe('error')
    expect(full.message).toContain(join(dataDir, 'node.sqlite'))
    expect(full.message).toMatch(/no space left .*Free space on that disk/)
    // the node did not crash: its round loop goes on, two more rounds reported after the failure
    const roundAtFailure = first.node.status().round
    await until('two more rounds', () => first.node.status().round >= roundAtFailure + 2, 4 * ROUND_MS)
    expect(first.seen.activity.filter((a) => a.code === 'STORE_DISK_FULL').length).toBeGreaterThan(1)
    expect(first.node.status().peerId).toMatch(/^12D3KooW/)
    // the full disk is a local fault while it lasts: status (and so /metrics and the page) shows it
    expect(first.seen.faults[0]).toEqual({ state: 'set', code: 'DISK_FULL' })
    await until('DISK_FULL in status', () => first.node.status().localFaults.some((f) => f.code === 'DISK_FULL'), 2 * ROUND_MS)
    expect(first.node.status().localFaults.find((f) => f.code === 'DISK_FULL')?.message).toMatch(/no space left/)
    const measured = [...first.seen.measured]
    const anchored = new Map(first.seen.anchored)
    expect(measured.length).toBeGreaterThan(0)
    await first.node.stop()

    // room again: the file is intact and holds every row the node committed
    const check = () => {
      const db = openRaw(join(dataDir, 'node.sqlite'))
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
        const has = db.prepare<[string], number>('SELECT 1 FROM measurements WHERE cid = ?').pluck()
        for (const cid of measured) expect(has.get(cid), cid).toBe(1)
        const done = db.prepare<[string], string>("SELECT status FROM tasks WHERE measurement_cid = ? AND status = 'done'").pluck()
        for (const cid of measured) expect(done.get(cid), cid).toBe('done')
        const round = db.prepare<[number], { state: string; summary_cid: string }>('SELECT state, summary_cid FROM rounds WHERE round = ?')
        for (const [r, cid] of anchored) expect(round.get(r)).toEqual({ state: 'anchored', summary_cid: cid })
      } finally {
        db.close()
      }
    }
    check()
    // …and the node, restarted without the limit, works on
    const second = startNode(dataDir, p)
    await second.started
    await until(
      'a new measurement and an anchored round',
      () => second.seen.measured.length > 0 && second.seen.anchored.size > 0,
      6 * ROUND_MS,
    )
    expect(second.seen.activity.filter((a) => a.level === 'error')).toEqual([])
    await second.node.stop()
    check()
  }, 30_000)

  it('blockstore full (ENOSPC): the summary is not anchored, the error says so, the next round anchors once there is room', async () => {
    const dataDir = join(e2e.dir, 'blocks-full')
    const p = params()
    // The first block every anchoring writes is the params block, through a temp file next to it
    // (blockstore-fs, steno): make that temp file /dev/full, where every write fails with ENOSPC.
    const { dir: shard, file } = blockPath(cidOfDagCbor(dagCbor.encode(p)).multihash.bytes)
    await mkdir(join(dataDir, 'blocks', shard), { recursive: true, mode: 0o700 }) // a data dir only its owner may use
    const trap = join(dataDir, 'blocks', shard, `.${file}.tmp`)
    await symlink('/dev/full', trap)
    const { node, seen, started } = startNode(dataDir, p)
    await started
    await until('a STORE_DISK_FULL error', () => seen.activity.some((a) => a.code === 'STORE_DISK_FULL'), 8 * ROUND_MS)
    const error = seen.activity.find((a) => a.code === 'STORE_DISK_FULL') as ActivityDetail
    const failedRound = Number(error.message.match(/^round (\d+): not anchored/)?.[1])
    expect(error.message).toMatch(
      /^round \d+: not anchored: the summary of round \d+ could not be written to .*blocks: no space left \(ENOSPC/,
    )
    expect(seen.anchored.has(failedRound)).toBe(false)
    // room again: the node anchors the next round by itself, no restart
    await unlink(trap)
    await until('a later round anchored', () => [...seen.anchored.keys()].some((r) => r > failedRound), 6 * ROUND_MS)
    // set when the write failed, cleared by itself once a round was anchored with no refused write for a round
    await until('DISK_FULL cleared', () => seen.faults.length >= 2, 4 * ROUND_MS)
    expect(seen.faults).toEqual([
      { state: 'set', code: 'DISK_FULL' },
      { state: 'cleared', code: 'DISK_FULL' },
    ])
    expect(node.status().localFaults).toEqual([])
    await node.stop()
    const db = openRaw(join(dataDir, 'node.sqlite'))
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      // the failed round was left as it was: checking, to be anchored after a restart within two rounds
      expect(db.prepare('SELECT state FROM rounds WHERE round = ?').pluck().get(failedRound)).toBe('checking')
    } finally {
      db.close()
    }
  }, 30_000)
})

/** Where blockstore-fs (NextToLast sharding, base32upper of the multihash) keeps a block. */
function blockPath(multihash: Uint8Array): { dir: string; file: string } {
  const key = base32upper.encoder.encode(multihash)
  return { dir: key.slice(-2), file: `${key}.data` }
}
