import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fromHex, PARTICIPANT_PATTERN, type StationBinding, toHex, verifyBinding } from '@spark-swarm/protocol'
import { StoreError, writeError } from '../store/errors.js'
import { syncDir } from '../store/sync-dir.js'

/*
 * The station binding a node checks with on a version-2 network (spec §13.2): which participant
 * it checks for, signed by that participant's wallet. Kept in the data dir next to the station
 * key it names; checked when written and when read, so a node never gossips a binding its peers
 * would refuse (BINDING_INVALID).
 */

export const BINDING_FILE = 'participant-binding.json'

export interface SavedBinding {
  binding: StationBinding
  /** 65 bytes, `r ‖ s ‖ v`. */
  signature: Uint8Array
}

/** Why a binding cannot be used by this station, or undefined when it can. */
export function bindingProblem(saved: SavedBinding, stationId: string): string | undefined {
  const { binding } = saved
  if (!PARTICIPANT_PATTERN.test(binding.participant)) return `participant ${binding.participant} is not 0x and 40 lowercase hex digits`
  if (binding.stationId !== stationId)
    return `it binds station ${binding.stationId.slice(0, 32)}…, not this node's ${stationId.slice(0, 32)}…`
  if (!verifyBinding(binding, saved.signature)) {
    return `the signature is not ${binding.participant}'s over the binding text: sign exactly the text \`spark-swarm bind\` prints, with that wallet`
  }
  return undefined
}

/** Checks and stores the binding (atomically, mode 0600); throws StoreError BINDING_INVALID naming the problem. */
export async function saveBinding(dataDir: string, saved: SavedBinding, stationId: string): Promise<string> {
  const path = join(dataDir, BINDING_FILE)
  const problem = bindingProblem(saved, stationId)
  if (problem) throw new StoreError('BINDING_INVALID', path, `the station binding is not usable: ${problem}`)
  const body = `${JSON.stringify({ version: 1, binding: saved.binding, signature: toHex(saved.signature) }, null, 2)}\n`
  try {
    await writeFile(`${path}.tmp`, body, { mode: 0o600 })
    await rename(`${path}.tmp`, path)
    await syncDir(dataDir)
  } catch (err) {
    throw writeError(err, path, 'the station binding')
  }
  return path
}

/** The stored binding, checked against this station; undefined when there is none. */
export async function readBinding(dataDir: string, stationId: string): Promise<SavedBinding | undefined> {
  const path = join(dataDir, BINDING_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw writeError(err, path, 'the station binding')
  }
  let saved: SavedBinding
  try {
    const file = JSON.parse(text) as { binding: StationBinding; signature: string }
    if (typeof file.signature !== 'string' || !/^[0-9a-f]{130}$/.test(file.signature)) throw new Error('signature is not 130 hex digits')
    const b = file.binding
    if (
      typeof b?.network !== 'string' ||
      typeof b.participant !== 'string' ||
      typeof b.stationId !== 'string' ||
      !Number.isSafeInteger(b.fromRound)
    )
      throw new Error('binding lacks network, participant, stationId or fromRound')
    saved = {
      binding: { network: b.network, participant: b.participant, stationId: b.stationId, fromRound: b.fromRound },
      signature: fromHex(file.signature),
    }
  } catch (err) {
    throw new StoreError('BINDING_INVALID', path, `${path} is damaged (${(err as Error).message}): bind again with \`spark-swarm bind\``)
  }
  const problem = bindingProblem(saved, stationId)
  if (problem) throw new StoreError('BINDING_INVALID', path, `${path} is not usable: ${problem}; bind again with \`spark-swarm bind\``)
  return saved
}
