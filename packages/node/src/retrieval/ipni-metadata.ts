import { varint } from 'multiformats'
import type { RetrievalProtocol } from './types.js'

/** Multicodec transport codes an IPNI metadata starts with (Spark's lib/ipni-client.js table). */
const PROTOCOL_BY_CODE: ReadonlyMap<number, RetrievalProtocol> = new Map([
  [0x0900, 'bitswap'], // transport-bitswap
  [0x0910, 'graphsync'], // transport-graphsync-filecoinv1
  [0x0920, 'http'], // transport-ipfs-gateway-http
  [0x3f0000, 'graphsync'], // Boost's legacy graphsync code, as Spark maps it
])

/**
 * The transport an IPNI record advertises: the first varint of its base64 `Metadata`. Like Spark we
 * read only the first entry: the entries after it carry protocol-specific payloads (CBOR for
 * graphsync, a length for http in newer go-libipni) that we would have to parse to find the next.
 * Returns undefined for unknown codes and undecodable metadata.
 */
export function metadataProtocol(metadata: unknown): RetrievalProtocol | undefined {
  if (typeof metadata !== 'string') return undefined
  const bytes = Buffer.from(metadata, 'base64')
  if (bytes.length === 0) return undefined
  try {
    const [code] = varint.decode(bytes)
    return PROTOCOL_BY_CODE.get(code)
  } catch {
    return undefined
  }
}
