import { startTracker } from '@spark-swarm/tracker'
import { CliError } from '../cli-error.js'
import type { LogLevel } from '../log-levels.js'
import { createLogger } from '../logger.js'

/** `spark-swarm tracker`: the network's tracker (params, bootstrap list, version gate) until SIGINT/SIGTERM. */
export async function runTracker(opts: { config: string; host: string; port: number; logLevel: LogLevel }, write: (line: string) => void) {
  const log = createLogger(opts.logLevel)
  let tracker: Awaited<ReturnType<typeof startTracker>>
  try {
    tracker = await startTracker({ configPath: opts.config, host: opts.host, port: opts.port, logger: log })
  } catch (err) {
    throw new CliError((err as Error).message)
  }
  write(`spark-swarm tracker on ${tracker.url} (config ${opts.config}, reloaded on change)`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await tracker.stop()
  write('stopped')
}
