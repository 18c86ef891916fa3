import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

// A checker node in its own process (test/fixtures/run-node.mjs), for tests that kill one with
// SIGKILL: its config goes in as JSON, its events come back as JSON lines.
const SCRIPT = fileURLToPath(new URL('./fixtures/run-node.mjs', import.meta.url))

export type Line = { event: string; [key: string]: unknown }

export function startChild(config: unknown) {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines: Line[] = []
  const waiters: Array<() => void> = []
  createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (text) => {
    lines.push(JSON.parse(text))
    for (const w of waiters.splice(0)) w()
  })
  const waitFor = (pred: (l: Line) => boolean, timeoutMs: number) =>
    new Promise<Line>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('child did not report in time')), timeoutMs)
      const check = () => {
        const hit = lines.find(pred)
        if (hit) {
          clearTimeout(timer)
          resolve(hit)
        } else waiters.push(check)
      }
      check()
    })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return { child, lines, waitFor, exited }
}

/** SIGKILLs every child still running: for afterAll, whatever the test got to. */
export function killAll(children: readonly ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
}
