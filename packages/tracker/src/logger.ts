/** Structured logging: a message and fields. The default logs nothing. */
export interface TrackerLogger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
}

const noop = () => {}
export const silentLogger: TrackerLogger = Object.freeze({ info: noop, warn: noop })
