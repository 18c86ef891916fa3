import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { IDENTITY_KEY_FILE, loadOrCreateIdentity, StoreError } from '@spark-swarm/node'
import { CliError, EXIT } from '../cli-error.js'

/**
 * `spark-swarm keygen`: creates the node's identity key in the data dir (mode 0600), or shows the
 * existing one. Never overwrites a key: a node's station id is its reputation.
 */
export async function runKeygen(opts: { dataDir: string; json?: boolean }, write: (line: string) => void): Promise<void> {
  const path = join(opts.dataDir, IDENTITY_KEY_FILE)
  const existed = await access(path).then(
    () => true,
    () => false,
  )
  let identity: Awaited<ReturnType<typeof loadOrCreateIdentity>>
  try {
    identity = await loadOrCreateIdentity(opts.dataDir, { warn: (message) => process.stderr.write(`spark-swarm: warning: ${message}\n`) })
  } catch (err) {
    if (err instanceof StoreError) throw new CliError(err.message, EXIT.failure)
    throw err
  }
  const out = { keyFile: path, created: !existed, peerId: identity.peerId, stationId: identity.stationKey.stationId }
  if (opts.json) write(JSON.stringify(out, null, 2))
  else {
    write(`${existed ? 'existing' : 'new'} key ${path}`)
    write(`peer id     ${out.peerId}`)
    write(`station id  ${out.stationId}`)
  }
}
