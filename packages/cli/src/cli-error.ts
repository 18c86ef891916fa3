/** Exit codes the CLI documents: 0 success, 1 runtime failure (I/O), 2 bad usage or bad input. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

/**
 * An error meant for the person at the terminal: what was wrong and what to do. `code` is for
 * scripts and tests; by default it follows the exit code (CLI_BAD_INPUT for 2, CLI_FAILURE for 1).
 */
export class CliError extends Error {
  override readonly name = 'CliError'
  readonly code: string

  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    code?: string,
  ) {
    super(message)
    this.code = code ?? (exitCode === EXIT.usage ? 'CLI_BAD_INPUT' : exitCode === EXIT.failure ? 'CLI_FAILURE' : `CLI_EXIT_${exitCode}`)
  }
}

/** A setting in a config file, variable or flag is wrong (exit 2). */
export const CONFIG_INVALID = 'CONFIG_INVALID'

/**
 * The line an operator sees: the message, ending in its code in brackets as docs/operators.md
 * promises (a message that already names its code keeps it).
 */
export function cliErrorLine(err: CliError): string {
  return /\[[A-Z0-9_]+\]$/.test(err.message) ? err.message : `${err.message} [${err.code}]`
}
