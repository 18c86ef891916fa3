import * as dagCbor from '@ipld/dag-cbor'
import { varint } from 'multiformats'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { concat } from './car.js'
import { randomBytes } from './random-bytes.js'

/** Multicodec codes of the transports IPNI metadata starts with. */
export const IPNI_PROTOCOLS = {
  http: 0x0920, // transport-ipfs-gateway-http
  bitswap: 0x0900, // transport-bitswap
  graphsync: 0x0910, // transport-graphsync-filecoinv1
} as const

export type IpniProtocol = keyof typeof IPNI_PROTOCOLS

/** One provider record for one CID: cid.contact's `ProviderResult`, before base64. */
export interface ProviderRecord {
  peerId: string
  addrs: string[]
  protocol: IpniProtocol
  contextId?: Uint8Array
  /** The whole Metadata field; derived from `protocol` when omitted. Set it to test odd metadata. */
  metadata?: Uint8Array
}

export interface ProviderResultJson {
  ContextID: string
  Metadata: string
  Provider: { ID: string; Addrs: string[] }
}

/**
 * `varint(code) ‖ payload`, as index-provider encodes it. HTTP and bitswap carry no payload (on
 * cid.contact they read "oBI=" and "gBI="); graphsync-filecoinv1 carries a DAG-CBOR
 * `{PieceCID, VerifiedDeal, FastRetrieval}`.
 */
export function encodeMetadata(protocol: IpniProtocol, pieceSeed = ''): Uint8Array {
  const code = IPNI_PROTOCOLS[protocol]
  const prefix = varint.encodeTo(code, new Uint8Array(varint.encodingLength(code)))
  if (protocol !== 'graphsync') return prefix
  // A piece CID in the fil-commitment-unsealed / sha2-256-trunc254-padded shape Filecoin uses.
  const pieceCid = CID.create(1, 0xf101, Digest.create(0x1012, randomBytes(`piece/${pieceSeed}`, 32)))
  return concat([prefix, dagCbor.encode({ PieceCID: pieceCid, VerifiedDeal: false, FastRetrieval: true })])
}

export function toProviderResultJson(record: ProviderRecord): ProviderResultJson {
  return {
    ContextID: base64(record.contextId ?? new TextEncoder().encode('spark-swarm-devnet')),
    Metadata: base64(record.metadata ?? encodeMetadata(record.protocol, record.peerId)),
    Provider: { ID: record.peerId, Addrs: record.addrs },
  }
}

/** Go's encoding of []byte in JSON: standard base64 with padding. */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}
