import { access, constants, stat } from 'node:fs/promises'
import { CliError, EXIT } from '../cli-error.js'

/** The path, once it is known to be readable; else the plain path's message for a file it cannot read. */
export async function readable(path: string): Promise<string> {
  try {
    await access(path, constants.R_OK)
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' })
    return path
  } catch (err) {
    throw new CliError(
      `cannot read measurements file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path`,
      EXIT.failure,
    )
  }
}
