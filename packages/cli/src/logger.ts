import type { Logger } from '@spark-swarm/node'
import pino from 'pino'
import type { LogLevel } from './log-levels.js'

/** Structured JSON logs on stderr (stdout stays for the command's output), behind the node's Logger interface. */
export function createLogger(level: LogLevel): Logger & { pino: pino.Logger } {
  const log = pino({ level, base: { name: 'spark-swarm' } }, pino.destination(2))
  return {
    pino: log,
    debug: (message, fields) => log.debug(fields ?? {}, message),
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  }
}
