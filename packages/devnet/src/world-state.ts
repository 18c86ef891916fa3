import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** What an outside world keeps in its data dir so that a restart reproduces it. */
export interface WorldState {
  /** Seeds the providers' content and peer ids: same seed, same catalogue. */
  seed: string
  /** Unix ms of round 0 for the params the world hands out, fixed at the first run so nodes' params do not change on a restart. */
  genesisTime: number
}

export const WORLD_STATE_FILE = 'world.json'

/**
 * The world's state in `dataDir`, created on the first run (a random seed, round 0 at the next
 * whole second) and read back unchanged on every later one. A file that is not a state is an
 * error naming it, never silently replaced: that would change every CID and peer id.
 */
export async function loadWorldState(dataDir: string, now = Date.now()): Promise<WorldState> {
  const path = join(dataDir, WORLD_STATE_FILE)
  let text: string | undefined
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text !== undefined) return parseWorldState(text, path)
  const state: WorldState = { seed: randomBytes(16).toString('hex'), genesisTime: Math.ceil(now / 1000) * 1000 }
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  // written whole or not at all: a half-written state would give another world on the next run
  await writeFile(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`)
  await rename(`${path}.tmp`, path)
  return state
}

function parseWorldState(text: string, path: string): WorldState {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }
  const state = value as Partial<WorldState> | undefined
  if (typeof state?.seed !== 'string' || state.seed === '' || !Number.isSafeInteger(state.genesisTime)) {
    throw new Error(`${path} is not a devnet world state ({"seed", "genesisTime"}): move it away or pick another data dir`)
  }
  return { seed: state.seed, genesisTime: state.genesisTime as number }
}
