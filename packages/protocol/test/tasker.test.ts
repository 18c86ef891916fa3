import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getStationKey, getTaskKey, pickTasksForStation, type RetrievalTask, TaskSelector } from '../src/index.js'

/** Spark's algorithm written the slow, obvious way: BigInt keys, full sort. */
function reference(tasks: RetrievalTask[], stationId: string, randomness: string, k: number): RetrievalTask[] {
  const s = getStationKey(stationId)
  return tasks
    .map((t, i) => ({ t, i, d: getTaskKey(t, randomness) ^ s }))
    .sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : a.i - b.i))
    .slice(0, Math.min(k, tasks.length))
    .map((x) => x.t)
}

const taskArb = fc.record({ cid: fc.string({ minLength: 1, maxLength: 12 }), minerId: fc.constantFrom('f010', 'f020', 'f030', 'f040') })
const uniqueTasks = fc.uniqueArray(taskArb, { selector: (t) => `${t.cid}::${t.minerId}`, maxLength: 60 })
const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'))

describe('node task selection', () => {
  it('equals the BigInt reference: exactly min(K, n) tasks, nearest first', () => {
    fc.assert(
      fc.property(uniqueTasks, fc.string({ maxLength: 88 }), hex64, fc.nat(20), (tasks, station, randomness, k) => {
        const picked = pickTasksForStation(tasks, station, randomness, k)
        expect(picked).toHaveLength(Math.min(k, tasks.length))
        expect(picked).toEqual(reference(tasks, station, randomness, k))
      }),
      { numRuns: 300 },
    )
  })

  it('equals the BigInt reference on rounds of hundreds of tasks with duplicates and fractional K', () => {
    // the sorted-key search narrows to a run of keys; rounds this size give runs many levels deep
    const tasks = fc
      .array(taskArb, { minLength: 200, maxLength: 600, size: 'max' })
      .chain((base) =>
        fc.array(fc.nat(base.length - 1), { maxLength: 40 }).map((copies) => [...base, ...copies.map((i) => base[i] as RetrievalTask)]),
      )
    fc.assert(
      fc.property(
        tasks,
        fc.array(fc.string({ maxLength: 88 }), { minLength: 20, maxLength: 20 }),
        hex64,
        fc.double({ min: 0, max: 70, noNaN: true }),
        (round, stations, randomness, k) => {
          const selector = new TaskSelector(round, randomness)
          const keys = round.map((t) => getTaskKey(t, randomness))
          for (const station of stations) {
            const s = getStationKey(station)
            const expected = keys
              .map((key, i) => ({ i, d: key ^ s }))
              .sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : a.i - b.i))
              .slice(0, Math.min(Math.floor(k), round.length))
              .map((x) => x.i)
            expect(selector.pickIndices(station, k)).toEqual(expected)
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('is deterministic and does not depend on the order of the round tasks', () => {
    fc.assert(
      fc.property(uniqueTasks, fc.string({ maxLength: 88 }), hex64, fc.nat(20), fc.nat(), (tasks, station, randomness, k, seed) => {
        const shuffled = [...tasks].sort((a, b) => ((a.cid.length * 31 + seed) % 7) - ((b.cid.length * 31 + seed) % 7))
        expect(pickTasksForStation(shuffled, station, randomness, k)).toEqual(pickTasksForStation(tasks, station, randomness, k))
      }),
      { numRuns: 200 },
    )
  })

  it('gives every task to about N·K/T stations (committee size)', () => {
    const tasks = Array.from({ length: 100 }, (_, i) => ({ cid: `bafy${i}`, minerId: 'f01' }))
    const selector = new TaskSelector(tasks, 'cd'.repeat(32))
    const counts = new Map<string, number>()
    for (let s = 0; s < 2000; s++) {
      for (const t of selector.pick(`station-${s}`, 5)) counts.set(t.cid, (counts.get(t.cid) ?? 0) + 1)
    }
    const sizes = [...counts.values()]
    const mean = sizes.reduce((a, b) => a + b, 0) / tasks.length
    expect(mean).toBe((2000 * 5) / 100)
    // XOR-nearest assignment is lumpy but no task may be starved or hoarded
    expect(Math.min(...sizes)).toBeGreaterThan(0)
    expect(Math.max(...sizes)).toBeLessThan(mean * 6)
  })

  it('returns nothing for K = 0 or no tasks (spark-evaluate tasker test)', () => {
    expect(pickTasksForStation([], 'x', 'ab'.repeat(32), 15)).toEqual([])
    expect(pickTasksForStation([{ cid: 'a', minerId: 'b' }], 'x', 'ab'.repeat(32), 0)).toEqual([])
    expect(
      pickTasksForStation(
        [
          { cid: 'a', minerId: 'b' },
          { cid: 'c', minerId: 'd' },
        ],
        'x',
        'ab'.repeat(32),
        15,
      ),
    ).toHaveLength(2)
  })
})
