import { createTaskIndex } from '../catalogue.js'
import { IPNI_OUTAGE } from './evaluate.js'
import type { SparkMeasurement } from './measurement.js'
import { QuadIds } from './quad-ids.js'

/*
 * A round's preprocessed measurements as columns of numbers, one entry per measurement in input
 * order: what `evaluateSparkColumns` needs and nothing else. Everything that depends on one
 * measurement alone (its task, its two committee keys, its stats flags) is computed when it is
 * added, so that threads reading parts of a file can do that work side by side; the values the
 * evaluation compares (station ids, inet groups, keys, results) become ids in a value table,
 * equal ids for equal strings, so that grouping compares integers.
 *
 * A committee key (committee-fields.ts) is the JSON text of up to seven fields. Two such texts are
 * equal exactly when every field is left out in both or has the same JSON in both (JSON values end
 * where they end, so the text splits one way only). A key is therefore kept as the tuple of its
 * fields' ids: a string's own id; for anything else −2 − the index of its JSON text in `keyParts`
 * (-0 and 0, or Infinity and null, are one part: their JSON is the same); −1 for undefined.
 */

/** Bits of `SparkColumns.flags`: what the per-request provider stats read of a measurement. */
export const SPARK_FLAG = { ipniOutage: 1, ok: 2, http: 4, head2xx: 8 } as const

/** The columns of a round's measurements; ids index `values`. */
export interface SparkColumns {
  length: number
  /** Index of the first round task equal to the measurement's exact (cid, minerId); −1: not in the round. */
  task: Int32Array
  stationId: Int32Array
  inetGroup: Int32Array
  /** Unix ms. */
  finishedAt: Float64Array
  /** Ids into `indexKeys`: (providerId, indexerResult, provider_address, protocol). */
  indexKey: Int32Array
  /** Ids into `retrievalKeys`: (index key, retrievalResult, byte_length, carChecksum). */
  retrievalKey: Int32Array
  indexerResult: Int32Array
  retrievalResult: Int32Array
  flags: Uint8Array
  /** The values the ids stand for: strings shared by id, any other value once per use. */
  values: unknown[]
  /** JSON texts of the non-string fields of keys, each once. */
  keyParts: string[]
  /** Index keys, four ids each: their fields' value ids (−1: undefined, ≤ −2: a key part). */
  indexKeys: Int32Array
  /** Retrieval keys, four ids each: an index key id, then the ids of three more fields. */
  retrievalKeys: Int32Array
}

/** Appends measurements to columns; the columns grow as needed. */
export class SparkColumnsBuilder {
  #length = 0
  #capacity: number
  #task: Int32Array
  #stationId: Int32Array
  #inetGroup: Int32Array
  #finishedAt: Float64Array
  #indexKey: Int32Array
  #retrievalKey: Int32Array
  #indexerResult: Int32Array
  #retrievalResult: Int32Array
  #flags: Uint8Array
  readonly #values: unknown[] = []
  readonly #ids = new Map<string, number>()
  readonly #keyParts: string[] = []
  readonly #partIds = new Map<string, number>()
  /** Part ids of finite numbers (byte lengths, mostly): no JSON text made to look one up. */
  readonly #numberParts = new Map<number, number>()
  /** The part id of null (a failed check's byte length, checksum, provider…), once found. */
  #nullPart: number | undefined
  /** Per value id of a retrieval result asked about: whether it is an IPNI outage. */
  readonly #outage = new Map<number, boolean>()
  readonly #indexKeys = new QuadIds()
  readonly #retrievalKeys = new QuadIds()
  readonly #taskOf: (cid: unknown, minerId: unknown) => number | undefined

  constructor(tasks: SparkRoundTasks, capacity = 1024) {
    this.#taskOf = createTaskIndex(tasks)
    this.#capacity = Math.max(1, capacity)
    this.#task = new Int32Array(this.#capacity)
    this.#stationId = new Int32Array(this.#capacity)
    this.#inetGroup = new Int32Array(this.#capacity)
    this.#finishedAt = new Float64Array(this.#capacity)
    this.#indexKey = new Int32Array(this.#capacity)
    this.#retrievalKey = new Int32Array(this.#capacity)
    this.#indexerResult = new Int32Array(this.#capacity)
    this.#retrievalResult = new Int32Array(this.#capacity)
    this.#flags = new Uint8Array(this.#capacity)
  }

  /** The id of a value: one per distinct string, a new one for anything else. */
  id(value: unknown): number {
    if (typeof value === 'string') {
      const known = this.#ids.get(value)
      if (known !== undefined) return known
      this.#ids.set(value, this.#values.length)
    }
    this.#values.push(value)
    return this.#values.length - 1
  }

