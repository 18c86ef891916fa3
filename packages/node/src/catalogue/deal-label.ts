import { CID } from 'multiformats/cid'

/**
 * The payload CID a storage deal's label names, in one canonical spelling: `CID.toString()`,
 * which keeps a CIDv0 as base58btc `Qm…` (its only spelling) and writes a CIDv1 in base32
 * lower case `bafy…`/`bafk…`. A CIDv0 is not turned into a CIDv1: the task names the CID as the
 * client wrote it, and the provider's index is keyed by the multihash either way. Two spellings
 * of one CIDv1 (base32, base36, base58btc) become one, so they cannot make two tasks.
 */
export type LabelReading = { cid: string } | { drop: 'label-empty' | 'label-not-cid' }

export function payloadCidOfLabel(label: unknown): LabelReading {
  // Lotus writes a string label as a JSON string; a bytes label (rare) is not a payload CID here
  if (typeof label !== 'string') return { drop: 'label-not-cid' }
  if (label === '') return { drop: 'label-empty' }
  try {
    return { cid: CID.parse(label).toString() }
  } catch {
    return { drop: 'label-not-cid' }
  }
}
