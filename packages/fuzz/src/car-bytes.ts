import * as dagCbor from '@ipld/dag-cbor'
import { varint } from 'multiformats'
import type { CID } from 'multiformats/cid'
import { concatBytes } from './mutate-bytes.js'

function lengthPrefix(n: number): Uint8Array {
  return varint.encodeTo(n, new Uint8Array(varint.encodingLength(n)))
}

/**
 * CARv1 bytes, written synchronously so that arbitraries can build them: the header
 * `{roots, version: 1}` and one `varint ‖ CID ‖ bytes` section per block. Nothing is checked, so
 * blocks need not hash to their CIDs.
 */
export function carBytes(roots: readonly CID[], blocks: ReadonlyArray<{ cid: CID; bytes: Uint8Array }>): Uint8Array {
  const header = dagCbor.encode({ roots: [...roots], version: 1 })
  const parts = [lengthPrefix(header.length), header]
  for (const b of blocks) parts.push(lengthPrefix(b.cid.bytes.length + b.bytes.length), b.cid.bytes, b.bytes)
  return concatBytes(...parts)
}
