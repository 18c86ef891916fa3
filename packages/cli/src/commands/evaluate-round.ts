import {
  buildRoundSummary,
  type Catalogue,
  catalogueCid,
  createInterner,
  deriveRoundSeeds,
  evaluateRound,
  getPreset,
  type MeasurementRecord,
  measurementFromJson,
  measurementRecord,
  ProtocolError,
  type ProtocolParams,
  type RetrievalTask,
  sampleRoundTasks,
  validateCatalogue,
  validateParams,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { CliError } from '../cli-error.js'
import { readNdjson } from '../ndjson.js'
import { readJsonFile } from '../read-json.js'

/**
 * A round file of our protocol:
 * `{"preset", "params"?, "round", "randomness", "tasks"? | "catalogue"?, "previous"?}`.
 * `tasks` gives the round's tasks as they are; `catalogue` (`{"entries": […]}`) makes the tool
 * sample them from the round seed as every node does.
 */
export interface RoundFile {
  params: ProtocolParams
  round: number
  randomness: string
  tasks: RetrievalTask[]
  catalogue: CID | null
  previous: CID | null
}

async function parseRoundFile(path: string): Promise<RoundFile> {
  const value = (await readJsonFile(path, 'round file')) as Record<string, unknown>
  const fail = (message: string): never => {
    throw new CliError(`round file ${path}: ${message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be a JSON object')
  let params: ProtocolParams
  try {
    params = validateParams({ ...getPreset(String(value.preset ?? 'mainnet')), ...((value.params as object) ?? {}) })
  } catch (err) {
    return fail((err as Error).message)
  }
  if (!Number.isSafeInteger(value.round) || (value.round as number) < 0) fail('"round" must be a non-negative integer')
  if (typeof value.randomness !== 'string' || !/^[0-9a-f]{64}$/.test(value.randomness)) {
    fail('"randomness" must be the round beacon randomness, 64 lowercase hex digits')
  }
  const seeds = deriveRoundSeeds(value.round as number, value.randomness as string)
  let tasks: RetrievalTask[]
  let catalogue: CID | null = null
  try {
    if (Array.isArray(value.tasks)) {
      tasks = validateCatalogue({ entries: value.tasks as RetrievalTask[] }).entries.map((t) => ({ cid: t.cid, minerId: t.minerId }))
    } else if (value.catalogue !== undefined) {
      const c = validateCatalogue(value.catalogue as Catalogue)
      catalogue = await catalogueCid(c)
      tasks = sampleRoundTasks(c, seeds, params.tasksPerRound)
    } else {
      return fail('give the round\'s "tasks" or the "catalogue" to sample them from')
    }
  } catch (err) {
    if (err instanceof ProtocolError) return fail(err.message.replace(/^the catalogue/, '"tasks"/"catalogue"'))
    throw err
  }
  let previous: CID | null = null
  if (value.previous !== undefined && value.previous !== null) {
    try {
      previous = CID.parse(String(value.previous))
    } catch {
      fail('"previous" must be the CID of the previous round summary')
    }
  }
  return { params, round: value.round as number, randomness: value.randomness as string, tasks, catalogue, previous }
}

/**
 * `evaluate --round round.json measurements.ndjson`: our evaluation of signed measurements in
 * their JSON form, with the three scores and the CID of the round summary it would anchor.
 */
export async function evaluateOurRound(measurementsPath: string, opts: { round: string; trusted?: boolean }): Promise<unknown> {
  const file = await parseRoundFile(opts.round)
  const seeds = deriveRoundSeeds(file.round, file.randomness)
  const records: MeasurementRecord[] = []
  const intern = createInterner()
  const malformed: Array<{ line: number; reason: string; message: string }> = []
  for await (const entry of readNdjson(measurementsPath)) {
    if ('error' in entry) {
      malformed.push({ line: entry.line, reason: 'MALFORMED', message: entry.error })
      continue
    }
    try {
      records.push(measurementRecord(measurementFromJson(entry.value, intern)))
    } catch (err) {
      malformed.push({ line: entry.line, reason: 'MALFORMED', message: `line ${entry.line}: ${(err as Error).message}` })
    }
  }
  const ctx = { params: file.params, round: file.round, seeds, tasks: file.tasks }
  const evaluation = evaluateRound(ctx, records, { signatures: opts.trusted ? 'trusted' : 'verify' })
  const built = buildRoundSummary(evaluation, { params: file.params, seeds, catalogueCid: file.catalogue, previous: file.previous })
  return {
    network: evaluation.network,
    round: evaluation.round,
    summaryCid: built.root.cid.toString(),
    measurements: evaluation.measurements,
    dropped: [...malformed, ...evaluation.dropped],
    committees: evaluation.committees,
    providers: evaluation.providers,
  }
}
