import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TaskSelector } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../../test/cli.js'
import { prng } from '../../../test/helpers/prng.js'

/*
 * `evaluate --spark-compat` reads a file on threads and stdin line by line: the two must print
 * the same bytes. Generated rounds with everything the plain path treats specially: lines it drops,
 * lines that are not JSON, blank and CRLF lines, missing and odd ids, repeated and invalid addresses.
 */

const dir = mkdtempSync(join(tmpdir(), 'spark-swarm-threads-'))

const RANDOMNESS = 'ab'.repeat(32)
const TASKS = Array.from({ length: 12 }, (_, i) => ({ cid: `bafytask${i}`, minerId: `f0${1000 + (i % 4)}` }))
const ADDRESSES = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
  'f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa',
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD',
  'f1abcdefghijklmnop',
]

function roundFile(): string {
  const path = join(dir, 'round.json')
  writeFileSync(path, JSON.stringify({ roundIndex: 7, randomness: RANDOMNESS, maxTasksPerNode: 3, tasks: TASKS }))
  return path
}

function generatedLines(seed: number, stations: number): string[] {
  const rand = prng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T
  const selector = new TaskSelector(TASKS, RANDOMNESS)
  const lines: string[] = []
  for (let s = 0; s < stations; s++) {
    const stationId = (s * 7919).toString(16).padStart(88, '0')
    const group = `g${Math.floor(rand() * stations * 0.4)}`
    const own = selector.pick(stationId, 3)
    for (const task of own) {
      const t = rand() < 0.05 ? pick(TASKS) : rand() < 0.02 ? { cid: 'bafynot', minerId: 'f099' } : task
      const ok = rand() < 0.7
      const line: Record<string, unknown> = {
        participant_address: pick(ADDRESSES),
        station_id: stationId,
        inet_group: group,
        finished_at: `2024-01-01T00:0${Math.floor(rand() * 10)}:00.${String(Math.floor(rand() * 1000)).padStart(3, '0')}Z`,
        cid: t.cid,
        miner_id: t.minerId,
        provider_id: pick(['p1', 'p1', 'p2']),
        provider_address: '/dns/x/tcp/443/https',
        protocol: pick(['http', 'http', 'graphsync']),
        indexer_result: pick(['OK', 'OK', 'OK', 'HTTP_NOT_ADVERTISED', 'ERROR_503', 'NO_VALID_ADVERTISEMENT']),
        status_code: ok ? 200 : pick([502, 404, 802, 904]),
        head_status_code: pick([200, 200, 404, null]),
        timeout: rand() < 0.05,
        car_too_large: false,
        byte_length: pick([5, 5, 0, null]),
        car_checksum: pick(['c', 'c', null]),
        start_at: '2024-01-01T00:00:00.000Z',
        first_byte_at: '2024-01-01T00:00:00.100Z',
        end_at: pick(['2024-01-01T00:00:00.200Z', '2024-01-01T00:00:00.200Z', null, '2024-02-30T00:00:00.000Z']),
        spark_version: '1.15.0',
      }
      const r = rand()
      if (r < 0.3) line.id = lines.length + 1
      else if (r < 0.32) line.id = null
      else if (r < 0.34) line.id = { nested: [lines.length] }
      lines.push(JSON.stringify(line))
      if (rand() < 0.01) lines.push(JSON.stringify(line))
      if (rand() < 0.01) lines.push(rand() < 0.5 ? '{not json' : '')
      if (rand() < 0.005) lines.push('"a string"')
      // ids JSON.stringify does not print as they read: 1e999 is Infinity (printed null), -0 prints 0
      if (rand() < 0.01) lines.push(JSON.stringify({ ...line, id: undefined }).replace(/^\{/, rand() < 0.5 ? '{"id":1e999,' : '{"id":-0,'))
    }
  }
  return lines
}

async function bothWays(text: string, extra: string[] = []) {
  const path = join(dir, `m-${Math.random().toString(36).slice(2)}.ndjson`)
  writeFileSync(path, text)
  const args = ['evaluate', '--spark-compat', '--min-committee-size', '2', '--round', roundFile(), ...extra]
  const plain = await runCli([...args, '-'], { input: text })
  const threaded = await runCli([...args, '--threads', '3', path])
  return { plain, threaded }
}

describe('evaluate --spark-compat on threads', () => {
  it('prints the bytes the plain path prints, for generated rounds', async () => {
    for (const seed of [1, 2, 3]) {
      const lines = generatedLines(seed, 300)
      // CRLF line ends on some lines, and a file without a final newline
      const text = lines.map((l, i) => (i % 17 === 0 ? `${l}\r\n` : `${l}\n`)).join('') + lines[0]
      const { plain, threaded } = await bothWays(text, seed === 2 ? ['--summary'] : [])
      expect(plain.code).toBe(0)
      expect(threaded.code).toBe(0)
      const out = JSON.parse(plain.stdout)
      // the round is a real one: committees, drops and every tasking verdict
      expect(out.committees.length).toBeGreaterThan(5)
      expect(out.dropped.length).toBeGreaterThan(10)
      expect(new Set(out.measurements.map((m: { taskingEvaluation: string }) => m.taskingEvaluation)).size).toBeGreaterThan(2)
      expect(threaded.stdout).toBe(plain.stdout)
    }
  })

  it('prints the bytes the plain path prints when the part of a thread spans several output chunks', async () => {
    // 3 threads over ≈ 31,000 measurements: each prints more than one chunk of 8,192 measurements
    const text = `${generatedLines(4, 20_000).join('\n')}\n`
    const { plain, threaded } = await bothWays(text)
    expect(plain.code).toBe(0)
    expect(JSON.parse(plain.stdout).measurements.length).toBeGreaterThan(3 * 8192)
    expect(threaded.stdout).toBe(plain.stdout)
  })

  it('indents the same document with --pretty', async () => {
    const { plain, threaded } = await bothWays(`${generatedLines(4, 40).join('\n')}\n`, ['--pretty'])
    expect(threaded.stdout).toBe(plain.stdout)
  })

  it('reads a file with a lone carriage return the plain way, with the same line numbers', async () => {
    const lines = generatedLines(5, 20)
    const text = `${lines.slice(0, 10).join('\n')}\r${lines.slice(10).join('\n')}\n`
    const { plain, threaded } = await bothWays(text)
    expect(threaded.stdout).toBe(plain.stdout)
  })

  it('gives an empty file and a file of blank lines the plain answer', async () => {
    for (const text of ['', '\n\n  \n']) {
      const { plain, threaded } = await bothWays(text)
      expect([threaded.code, threaded.stdout]).toEqual([0, plain.stdout])
    }
  })

  it('says which file it cannot read', async () => {
    const { code, stderr } = await runCli(['evaluate', '--spark-compat', '--round', roundFile(), join(dir, 'missing.ndjson')])
    expect(code).toBe(1)
    expect(stderr).toMatch(/cannot read measurements file .*missing\.ndjson: ENOENT; check the path/)
  })
})
