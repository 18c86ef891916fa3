import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildRoundSummary,
  deriveRoundSeeds,
  devnet,
  evaluateRound,
  localBeaconRandomness,
  measurementRecord,
  measurementToJson,
  type RetrievalTask,
  retrievalResultOf,
  type SignedMeasurement,
  sha256,
  signMeasurement,
  stationKeyFromSeed,
  TaskSelector,
} from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../../test/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'spark-swarm-cli-'))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('spark-swarm evaluate (our format)', () => {
  const round = 9
  const randomness = localBeaconRandomness((devnet.randomness as { genesisSeed: string }).genesisSeed, round)
  const seeds = deriveRoundSeeds(round, randomness)
  const tasks: RetrievalTask[] = Array.from({ length: 6 }, (_, i) => ({ cid: `bafycli${i}`, minerId: i % 2 ? 'f01' : 'f02' }))
  const selector = new TaskSelector(tasks, seeds.nodeSelection)
  const signed: SignedMeasurement[] = Array.from({ length: 12 }, (_, i) => stationKeyFromSeed(sha256(`cli ${i}`))).flatMap((key, i) =>
    selector.pick(key.stationId, devnet.maxTasksPerNode).map((task) => {
      const m = {
        protocolVersion: 1,
        network: 'devnet',
        round,
        task,
        stationId: key.stationId,
        inetGroup: `10.1.${i}.0/24`,
        checkerVersion: '0.1.0',
        indexerResult: 'OK',
        protocol: 'http',
        providerId: 'peer',
        providerAddress: '/ip4/127.0.0.1/tcp/1/http',
        statusCode: task.minerId === 'f01' ? 200 : 504,
        headStatusCode: task.minerId === 'f01' ? 200 : null,
        timeout: false,
        carTooLarge: false,
        byteLength: 10,
        carChecksum: null,
        startAt: 1,
        firstByteAt: 2,
        endAt: 3,
        retrievalResult: '',
      }
      m.retrievalResult = retrievalResultOf(m)
      return signMeasurement(m, key)
    }),
  )
  const roundPath = file('round.json', JSON.stringify({ preset: 'devnet', round, randomness, tasks }))
  const ndjson = `${signed.map((m) => JSON.stringify(measurementToJson(m))).join('\n')}\nnot json\n{"round": 1}\n`
  const measurementsPath = file('measurements.ndjson', ndjson)

  it('evaluates signed measurements and prints the summary CID every node would anchor', async () => {
    const { code, stdout, stderr } = await runCli(['evaluate', '--round', roundPath, measurementsPath])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const out = JSON.parse(stdout)
    const evaluation = evaluateRound({ params: devnet, round, seeds, tasks }, signed.map(measurementRecord))
    const expected = buildRoundSummary(evaluation, { params: devnet, seeds, catalogueCid: null, previous: null })
    expect(out.summaryCid).toBe(expected.root.cid.toString())
    expect(out.measurements).toHaveLength(signed.length)
    expect(out.providers.f01.perRequest.rate).toBe(1)
    expect(out.providers.f02.perRequest.rate).toBe(0)
    // the two bad lines are reported with their line numbers, the rest is evaluated
    expect(out.dropped.map((d: { line: number }) => d.line)).toEqual([signed.length + 1, signed.length + 2])
  })

  it('gives on threads the answer it gives reading stdin, forged signatures and bad lines included', async () => {
    const lines = signed.map((m, i) => {
      const json = measurementToJson(m) as unknown as Record<string, unknown>
      // every fifth: a signature byte flipped; every seventh: a field changed after signing
      if (i % 5 === 0) json.signature = `${(json.signature as string).slice(0, -2)}00`
      if (i % 7 === 0) json.byteLength = 11
      return JSON.stringify(json)
    })
    const text = `${lines.slice(0, 20).join('\r\n')}\n\nnot json\n${lines.slice(20).join('\n')}\n{"round": 1}\n`
    const path = file('forged.ndjson', text)
    for (const extra of [[], ['--trusted']]) {
      const plain = await runCli(['evaluate', '--round', roundPath, ...extra, '-'], { input: text })
      const threaded = await runCli(['evaluate', '--round', roundPath, ...extra, '--threads', '3', path])
      expect([threaded.code, threaded.stderr]).toEqual([0, ''])
      expect(threaded.stdout).toBe(plain.stdout)
      const labels = JSON.parse(threaded.stdout).measurements.map((m: { taskingEvaluation: string }) => m.taskingEvaluation)
      const forged = signed.filter((_, i) => i % 5 === 0 || i % 7 === 0).length
      expect(labels.filter((l: string) => l === 'INVALID_SIGNATURE').length).toBe(extra.length === 0 ? forged : 0)
    }
  })

  it('reads measurements from stdin with "-"', async () => {
    const { code, stdout } = await runCli(['evaluate', '--round', roundPath, '-'], { input: ndjson })
    expect(code).toBe(0)
    expect(JSON.parse(stdout).measurements).toHaveLength(signed.length)
  })

  it('rejects a broken round file with exit code 2, naming the field', async () => {
    const bad = file('bad-round.json', JSON.stringify({ preset: 'devnet', round: 9, randomness: 'xyz', tasks }))
    const { code, stderr } = await runCli(['evaluate', '--round', bad, measurementsPath])
    expect(code).toBe(2)
    expect(stderr).toMatch(/"randomness" must be/)
  })

  it('says which file cannot be read, with exit code 1', async () => {
    const { code, stderr } = await runCli(['evaluate', '--round', roundPath, join(dir, 'missing.ndjson')])
    expect(code).toBe(1)
    expect(stderr).toMatch(/cannot read measurements file .*missing\.ndjson: ENOENT/)
  })

  it('requires --round', async () => {
    const { code, stderr } = await runCli(['evaluate', measurementsPath])
    expect(code).toBe(2)
    expect(stderr).toMatch(/--round/)
  })
})

