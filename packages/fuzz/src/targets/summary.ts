import * as dagCbor from '@ipld/dag-cbor'
import {
  cidOfDagCbor,
  decodeCommitteeBlock,
  decodeMeasurementList,
  decodeRoundSummary,
  ProtocolError,
  sha256,
  toHex,
  verifyRoundBlocks,
} from '@spark-swarm/protocol'
import * as fc from 'fast-check'
import type { CID } from 'multiformats/cid'
import { cborInputs, encodeOrNull } from '../inputs.js'
import { applyByteMutations, type ByteMutation, byteMutations } from '../mutate-bytes.js'
import { applyValueMutation, oddCborValue, type ValueMutation, valueMutation } from '../mutate-value.js'
import { roundFixture } from '../round-fixture.js'
import { codeWhenInstance, type FuzzTarget } from '../target.js'

const protocolCode = (err: unknown) => codeWhenInstance(err, ProtocolError)

/** The decoded tree of the fixture's round export, to mutate one block and relink its ancestors. */
interface RoundTree {
  root: CID
  blocks: ReadonlyMap<string, Uint8Array>
  /** The params block's CID (text): the summary names it by digest only. */
  paramsCid: string
  summary: Record<string, unknown>
  committees: Array<{ cid: CID; value: Record<string, unknown>; listCid: CID; list: CID[] }>
}

let tree: RoundTree | undefined

function roundTree(): RoundTree {
  if (tree) return tree
  const { summary } = roundFixture()
  const get = (cid: CID) => summary.blocks.get(cid.toString()) as Uint8Array
  const root = dagCbor.decode(get(summary.root)) as Record<string, unknown>
  const committees = (root.committees as CID[]).map((cid) => {
    const value = dagCbor.decode(get(cid)) as Record<string, unknown>
    const listCid = value.measurements as CID
    return { cid, value, listCid, list: dagCbor.decode(get(listCid)) as CID[] }
  })
  const paramsCid = [...summary.blocks.keys()].find(
    (k) => toHex(cidOfDagCbor(summary.blocks.get(k) as Uint8Array).multihash.digest) === root.paramsDigest,
  ) as string
  tree = { root: summary.root, blocks: summary.blocks, paramsCid, summary: root, committees }
  return tree
}

/** Which block of the export: one of these, with indices taken modulo the counts. */
export type BlockRef =
  | { kind: 'summary' | 'params' | 'catalogue' }
  | { kind: 'committee' | 'list'; j: number }
  | { kind: 'measurement'; j: number; k: number }

export interface RoundMutation {
  block: BlockRef
  change: { bytes: ByteMutation[] } | { value: ValueMutation[] }
  /** Store the changed block under its new CID and relink every ancestor up to a new root. */
  relink: boolean
  /** A block to leave out of the export (index into the block list), if any. */
  drop: number | null
  /** An extra block that nothing links to. */
  extra: Uint8Array | null
}

const blockRef: fc.Arbitrary<BlockRef> = fc.oneof(
  fc.record({ kind: fc.constantFrom('summary' as const, 'params' as const, 'catalogue' as const) }),
  fc.record({ kind: fc.constantFrom('committee' as const, 'list' as const), j: fc.nat(64) }),
  fc.record({ kind: fc.constant('measurement' as const), j: fc.nat(64), k: fc.nat(64) }),
)

export const roundMutation: fc.Arbitrary<RoundMutation> = fc.record({
  block: blockRef,
  change: fc.oneof(fc.record({ bytes: byteMutations }), {
    weight: 3,
    arbitrary: fc.record({ value: fc.array(valueMutation(oddCborValue), { minLength: 1, maxLength: 3 }) }),
  }),
  relink: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
  // now and then, besides the change: a block left out, or one that nothing links to
  drop: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, fc.nat()),
  extra: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, fc.uint8Array({ maxLength: 64 })),
})