  /** The id of one field of a committee key. */
  #part(value: unknown): number {
    if (value === undefined) return -1
    if (typeof value === 'string') return this.id(value)
    if (value === null) {
      this.#nullPart ??= this.#jsonPart('null')
      return this.#nullPart
    }
    if (typeof value === 'number' && Number.isFinite(value)) {
      // finite numbers have one JSON text each, but 0 and -0 share "0"
      const key = value === 0 ? 0 : value
      let id = this.#numberParts.get(key)
      if (id === undefined) {
        id = this.#jsonPart(JSON.stringify(key))
        this.#numberParts.set(key, id)
      }
      return id
    }
    return this.#jsonPart(JSON.stringify(value))
  }

  /** `IPNI_OUTAGE.test(result)`, asked once per distinct result string (`id` its value id). */
  #isOutage(id: number, result: string): boolean {
    let outage = this.#outage.get(id)
    if (outage === undefined) {
      outage = IPNI_OUTAGE.test(result)
      this.#outage.set(id, outage)
    }
    return outage
  }

  #jsonPart(json: string): number {
    let id = this.#partIds.get(json)
    if (id === undefined) {
      id = -2 - this.#keyParts.length
      this.#keyParts.push(json)
      this.#partIds.set(json, id)
    }
    return id
  }

  push(m: SparkMeasurement): void {
    if (this.#length === this.#capacity) this.#grow()
    const i = this.#length++
    // the exact task, looked up as Spark's step 1 does: only when both are strings
    const task = typeof m.cid === 'string' && typeof m.minerId === 'string' ? this.#taskOf(m.cid, m.minerId) : undefined
    this.#task[i] = task ?? -1
    this.#stationId[i] = this.id(m.stationId)
    this.#inetGroup[i] = this.id(m.inet_group)
    this.#finishedAt[i] = m.finished_at
    // a string field is the same id as a key part and as a column: looked up once
    const indexerResult = this.#part(m.indexerResult)
    const indexKey = this.#indexKeys.id(this.#part(m.providerId), indexerResult, this.#part(m.provider_address), this.#part(m.protocol))
    this.#indexKey[i] = indexKey
    // a string always (getSparkRetrievalResult): its own id as a key part and as a column
    const retrievalResult = this.id(m.retrievalResult)
    this.#retrievalKey[i] = this.#retrievalKeys.id(indexKey, retrievalResult, this.#part(m.byte_length), this.#part(m.carChecksum))
    this.#indexerResult[i] = typeof m.indexerResult === 'string' ? indexerResult : this.id(m.indexerResult)
    this.#retrievalResult[i] = retrievalResult
    this.#flags[i] = flagsOf(m, this.#isOutage(retrievalResult, m.retrievalResult))
  }

  /** The columns so far, trimmed to their length (views of the builder's buffers). */
  build(): SparkColumns {
    const n = this.#length
    return {
      length: n,
      task: this.#task.subarray(0, n),
      stationId: this.#stationId.subarray(0, n),
      inetGroup: this.#inetGroup.subarray(0, n),
      finishedAt: this.#finishedAt.subarray(0, n),
      indexKey: this.#indexKey.subarray(0, n),
      retrievalKey: this.#retrievalKey.subarray(0, n),
      indexerResult: this.#indexerResult.subarray(0, n),
      retrievalResult: this.#retrievalResult.subarray(0, n),
      flags: this.#flags.subarray(0, n),
      values: this.#values,
      keyParts: this.#keyParts,
      indexKeys: this.#indexKeys.flat,
      retrievalKeys: this.#retrievalKeys.flat,
    }
  }

  #grow(): void {
    this.#capacity *= 2
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.#capacity)
      b.set(a)
      return b
    }
    const i32 = (n: number) => new Int32Array(n)
    this.#task = grow(this.#task, i32)
    this.#stationId = grow(this.#stationId, i32)
    this.#inetGroup = grow(this.#inetGroup, i32)
    this.#finishedAt = grow(this.#finishedAt, (n) => new Float64Array(n))
    this.#indexKey = grow(this.#indexKey, i32)
    this.#retrievalKey = grow(this.#retrievalKey, i32)
    this.#indexerResult = grow(this.#indexerResult, i32)
    this.#retrievalResult = grow(this.#retrievalResult, i32)
    this.#flags = grow(this.#flags, (n) => new Uint8Array(n))
  }
}

/** The round's tasks, as `SparkRound.tasks`. */
export type SparkRoundTasks = readonly { cid: string; minerId: string }[]

function flagsOf(m: SparkMeasurement, ipniOutage: boolean): number {
  let flags = 0
  if (ipniOutage) flags |= SPARK_FLAG.ipniOutage
  if (m.retrievalResult === 'OK') flags |= SPARK_FLAG.ok
  if (m.protocol === 'http') flags |= SPARK_FLAG.http
  const head = m.head_status_code
  if (typeof head === 'number' && head >= 200 && head < 300) flags |= SPARK_FLAG.head2xx
  return flags
}
