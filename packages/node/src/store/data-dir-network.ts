import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type ProtocolParams, paramsDigest } from '@spark-swarm/protocol'
import { StoreError, writeError } from './errors.js'
import { syncDir } from './sync-dir.js'

/** The file in a data dir that names the one network whose rounds it holds. */
export const DATA_DIR_NETWORK_FILE = 'data-dir-network.json'

/**
 * The network a data dir belongs to. Its identity is the network's name and genesis: rounds are
 * numbered from the genesis, so two networks in one dir would mix their rounds (and `export` picked
 * the other's). The params digest is the last one the node ran on: a network's own tracker may
 * change its params, which is still the same network.
 */
export interface DataDirNetwork {
  network: string
  genesisTime: number
  paramsDigest: string
}

export async function readDataDirNetwork(dataDir: string): Promise<DataDirNetwork | undefined> {
  const path = join(dataDir, DATA_DIR_NETWORK_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw writeError(err, path, 'the data dir network file')
  }
  try {
    const value = JSON.parse(text) as DataDirNetwork
    if (typeof value.network !== 'string' || typeof value.genesisTime !== 'number' || typeof value.paramsDigest !== 'string')
      throw new Error('missing network, genesisTime or paramsDigest')
    return value
  } catch (err) {
    throw new StoreError(
      'DATA_DIR_OTHER_NETWORK',
      path,
      `${path} is damaged (${(err as Error).message}): restore it or use another data dir`,
    )
  }
}

/**
 * Binds the data dir to the network of `params` on its first start, and refuses a data dir that
 * belongs to another network (DATA_DIR_OTHER_NETWORK), naming both: one data dir per network.
 */
export async function claimDataDirNetwork(dataDir: string, params: ProtocolParams): Promise<DataDirNetwork> {
  const claim: DataDirNetwork = { network: params.network, genesisTime: params.genesisTime, paramsDigest: paramsDigest(params) }
  const held = await readDataDirNetwork(dataDir)
  if (held && (held.network !== claim.network || held.genesisTime !== claim.genesisTime)) {
    throw new StoreError(
      'DATA_DIR_OTHER_NETWORK',
      dataDir,
      `the data dir ${dataDir} belongs to network ${describe(held)}, not ${describe(claim)}: ` +
        'use another --data-dir for this network (a data dir holds one network)',
    )
  }
  if (held?.paramsDigest === claim.paramsDigest) return held
  const path = join(dataDir, DATA_DIR_NETWORK_FILE)
  try {
    await writeFile(`${path}.tmp`, `${JSON.stringify(claim, null, 2)}\n`, { mode: 0o600 })
    await rename(`${path}.tmp`, path)
    await syncDir(dataDir)
  } catch (err) {
    throw writeError(err, path, 'the data dir network file')
  }
  return claim
}

function describe(n: DataDirNetwork): string {
  return `"${n.network}" (genesis ${new Date(n.genesisTime).toISOString()}, params ${n.paramsDigest.slice(0, 12)}…)`
}
