import type { Catalogue } from '@spark-swarm/protocol'

/**
 * A catalogue file's text: one entry a line, so two builds diff line by line, and fixed key
 * order, so the same catalogue is the same bytes. (Its CID is of the DAG-CBOR encoding, which
 * does not depend on this text; the bytes matter to whoever compares or signs the file.)
 */
export function catalogueText(catalogue: Catalogue): string {
  const lines = catalogue.entries.map((e) =>
    JSON.stringify(
      e.providerId === undefined ? { cid: e.cid, minerId: e.minerId } : { cid: e.cid, minerId: e.minerId, providerId: e.providerId },
    ),
  )
  return `{"entries":[\n${lines.join(',\n')}\n]}\n`
}
