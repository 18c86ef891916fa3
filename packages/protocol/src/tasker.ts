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
 * Task keys of one round, computed once and kept as 32-bit words so that picking a station's
 * tasks costs a few integer XORs per task instead of 256-bit BigInt work. The evaluator picks
 * for thousands of stations per round; this is its hot path.
 */
export class TaskSelector {
  readonly tasks: readonly RetrievalTask[]
  readonly #keys: Uint32Array

  constructor(tasks: readonly RetrievalTask[], randomness: string) {
    this.tasks = tasks
    this.#keys = new Uint32Array(tasks.length * WORDS)
    for (const [i, t] of tasks.entries()) {
      digestWords(sha256Utf8([t.cid, t.minerId, randomness].join('\n')), this.#keys, i * WORDS)
    }
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
    const keys = this.#keys
    const s0 = s[0] as number
    // full comparison of task i and task j by XOR distance; < 0 when i is nearer
    const compare = (i: number, j: number): number => {
      const a = i * WORDS
      const b = j * WORDS
      for (let w = 0; w < WORDS; w++) {
        const sw = s[w] as number
        const x = ((keys[a + w] as number) ^ sw) >>> 0
        const y = ((keys[b + w] as number) ^ sw) >>> 0
        if (x !== y) return x - y
      }
      return i - j
    }
    // A max-heap of the `count` nearest seen so far, root = farthest of them. Most tasks lose
    // against the root on the first 32-bit word alone, so that word of the root is kept at hand.
    const heap: number[] = []
    let rootWord = 0
    const siftDown = (p: number): void => {
      for (;;) {
        const l = 2 * p + 1
        const r = l + 1
        let m = p
        if (l < heap.length && compare(heap[l] as number, heap[m] as number) > 0) m = l
        if (r < heap.length && compare(heap[r] as number, heap[m] as number) > 0) m = r
        if (m === p) return
        ;[heap[p], heap[m]] = [heap[m] as number, heap[p] as number]
        p = m
      }
    }
    for (let i = 0; i < n; i++) {
      if (heap.length < count) {
        heap.push(i)
        let p = heap.length - 1
        while (p > 0) {
          const parent = (p - 1) >> 1
          if (compare(heap[p] as number, heap[parent] as number) <= 0) break
          ;[heap[p], heap[parent]] = [heap[parent] as number, heap[p] as number]
          p = parent
        }
        rootWord = ((keys[(heap[0] as number) * WORDS] as number) ^ s0) >>> 0
        continue
      }
      const word = ((keys[i * WORDS] as number) ^ s0) >>> 0
      if (word > rootWord) continue
      if (compare(i, heap[0] as number) < 0) {
        heap[0] = i
        siftDown(0)
        rootWord = ((keys[(heap[0] as number) * WORDS] as number) ^ s0) >>> 0
      }
    }
    return heap.sort(compare)
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
