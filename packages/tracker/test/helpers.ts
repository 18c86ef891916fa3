import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type StartTrackerOptions, startTracker, type Tracker, type TrackerLogger } from '../src/index.js'

export const PEER = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

export interface Fixture {
  dir: string
  configPath: string
  write(config: unknown): Promise<void>
  /** Writes through a temp file and rename, as careful tools do. */
  writeAtomic(config: unknown): Promise<void>
  start(options?: Partial<StartTrackerOptions>): Promise<Tracker>
  cleanup(): Promise<void>
}

export async function fixture(config: unknown = { preset: 'devnet', bootstrap: [PEER], minCheckerVersion: '1.2.0' }): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'tracker-test-'))
  const configPath = join(dir, 'tracker.json')
  const trackers: Tracker[] = []
  const text = (c: unknown) => (typeof c === 'string' ? c : JSON.stringify(c, null, 2))
  await writeFile(configPath, text(config))
  let n = 0
  return {
    dir,
    configPath,
    write: (c) => writeFile(configPath, text(c)),
    writeAtomic: async (c) => {
      const tmp = join(dir, `.tracker.json.${n++}.tmp`)
      await writeFile(tmp, text(c))
      await rename(tmp, configPath)
    },
    start: async (options = {}) => {
      const tracker = await startTracker({ configPath, ...options })
      trackers.push(tracker)
      return tracker
    },
    cleanup: async () => {
      await Promise.all(trackers.map((t) => t.stop()))
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export function recordingLogger(): TrackerLogger & { lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = []
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
  }
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export async function gate(url: string, version?: string): Promise<{ status: number; body: string; contentType: string | null }> {
  const headers: Record<string, string> = version === undefined ? {} : { 'x-spark-swarm-version': version }
  const res = await fetch(`${url}/v1/gate`, { headers })
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') }
}