describe('spark-swarm evaluate, a version-2 round', () => {
  // protocol version 2's known answers (spec §11.6): the round file names the admission snapshot
  const v = JSON.parse(readFileSync(new URL('../../../test/vectors/protocol/v2.json', import.meta.url), 'utf8'))
  const round = { preset: 'devnet', params: v.params, round: v.round, randomness: v.beacon, tasks: v.tasks }
  const measurements = file('v2.ndjson', `${v.measurements.map((m: { json: unknown }) => JSON.stringify(m.json)).join('\n')}\n`)

  it('evaluates with the snapshot and prints the version-2 summary CID of the vectors', async () => {
    const path = file('v2-round.json', JSON.stringify({ ...round, admission: v.snapshot }))
    const { code, stdout, stderr } = await runCli(['evaluate', '--round', path, measurements])
    expect([code, stderr]).toEqual([0, ''])
    const out = JSON.parse(stdout)
    expect(out.summaryCid).toBe(v.summary.root)
    expect(out.committees).toHaveLength(v.expected.committees.length)
  })

  it('refuses a version-2 round file without its snapshot, or with one of another height, naming what to give', async () => {
    const without = await runCli(['evaluate', '--round', file('v2-none.json', JSON.stringify(round)), measurements])
    expect([without.code, without.stderr]).toEqual([2, expect.stringMatching(/needs "admission": \{"height", "eligible"/)])
    const moved = file('v2-moved.json', JSON.stringify({ ...round, admission: { ...v.snapshot, height: v.snapshot.height - 1 } }))
    const other = await runCli(['evaluate', '--round', moved, measurements])
    expect([other.code, other.stderr]).toEqual([2, expect.stringMatching(/eligibility height is \d+, the snapshot is of height \d+/)])
  })
})

describe('spark-swarm evaluate --spark-compat', () => {
  const sparkRound = file(
    'spark-round.json',
    JSON.stringify({ roundIndex: 1, randomness: 'ab'.repeat(32), maxTasksPerNode: 15, tasks: [{ cid: 'bafya', minerId: 'f01' }] }),
  )
  const sparkLine = (id: number, group: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      id,
      participant_address: '0x000000000000000000000000000000000000dEaD',
      station_id: `88${'0'.repeat(86)}`,
      inet_group: group,
      finished_at: '2024-01-01T00:00:00.000Z',
      cid: 'bafya',
      miner_id: 'f01',
      provider_id: 'p',
      provider_address: '/dns/x/tcp/443/https',
      protocol: 'http',
      indexer_result: 'OK',
      status_code: 200,
      head_status_code: 200,
      byte_length: 5,
      car_checksum: 'c',
      start_at: '2024-01-01T00:00:00.000Z',
      first_byte_at: '2024-01-01T00:00:00.100Z',
      end_at: '2024-01-01T00:00:00.200Z',
      ...extra,
    })

  it('evaluates with a custom committee size and adds the three scores with --summary', async () => {
    const path = file('spark.ndjson', [sparkLine(1, 'a'), sparkLine(2, 'b'), sparkLine(3, 'c', { status_code: 502 }), '{oops'].join('\n'))
    const { code, stdout } = await runCli([
      'evaluate',
      '--spark-compat',
      '--summary',
      '--min-committee-size',
      '3',
      '--round',
      sparkRound,
      path,
    ])
    expect(code).toBe(0)
    const out = JSON.parse(stdout)
    expect(out.committees).toEqual([
      {
        cid: 'bafya',
        minerId: 'f01',
        size: 3,
        indexMajorityFound: true,
        indexerResult: 'OK',
        retrievalMajorityFound: true,
        retrievalResult: 'OK',
      },
    ])
    expect(out.measurements.map((m: { consensusEvaluation: string }) => m.consensusEvaluation)).toEqual([
      'MAJORITY_RESULT',
      'MAJORITY_RESULT',
      'MINORITY_RESULT',
    ])
    expect(out.dropped).toEqual([{ id: 4, reason: expect.stringMatching(/line 4: not valid JSON/) }])
    expect(out.providers.f01).toEqual({ total: 3, successful: 2, successfulHttp: 2, successfulHttpHead: 2 })
    expect(out.scores.f01.perRequest).toMatchObject({ successes: 2, total: 3 })
    expect(out.scores.f01.committee).toMatchObject({ successes: 1, total: 1 })
  })

  it("reads Spark's old format: one line holding a JSON array", async () => {
    const path = file('spark-array.ndjson', `[${sparkLine(1, 'a')},${sparkLine(2, 'b')}]\n`)
    const { code, stdout } = await runCli(['evaluate', '--spark-compat', '--round', sparkRound, path])
    expect(code).toBe(0)
    const out = JSON.parse(stdout)
    expect(out.measurements.map((m: { id: number }) => m.id)).toEqual([1, 2])
    // below Spark's required 30 members
    expect(out.committees[0].retrievalResult).toBe('COMMITTEE_TOO_SMALL')
  })

  it('rejects a round file without tasks', async () => {
    const bad = file('spark-bad.json', JSON.stringify({ roundIndex: 1, randomness: 'ab'.repeat(32), maxTasksPerNode: 15 }))
    const { code, stderr } = await runCli(['evaluate', '--spark-compat', '--round', bad, '-'], { input: '' })
    expect(code).toBe(2)
    expect(stderr).toMatch(/"tasks" must be a list/)
  })
})
