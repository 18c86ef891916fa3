import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import { Key } from 'interface-datastore'
import { afterEach, describe, expect, it } from 'vitest'
import { PeerRecordCache } from '../src/node/peers/peer-record-cache.js'

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (value: Uint8Array) => new TextDecoder().decode(value)
const peer = (i: number) => new Key(`/peers/peer${i}`)

describe('PeerRecordCache', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  async function level() {
    const dir = mkdtempSync(join(tmpdir(), 'peer-record-cache-'))
    dirs.push(dir)
    const disk = new LevelDatastore(dir)
    await disk.open()
    const reopen = async () => {
      await disk.close()
      await disk.open()
    }
    return { disk, reopen }
  }

  it('holds peer records in memory and writes each to disk once per flush, keeping the newest', async () => {
    const { disk } = await level()
    const cache = new PeerRecordCache(disk, { flushMs: 60_000 })
    for (let i = 0; i < 50; i++) await cache.put(peer(1), bytes(`record ${i}`))
    expect(text(await cache.get(peer(1)))).toBe('record 49')
    expect(await disk.has(peer(1))).toBe(false)
    await cache.flush()
    expect(text(await disk.get(peer(1)))).toBe('record 49')
    await disk.close()
  })

  it('passes every other key straight to disk', async () => {
    const { disk } = await level()
    const cache = new PeerRecordCache(disk, { flushMs: 60_000 })
    await cache.put(new Key('/dht/record/x'), bytes('dht'))
    expect(text(await disk.get(new Key('/dht/record/x')))).toBe('dht')
    await disk.close()
  })

  it('reads a record from disk once, then from memory; a query sees what waits in memory', async () => {
    const { disk } = await level()
    await disk.put(peer(2), bytes('from an earlier run'))
    const cache = new PeerRecordCache(disk, { flushMs: 60_000 })
    expect(text(await cache.get(peer(2)))).toBe('from an earlier run')
    await disk.delete(peer(2))
    expect(text(await cache.get(peer(2)))).toBe('from an earlier run')
    await cache.put(peer(3), bytes('new'))
    const found: string[] = []
    for await (const { key, value } of cache.query({ prefix: '/peers/' })) found.push(`${key}=${text(value)}`)
    expect(found).toEqual(['/peers/peer3=new'])
    await expect(cache.get(peer(4))).rejects.toMatchObject({ name: 'NotFoundError' })
    await disk.close()
  })

  it('a delete is not undone by a flush, and a record survives a restart once flushed', async () => {
    const { disk, reopen } = await level()
    const cache = new PeerRecordCache(disk, { flushMs: 60_000 })
    await cache.put(peer(5), bytes('gone soon'))
    const flushing = cache.flush()
    await cache.delete(peer(5))
    await flushing
    expect(await disk.has(peer(5))).toBe(false)
    expect(await cache.has(peer(5))).toBe(false)
    await cache.put(peer(6), bytes('kept'))
    await cache.flush()
    await reopen()
    expect(text(await new PeerRecordCache(disk).get(peer(6)))).toBe('kept')
    await disk.close()
  })

  it('flushes on its timer, and keeps a record whose write failed for the next try', async () => {
    const { disk } = await level()
    const errors: unknown[] = []
    const cache = new PeerRecordCache(disk, { flushMs: 20, onError: (err) => errors.push(err) })
    await cache.put(peer(7), bytes('timed'))
    await expect.poll(() => disk.has(peer(7)), { timeout: 2_000 }).toBe(true)
    await disk.close()
    await cache.put(peer(8), bytes('disk closed'))
    await cache.flush()
    expect(errors).toHaveLength(1)
    await disk.open()
    await cache.flush()
    expect(text(await disk.get(peer(8)))).toBe('disk closed')
    await disk.close()
  })
})
