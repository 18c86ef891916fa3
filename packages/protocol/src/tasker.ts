import { createHash } from 'node:crypto'
import type { RetrievalTask } from './catalogue.js'

/*
 * Node task selection, bit-exact with Spark v1 (spark-checker lib/tasker.js and its mirror in
 * spark-evaluate): a node performs the K round tasks whose key is closest to its own key in XOR
 * distance. Keys are SHA-256 digests read as 256-bit big-endian integers.
 */

function sha256Utf8(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/** `uint256_be(SHA-256(utf8(cid + "\n" + minerId + "\n" + randomness)))`: Spark's `getTaskKey`. */
export function getTaskKey(task: RetrievalTask, randomness: string): bigint {
  return BigInt(`0x${sha256Utf8([task.cid, task.minerId, randomness].join('\n')).toString('hex')}`)
}

/** `uint256_be(SHA-256(utf8(stationId)))`: the id string itself is hashed, case and all. */
export function getStationKey(stationId: string): bigint {
  return BigInt(`0x${sha256Utf8(stationId).toString('hex')}`)
}

const WORDS = 8

function digestWords(digest: Buffer, out: Uint32Array, at: number): void {
  for (let w = 0; w < WORDS; w++) out[at + w] = digest.readUInt32BE(w * 4)
}

/**
 * Task keys of one round, computed once and kept as 32-bit words, also in sorted order, so that
 * picking a station's tasks costs a few binary searches instead of a pass over every task. The
 * evaluator picks for thousands of stations per round; this is its hot path.
 *
 * Why sorted keys suffice: XOR distance orders keys by the longest prefix they share with the
 * station's key. The keys sharing the first d bits with it are one run of the sorted keys, and
 * each of them is nearer than any key outside the run. So the K nearest lie in the shortest such
 * run that still holds K keys, and only that run (about 2K keys) is compared in full.
 */
export class TaskSelector {
  readonly tasks: readonly RetrievalTask[]
  readonly #keys: Uint32Array
  /** Task indices by ascending key (equal keys by index), and their keys in that order. */
  readonly #order: Int32Array
  readonly #sortedKeys: Uint32Array

  constructor(tasks: readonly RetrievalTask[], randomness: string) {
    this.tasks = tasks
    const n = tasks.length
    this.#keys = new Uint32Array(n * WORDS)
    for (const [i, t] of tasks.entries()) {
      digestWords(sha256Utf8([t.cid, t.minerId, randomness].join('\n')), this.#keys, i * WORDS)
    }
    const keys = this.#keys
    this.#order = Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => {
      for (let w = 0; w < WORDS; w++) {
        const x = keys[i * WORDS + w] as number
        const y = keys[j * WORDS + w] as number
        if (x !== y) return x - y
      }
      return i - j
    })
    this.#sortedKeys = new Uint32Array(n * WORDS)
    for (let p = 0; p < n; p++)
      this.#sortedKeys.set(keys.subarray((this.#order[p] as number) * WORDS, ((this.#order[p] as number) + 1) * WORDS), p * WORDS)
  }

  /**
   * Indices of the K tasks closest to the station, nearest first (Spark's order; the checker
   * then executes them with `pop()`, farthest first). Ties can only come from duplicate tasks
   * and are broken by list position.
   */
  pickIndices(stationId: string, k: number): number[] {
    const n = this.tasks.length
    const count = Math.max(0, Math.min(n, Math.floor(k)))
    if (count === 0) return []
    const s = new Uint32Array(WORDS)
    digestWords(sha256Utf8(stationId), s, 0)
    const sorted = this.#sortedKeys
    const bitAt = (p: number, depth: number): number => ((sorted[p * WORDS + (depth >>> 5)] as number) >>> (31 - (depth & 31))) & 1
    // [lo, hi): the sorted keys that share the first `depth` bits with the station's key
    let lo = 0
    let hi = n
    for (let depth = 0; depth < WORDS * 32 && hi - lo > count; depth++) {
      // within the run, keys with a 0 at this bit come first: find the first 1
      let a = lo
      let b = hi
      while (a < b) {
        const mid = (a + b) >>> 1
        if (bitAt(mid, depth) === 0) a = mid + 1
        else b = mid
      }
      const [nearLo, nearHi] = (((s[depth >>> 5] as number) >>> (31 - (depth & 31))) & 1) === 0 ? [lo, a] : [a, hi]
      if (nearHi - nearLo < count) break
      lo = nearLo
      hi = nearHi
    }
    const keys = this.#keys
    // full comparison of task i and task j by XOR distance; < 0 when i is nearer
    const compare = (i: number, j: number): number => {
      const x0 = i * WORDS
      const y0 = j * WORDS
      for (let w = 0; w < WORDS; w++) {
        const sw = s[w] as number
        const x = ((keys[x0 + w] as number) ^ sw) >>> 0
        const y = ((keys[y0 + w] as number) ^ sw) >>> 0
        if (x !== y) return x - y
      }
      return i - j
    }
    return Array.from(this.#order.subarray(lo, hi)).sort(compare).slice(0, count)
  }

  /** The K tasks closest to the station, nearest first. */
  pick(stationId: string, k: number): RetrievalTask[] {
    return this.pickIndices(stationId, k).map((i) => this.tasks[i] as RetrievalTask)
  }
}

/**
 * Spark's `pickTasksForNode`: the `maxTasksPerNode` tasks nearest to the station in XOR
 * distance of their keys, nearest first.
 *
 * @example
 * pickTasksForStation(tasks, stationId, randomness, 15) // → up to 15 tasks
 */
export function pickTasksForStation(
  tasks: readonly RetrievalTask[],
  stationId: string,
  randomness: string,
  maxTasksPerNode: number,
): RetrievalTask[] {
  return new TaskSelector(tasks, randomness).pick(stationId, maxTasksPerNode)
}

/**
 * The gossip shard of a task's committee: `getTaskKey(task, randomness) mod shards`, so that a
 * node subscribes only to the topics of its own tasks, and everyone agrees where a committee meets.
 * `randomness` is the round's node-selection seed, as for task selection.
 */
export function committeeShard(task: RetrievalTask, randomness: string, shards: number): number {
  if (!Number.isSafeInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${shards}`)
  return Number(getTaskKey(task, randomness) % BigInt(shards))
}
