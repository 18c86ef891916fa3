import { availableParallelism } from 'node:os'
import {
  type AdmissionSnapshot,
  buildRoundSummary,
  type Catalogue,
  catalogueCid,
  createInterner,
  deriveRoundSeeds,
  evaluateRound,
  getPreset,
  internMeasurement,
  type MeasurementRecord,
  measurementRecordFromJson,
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
import { readRecordsThreaded, type ThreadedRecords } from '../round-threads/read-records.js'
import { readable } from '../threads/readable.js'

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
  /** Version 2: who was eligible (spec §13.4), as a node read it from the chain. */
  admission?: AdmissionSnapshot
}

const PARTICIPANT = /^0x[0-9a-f]{40}$/

/** `"admission": {"height", "eligible": ["0x…"]}`, required in a version-2 round file and refused in others. */
function parseAdmission(value: unknown, params: ProtocolParams, fail: (message: string) => never): AdmissionSnapshot | undefined {
  if (params.protocolVersion < 2) {
    if (value !== undefined) fail(`"admission" is for version-2 rounds; these params are of version ${params.protocolVersion}`)
    return undefined
  }
  const a = value as { height?: unknown; eligible?: unknown } | undefined
  if (typeof a !== 'object' || a === null) return fail('a version-2 round needs "admission": {"height", "eligible": ["0x…"]} (spec §13.4)')
  if (a.height !== null && !(Number.isSafeInteger(a.height) && (a.height as number) >= 0))
    fail('"admission.height" must be the eligibility height, a non-negative integer (or null)')
  if (!Array.isArray(a.eligible) || !a.eligible.every((p) => typeof p === 'string' && PARTICIPANT.test(p)))
    fail('"admission.eligible" must list participants as 0x and 40 lowercase hex digits')
  return { height: a.height as number | null, eligible: new Set(a.eligible as string[]) }
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
  const admission = parseAdmission(value.admission, params, fail)
  return {
    params,
    round: value.round as number,
    randomness: value.randomness as string,
    tasks,
    catalogue,
    previous,
    ...(admission ? { admission } : {}),
  }
}

/**
 * One line on stderr after a large file (as `readNdjson`'s progress): how many threads read it,
 * and how fast the signatures went, for an operator sizing a machine (and for the bench).
 */
function reportThreads(read: ThreadedRecords): ThreadedRecords {
  if (read.lines < 100_000) return read
  const checked =
    read.verifyMs > 0
      ? `; ${read.count.toLocaleString('en-US')} signatures checked in ${(read.verifyMs / 1000).toFixed(2)} s of thread time`
      : ''
  process.stderr.write(
    `read ${read.lines.toLocaleString('en-US')} lines on ${read.threads} threads in ${(read.readMs / 1000).toFixed(2)} s${checked}\n`,
  )
  return read
}

/** The plain path: records line by line, each checked (with `verify`) as a reading thread checks it. */
async function readRecordsPlain(measurementsPath: string, { verify }: { verify: boolean }) {
  const records: MeasurementRecord[] = []
  const intern = createInterner()
  const malformed: Array<{ line: number; reason: string; message: string }> = []
  for await (const entry of readNdjson(measurementsPath)) {
    if ('error' in entry) {
      malformed.push({ line: entry.line, reason: 'MALFORMED', message: entry.error })
      continue
    }
    try {
      const record = measurementRecordFromJson(entry.value, { verify })
      internMeasurement(record.measurement, intern)
      records.push(record)
    } catch (err) {
      malformed.push({ line: entry.line, reason: 'MALFORMED', message: `line ${entry.line}: ${(err as Error).message}` })
    }
  }
  return { records, malformed }
}

/**
 * `evaluate --round round.json measurements.ndjson`: our evaluation of signed measurements in
 * their JSON form, with the three scores and the CID of the round summary it would anchor.
 */
export async function evaluateOurRound(
  measurementsPath: string,
  opts: { round: string; trusted?: boolean; threads?: number },
): Promise<unknown> {
  const file = await parseRoundFile(opts.round)
  const seeds = deriveRoundSeeds(file.round, file.randomness)
  // a file is read on threads, which also check the signatures; stdin line by line here
  const { records, malformed } =
    measurementsPath === '-'
      ? await readRecordsPlain(measurementsPath, { verify: !opts.trusted })
      : reportThreads(
          await readRecordsThreaded(await readable(measurementsPath), {
            threads: opts.threads ?? availableParallelism(),
            verify: !opts.trusted,
          }),
        )
  const admission = file.admission ? { admission: file.admission } : {}
  const ctx = { params: file.params, round: file.round, seeds, tasks: file.tasks, ...admission }
  let evaluation: ReturnType<typeof evaluateRound>
  try {
    const signatures = opts.trusted ? 'trusted' : 'checked'
    evaluation = evaluateRound(ctx, records, { signatures })
  } catch (err) {
    // a snapshot of another height than the round's
    if (err instanceof ProtocolError && err.code === 'ADMISSION_SNAPSHOT_INVALID')
      throw new CliError(`round file ${opts.round}: ${err.message}`)
    throw err
  }
  const built = buildRoundSummary(evaluation, {
    params: file.params,
    seeds,
    catalogueCid: file.catalogue,
    previous: file.previous,
    ...admission,
  })
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
