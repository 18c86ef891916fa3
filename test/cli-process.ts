import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { BIN } from './cli.js'

/** A long-running `spark-swarm` command (start, tracker, devnet): its output lines, and a way to wait for one. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  const stderr: string[] = []
  const waiters: Array<() => void> = []
  createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
    lines.push(line)
    for (const w of waiters.splice(0)) w()
  })
  createInterface({ input: child.stderr as NonNullable<ChildProcess['stderr']> }).on('line', (line) => stderr.push(line))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    lines,
    stderr,
    exited,
    waitForLine(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} in ${timeoutMs} ms; got:\n${lines.join('\n')}\n${stderr.join('\n')}`)),
          timeoutMs,
        )
        const check = () => {
          for (const line of lines) {
            const m = line.match(pattern)
            if (m) {
              clearTimeout(timer)
              return resolve(m)
            }
          }
          waiters.push(check)
        }
        check()
      })
    },
    async stop(): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}

export type CliProcess = ReturnType<typeof spawnCli>

/** A node's JSON log lines (pino, on stderr); other lines are skipped. */
export function jsonLogs(cli: Pick<CliProcess, 'stderr'>): Array<{ level: number; msg: string; [key: string]: unknown }> {
  return cli.stderr.flatMap((line) => {
    try {
      return [JSON.parse(line)]
    } catch {
      return []
    }
  })
}

/**
 * Waits (bounded) until `pred` gives a value other than undefined or false, polling every 100 ms
 * what the processes said and serve; on timeout the error quotes the processes' last lines.
 */
export async function untilFrom<T>(
  processes: readonly CliProcess[],
  what: string,
  pred: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await pred()
    if (value !== undefined && value !== false) return value
    if (Date.now() > end) {
      const said = processes
        .map((p) => [...p.lines.slice(-6), ...p.stderr.filter((l) => !l.includes('measurement published')).slice(-20)].join('\n'))
        .join('\n---\n')
      throw new Error(`timed out waiting for ${what}; the processes said last:\n${said}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
