/** The levels `--log-level` takes: apart from the logger, so that parsing options does not load pino. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
