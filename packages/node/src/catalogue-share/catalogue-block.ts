import { type Catalogue, cidOfDagCbor, decodeCatalogue } from '@spark-swarm/protocol'
import { CatalogueFetchError } from './errors.js'

/**
 * The catalogue in `bytes`, if they are the block `cid` names (spec §1.3): hashed here whatever
 * checked them before (bitswap hashes what it receives too, but a blockstore hands back what it
 * holds), so no source is trusted to choose the catalogue, only to carry it.
 */
export function catalogueFromBlock(cid: string, bytes: Uint8Array): Catalogue {
  const got = cidOfDagCbor(bytes).toString()
  if (got !== cid) {
    throw new CatalogueFetchError('CATALOGUE_HASH_MISMATCH', `the block a peer gave hashes to ${got}, not to ${cid} as the params say`)
  }
  try {
    return decodeCatalogue(bytes)
  } catch (err) {
    throw new CatalogueFetchError('CATALOGUE_NOT_A_CATALOGUE', `block ${cid} is not a catalogue: ${(err as Error).message}`, { cause: err })
  }
}
