import { readFile } from 'node:fs/promises'
import { CliError, EXIT } from './cli-error.js'

/** Reads and parses a JSON file; a missing file or bad JSON becomes a CliError naming the file. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new CliError(
      `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path`,
      EXIT.failure,
    )
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new CliError(`${what} ${path} is not valid JSON: ${(err as Error).message}`)
  }
}
