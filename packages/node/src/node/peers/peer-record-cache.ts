import { BaseDatastore } from 'datastore-core'

/*
 * libp2p's peer store keeps one record per peer under /peers/ in the datastore it is given, and
 * reads and rewrites it far more often than it changes: every stream a peer opens or accepts
 * merges its protocol into the record (and stamps it `updated`, so it is written every time), and
 * every DHT FIND_NODE answered reads the records of the 20 closest peers. On LevelDB that was the
 * largest single CPU cost of an idle node in the loopback swarm (bench/swarm-procs.js with
 * SWARM_NODE_ARGS=--cpu-prof: classic-level's get and put, 17 % of the node processes' busy time).
 * This datastore keeps the records in memory and writes each changed one through to the disk at
 * most once per `flushMs`, so they still survive a restart; every other key goes straight through.
 */

type Key = Parameters<BaseDatastore['get']>[0]
type Options = Parameters<BaseDatastore['get']>[1]

const PEER_RECORDS = '/peers/'
/** How long a changed peer record may wait in memory before it is written to disk. */
export const PEER_RECORD_FLUSH_MS = 10_000
/** Beyond this many records in memory the unchanged ones are dropped (they are re-read from disk). */
const MAX_RECORDS = 10_000

const isPeerRecord = (key: Key) => key.toString().startsWith(PEER_RECORDS)

export interface PeerRecordCacheInit {
  flushMs?: number
  /** A failed write to disk (full, read-only): the records stay in memory and are tried again. */
  onError?(err: unknown): void
}

export class PeerRecordCache extends BaseDatastore {
  readonly #child: BaseDatastore
  readonly #flushMs: number
  readonly #onError: (err: unknown) => void
  readonly #records = new Map<string, { key: Key; value: Uint8Array }>()
  readonly #dirty = new Set<string>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #flushing: Promise<void> = Promise.resolve()

  constructor(child: BaseDatastore, init: PeerRecordCacheInit = {}) {
    super()
    this.#child = child
    this.#flushMs = init.flushMs ?? PEER_RECORD_FLUSH_MS
    this.#onError = init.onError ?? (() => {})
  }

  override put(key: Key, value: Uint8Array, options?: Options) {
    if (!isPeerRecord(key)) return this.#child.put(key, value, options)
    options?.signal?.throwIfAborted()
    const id = key.toString()
    if (this.#records.size >= MAX_RECORDS && !this.#records.has(id)) this.#dropClean()
    this.#records.set(id, { key, value })
    this.#dirty.add(id)
    this.#timer ??= setTimeout(() => void this.flush(), this.#flushMs).unref()
    return key
  }

  override async get(key: Key, options?: Options): Promise<Uint8Array> {
    if (!isPeerRecord(key)) return this.#child.get(key, options)
    const id = key.toString()
    const held = this.#records.get(id)
    if (held) return held.value
    const value = await this.#child.get(key, options)
    // a put while it was read is newer than what the disk had
    if (!this.#records.has(id)) {
      if (this.#records.size >= MAX_RECORDS) this.#dropClean()
      this.#records.set(id, { key, value })
    }
    return value
  }

  override async has(key: Key, options?: Options): Promise<boolean> {
    if (isPeerRecord(key) && this.#records.has(key.toString())) return true
    return this.#child.has(key, options)
  }

  override async delete(key: Key, options?: Options): Promise<void> {
    if (isPeerRecord(key)) {
      this.#records.delete(key.toString())
      this.#dirty.delete(key.toString())
      // a flush already writing this record must not bring it back after the delete
      await this.#flushing
    }
    await this.#child.delete(key, options)
  }

  // a query reads the disk: what is waiting in memory goes there first
  override query(...args: Parameters<BaseDatastore['query']>): ReturnType<BaseDatastore['query']> {
    return afterFlush(this.flush(), () => this.#child.query(...args))
  }

  override queryKeys(...args: Parameters<BaseDatastore['queryKeys']>): ReturnType<BaseDatastore['queryKeys']> {
    return afterFlush(this.flush(), () => this.#child.queryKeys(...args))
  }

  override batch(): ReturnType<BaseDatastore['batch']> {
    const inner = this.#child.batch()
    return {
      put: (key, value) => {
        if (isPeerRecord(key)) this.put(key, value)
        else inner.put(key, value)
      },
      delete: (key) => {
        if (isPeerRecord(key)) {
          this.#records.delete(key.toString())
          this.#dirty.delete(key.toString())
        }
        inner.delete(key)
      },
      commit: (options) => inner.commit(options),
    }
  }

  /** Writes every changed record to disk now; called on a timer, before a query, and on stop. */
  flush(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#flushing = this.#flushing.then(async () => {
      if (this.#dirty.size === 0) return
      const batch = this.#child.batch()
      const ids = [...this.#dirty]
      this.#dirty.clear()
      for (const id of ids) {
        const held = this.#records.get(id)
        if (held) batch.put(held.key, held.value)
      }
      try {
        await batch.commit()
      } catch (err) {
        // written next time, unless a newer value or a delete came meanwhile
        for (const id of ids) if (this.#records.has(id)) this.#dirty.add(id)
        this.#timer ??= setTimeout(() => void this.flush(), this.#flushMs).unref()
        this.#onError(err)
      }
    })
    return this.#flushing
  }

  #dropClean(): void {
    for (const id of this.#records.keys()) if (!this.#dirty.has(id)) this.#records.delete(id)
  }
}

/** The results of `query`, started once `flushed` is done. */
async function* afterFlush<T>(flushed: Promise<void>, query: () => Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  await flushed
  yield* query()
}