/** The export with one block changed as `m` says; relinked when asked. */
export function mutateRound(m: RoundMutation): { root: CID; blocks: Map<string, Uint8Array> } {
  const t = roundTree()
  const blocks = new Map(t.blocks)
  let root = t.root
  const committee = (j: number) => t.committees[j % t.committees.length] as RoundTree['committees'][number]
  const bytesOf = (cid: CID) => t.blocks.get(cid.toString()) as Uint8Array
  // the block's current CID (text) and bytes, and how to link a replacement from its parent
  const locate = (ref: BlockRef): { cid: string; bytes: Uint8Array; link: (bytes: Uint8Array) => void } => {
    switch (ref.kind) {
      case 'summary':
        return {
          cid: t.root.toString(),
          bytes: bytesOf(t.root),
          link: (b) => {
            root = cidOfDagCbor(b)
          },
        }
      case 'params':
        return {
          cid: t.paramsCid,
          bytes: t.blocks.get(t.paramsCid) as Uint8Array,
          link: (b) => replace({ kind: 'summary' }, encodeOrNull({ ...t.summary, paramsDigest: toHex(sha256(b)) }), true),
        }
      case 'catalogue': {
        const cid = t.summary.catalogue as CID
        return {
          cid: cid.toString(),
          bytes: bytesOf(cid),
          link: (b) => replace({ kind: 'summary' }, encodeOrNull({ ...t.summary, catalogue: cidOfDagCbor(b) }), true),
        }
      }
      case 'committee': {
        const c = committee(ref.j)
        const j = ref.j % t.committees.length
        const links = (t.summary.committees as CID[]).slice()
        return {
          cid: c.cid.toString(),
          bytes: bytesOf(c.cid),
          link: (b) => {
            links[j] = cidOfDagCbor(b)
            replace({ kind: 'summary' }, encodeOrNull({ ...t.summary, committees: links }), true)
          },
        }
      }
      case 'list': {
        const c = committee(ref.j)
        return {
          cid: c.listCid.toString(),
          bytes: bytesOf(c.listCid),
          link: (b) => replace({ kind: 'committee', j: ref.j }, encodeOrNull({ ...c.value, measurements: cidOfDagCbor(b) }), true),
        }
      }
      case 'measurement': {
        const c = committee(ref.j)
        const k = ref.k % c.list.length
        const cid = c.list[k] as CID
        return {
          cid: cid.toString(),
          bytes: bytesOf(cid),
          link: (b) => {
            const list = c.list.slice()
            list[k] = cidOfDagCbor(b)
            replace({ kind: 'list', j: ref.j }, encodeOrNull(list), true)
          },
        }
      }
    }
  }
  const replace = (ref: BlockRef, bytes: Uint8Array, relink = m.relink) => {
    const at = locate(ref)
    if (!relink) {
      blocks.set(at.cid, bytes)
      return
    }
    blocks.delete(at.cid)
    blocks.set(cidOfDagCbor(bytes).toString(), bytes)
    at.link(bytes)
  }

  const original = locate(m.block).bytes
  const changed =
    'bytes' in m.change
      ? applyByteMutations(original, m.change.bytes)
      : encodeOrNull(m.change.value.reduce<unknown>((v, vm) => applyValueMutation(v, vm), dagCbor.decode(original)))
  replace(m.block, changed)
  if (m.drop !== null) {
    const keys = [...blocks.keys()]
    blocks.delete(keys[m.drop % keys.length] as string)
  }
  if (m.extra !== null) blocks.set(cidOfDagCbor(m.extra).toString(), m.extra)
  return { root, blocks }
}

type SummaryInput = { decoder: 'summary' | 'committee' | 'list'; bytes: Uint8Array }

/** `decodeRoundSummary`, `decodeCommitteeBlock`, `decodeMeasurementList`: blocks from peers (catch-up) and files (verify). */
export function summaryBlocksTarget(): FuzzTarget<SummaryInput> {
  const t = roundTree()
  const bytes = (cid: CID) => t.blocks.get(cid.toString()) as Uint8Array
  const of = (decoder: SummaryInput['decoder'], valid: Uint8Array[]) => cborInputs(valid).map((b): SummaryInput => ({ decoder, bytes: b }))
  return {
    name: 'summary blocks',
    arbitrary: fc.oneof(
      of('summary', [bytes(t.root)]),
      of(
        'committee',
        t.committees.map((c) => bytes(c.cid)),
      ),
      of(
        'list',
        t.committees.map((c) => bytes(c.listCid)),
      ),
    ),
    run({ decoder, bytes }) {
      if (decoder === 'summary') decodeRoundSummary(bytes)
      else if (decoder === 'committee') decodeCommitteeBlock(bytes)
      else decodeMeasurementList(bytes)
      return undefined
    },
    codeOf: protocolCode,
    codes: ['SUMMARY_MALFORMED', 'COMMITTEE_BLOCK_MALFORMED', 'MEASUREMENT_LIST_MALFORMED'],
  }
}

/**
 * `verifyRoundBlocks` on a round export with one block changed (and usually relinked, so that the
 * change gets past the hash checks): it returns a verdict (`NOT_VERIFIED` when it found problems)
 * or throws a ProtocolError.
 */
export function verifyRoundTarget(): FuzzTarget<RoundMutation> {
  return {
    name: 'round export (verifyRoundBlocks)',
    arbitrary: roundMutation,
    run(m) {
      const { root, blocks } = mutateRound(m)
      const result = verifyRoundBlocks(root, blocks)
      return result.ok ? undefined : 'NOT_VERIFIED'
    },
    codeOf: protocolCode,
    codes: [
      'NOT_VERIFIED',
      'SUMMARY_MALFORMED',
      'COMMITTEE_BLOCK_MALFORMED',
      'MEASUREMENT_LIST_MALFORMED',
      'MEASUREMENT_MALFORMED',
      'PARAMS_INVALID',
      'CATALOGUE_INVALID',
      'ROUND_INVALID',
      'VERSION_INVALID',
    ],
  }
}
