import { CatalogueFetchError, catalogueFromBlock } from '@spark-swarm/node'
import { cidOfDagCbor, encodeCatalogue } from '@spark-swarm/protocol'
import * as fc from 'fast-check'
import { cborInputs } from '../inputs.js'
import { roundFixture } from '../round-fixture.js'
import { codeWhenInstance, type FuzzTarget, invariant } from '../target.js'

type PeerBlock = { bytes: Uint8Array; cidOfBytes: boolean }

/**
 * `catalogueFromBlock`: the catalogue block a peer sends when the tracker does not (spec §1.3),
 * checked against the params' CID. Asked under the CID of the original block (what a lying peer
 * faces) or of the bytes themselves (so that mutated blocks get past the hash into decoding).
 */
export function peerCatalogueTarget(): FuzzTarget<PeerBlock> {
  const valid = encodeCatalogue(roundFixture().catalogue)
  const validCid = cidOfDagCbor(valid).toString()
  return {
    name: 'catalogue blocks from peers',
    arbitrary: fc.record({ bytes: cborInputs([valid]), cidOfBytes: fc.boolean() }),
    run({ bytes, cidOfBytes }) {
      const cid = cidOfBytes ? cidOfDagCbor(bytes).toString() : validCid
      const catalogue = catalogueFromBlock(cid, bytes)
      // whatever is taken is exactly the block the CID names
      invariant(cidOfDagCbor(encodeCatalogue(catalogue)).toString() === cid, 'a catalogue taken that does not re-encode to its CID')
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, CatalogueFetchError),
    codes: ['CATALOGUE_HASH_MISMATCH', 'CATALOGUE_NOT_A_CATALOGUE'],
  }
}
