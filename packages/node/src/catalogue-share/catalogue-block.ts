import { type Catalogue, cidOfDagCbor, decodeCatalogue, encodeCatalogue } from '@spark-swarm/protocol'
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
  let catalogue: Catalogue
  try {
    catalogue = decodeCatalogue(bytes)
  } catch (err) {
    throw new CatalogueFetchError('CATALOGUE_NOT_A_CATALOGUE', `block ${cid} is not a catalogue: ${(err as Error).message}`, { cause: err })
  }
  // decoding drops unknown fields and accepts other CBOR spellings: a block that does not re-encode
  // to itself would run as a catalogue of another CID, which the node then refuses to start on
  if (!Buffer.from(encodeCatalogue(catalogue)).equals(bytes)) {
    throw new CatalogueFetchError('CATALOGUE_NOT_A_CATALOGUE', `block ${cid} is not a catalogue in its one encoding (spec §3.2)`)
  }
  return catalogue
}
