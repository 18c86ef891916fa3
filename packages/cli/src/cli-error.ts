/** Exit codes the CLI documents: 0 success, 1 runtime failure (I/O), 2 bad usage or bad input. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

/** An error meant for the person at the terminal: what was wrong and what to do. */
export class CliError extends Error {
  override readonly name = 'CliError'
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message)
  }
}
