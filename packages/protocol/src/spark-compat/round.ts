import type { RetrievalTask } from '../catalogue.js'
import { ProtocolError } from '../errors.js'

/** What spark-evaluate knew about a round: its tasks, K, and the drand randomness. */
export interface SparkRound {
  roundIndex: string | number
  /** Lowercase hex drand randomness of the round (Spark's tasker input). */
  randomness: string
  maxTasksPerNode: number
  tasks: RetrievalTask[]
}

/**
 * Reads a Spark round description (`{roundIndex, randomness, maxTasksPerNode, tasks}`, as
 * spark-api's round details plus the drand randomness) from parsed JSON. Throws ROUND_INVALID
 * naming the field and what it must be.
 */
export function parseSparkRound(value: unknown): SparkRound & { requiredCommitteeSize?: number } {
  const fail = (message: string): never => {
    throw new ProtocolError('ROUND_INVALID', `round file: ${message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be a JSON object')
  const r = value as Record<string, unknown>
  if (!(typeof r.roundIndex === 'number' || typeof r.roundIndex === 'string')) fail('"roundIndex" must be a number or a string')
  if (typeof r.randomness !== 'string' || !/^[0-9a-f]{64}$/.test(r.randomness)) {
    fail('"randomness" must be the drand randomness as 64 lowercase hex digits')
  }
  if (!Number.isSafeInteger(r.maxTasksPerNode) || (r.maxTasksPerNode as number) < 0) {
    fail('"maxTasksPerNode" must be a non-negative integer')
  }
  if (!Array.isArray(r.tasks)) fail('"tasks" must be a list of {"cid", "minerId"}')
  const tasks = (r.tasks as unknown[]).map((t, i) => {
    const task = t as Record<string, unknown>
    if (typeof task !== 'object' || task === null) fail(`"tasks[${i}]" must be an object`)
    if (typeof task.cid !== 'string') fail(`"tasks[${i}].cid" must be a string`)
    if (typeof task.minerId !== 'string') fail(`"tasks[${i}].minerId" must be a string`)
    return { cid: task.cid as string, minerId: task.minerId as string }
  })
  const out: SparkRound & { requiredCommitteeSize?: number } = {
    roundIndex: r.roundIndex as string | number,
    randomness: r.randomness as string,
    maxTasksPerNode: r.maxTasksPerNode as number,
    tasks,
  }
  if (r.requiredCommitteeSize !== undefined) {
    if (!Number.isSafeInteger(r.requiredCommitteeSize) || (r.requiredCommitteeSize as number) < 0) {
      fail('"requiredCommitteeSize" must be a non-negative integer')
    }
    out.requiredCommitteeSize = r.requiredCommitteeSize as number
  }
  return out
}
