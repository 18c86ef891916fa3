import type { SparkColumns } from './columns.js'
import { QuadIds } from './quad-ids.js'

/*
 * The columns of one round from the columns its reading threads built (columns.ts), each thread
 * with a value table of its own.
 */

/**
 * Columns made in parts (one per thread, each with its own value table) as one: ids rewritten
 * into one table, strings shared again. Parts are joined in the order given.
 */
export function concatSparkColumns(parts: readonly SparkColumns[]): SparkColumns {
  const length = parts.reduce((n, p) => n + p.length, 0)
  const values: unknown[] = []
  const ids = new Map<string, number>()
  const partIds = new Map<string, number>()
  const indexKeys = new QuadIds()
  const retrievalKeys = new QuadIds()
  const out: SparkColumns = {
    length,
    task: new Int32Array(length),
    stationId: new Int32Array(length),
    inetGroup: new Int32Array(length),
    finishedAt: new Float64Array(length),
    indexKey: new Int32Array(length),
    retrievalKey: new Int32Array(length),
    indexerResult: new Int32Array(length),
    retrievalResult: new Int32Array(length),
    flags: new Uint8Array(length),
    values,
    keyParts: [],
    indexKeys: new Int32Array(0),
    retrievalKeys: new Int32Array(0),
  }
  let at = 0
  for (const part of parts) {
    const map = new Int32Array(part.values.length)
    part.values.forEach((value, j) => {
      let id = typeof value === 'string' ? ids.get(value) : undefined
      if (id === undefined) {
        id = values.length
        values.push(value)
        if (typeof value === 'string') ids.set(value, id)
      }
      map[j] = id
    })
    const partMap = part.keyParts.map((json) => {
      let id = partIds.get(json)
      if (id === undefined) {
        id = -2 - out.keyParts.length
        out.keyParts.push(json)
        partIds.set(json, id)
      }
      return id
    })
    const value = (id: number) => (id >= 0 ? (map[id] as number) : id === -1 ? -1 : (partMap[-2 - id] as number))
    const ik = part.indexKeys
    const indexMap = new Int32Array(ik.length / 4)
    for (let t = 0; t < indexMap.length; t++) {
      const at = 4 * t
      indexMap[t] = indexKeys.id(
        value(ik[at] as number),
        value(ik[at + 1] as number),
        value(ik[at + 2] as number),
        value(ik[at + 3] as number),
      )
    }
    const rk = part.retrievalKeys
    const retrievalMap = new Int32Array(rk.length / 4)
    for (let t = 0; t < retrievalMap.length; t++) {
      const at = 4 * t
      const index = indexMap[rk[at] as number] as number
      retrievalMap[t] = retrievalKeys.id(index, value(rk[at + 1] as number), value(rk[at + 2] as number), value(rk[at + 3] as number))
    }
    const remap = (from: Int32Array, to: Int32Array) => {
      for (let i = 0; i < part.length; i++) to[at + i] = map[from[i] as number] as number
    }
    out.task.set(part.task, at)
    out.finishedAt.set(part.finishedAt, at)
    out.flags.set(part.flags, at)
    remap(part.stationId, out.stationId)
    remap(part.inetGroup, out.inetGroup)
    for (let i = 0; i < part.length; i++) {
      out.indexKey[at + i] = indexMap[part.indexKey[i] as number] as number
      out.retrievalKey[at + i] = retrievalMap[part.retrievalKey[i] as number] as number
    }
    remap(part.indexerResult, out.indexerResult)
    remap(part.retrievalResult, out.retrievalResult)
    at += part.length
  }
  out.indexKeys = indexKeys.flat
  out.retrievalKeys = retrievalKeys.flat
  return out
}
