import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The built `spark-swarm` binary, as `npm install` leaves it. */
export const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url))

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the CLI with a time limit; never throws for a non-zero exit. */
export function runCli(args: string[], { input, timeoutMs = 60_000 }: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: timeoutMs, maxBuffer: 512 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
    if (input !== undefined) child.stdin?.end(input)
    else child.stdin?.end()
  })
}
