import * as dagCbor from '@ipld/dag-cbor'
import { cidOfDagCbor, sha256, toHex } from '@spark-swarm/protocol'
import * as fc from 'fast-check'
import type { CID } from 'multiformats/cid'
import { encodeOrNull } from './inputs.js'
import { applyByteMutations, type ByteMutation, byteMutations } from './mutate-bytes.js'
import { applyValueMutation, oddCborValue, type ValueMutation, valueMutation } from './mutate-value.js'
import { roundFixture } from './round-fixture.js'

/*
 * The fixture's round export with one block changed, and relinked up to a new root so that the
 * change reaches the decoders and the re-evaluation instead of stopping at a hash check. Used by
 * the `verifyRoundBlocks` target and the CLI's `verify` target.
 */

/** The decoded tree of the fixture's round export, to mutate one block and relink its ancestors. */
export interface RoundTree {
  root: CID
  blocks: ReadonlyMap<string, Uint8Array>
  /** The params block's CID (text): the summary names it by digest only. */
  paramsCid: string
  summary: Record<string, unknown>
  committees: Array<{ cid: CID; value: Record<string, unknown>; listCid: CID; list: CID[] }>
}

let tree: RoundTree | undefined

export function roundTree(): RoundTree {
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
  const draft: Draft = { tree: t, blocks: new Map(t.blocks), root: t.root }
  const original = locate(t, m.block).bytes
  const changed =
    'bytes' in m.change
      ? applyByteMutations(original, m.change.bytes)
      : encodeOrNull(m.change.value.reduce<unknown>((v, vm) => applyValueMutation(v, vm), dagCbor.decode(original)))
  replace(draft, m.block, changed, m.relink)
  if (m.drop !== null) {
    const keys = [...draft.blocks.keys()]
    draft.blocks.delete(keys[m.drop % keys.length] as string)
  }
  if (m.extra !== null) draft.blocks.set(cidOfDagCbor(m.extra).toString(), m.extra)
  return { root: draft.root, blocks: draft.blocks }
}

/** The export being changed: the fixture's tree, and the blocks and root as they stand. */
interface Draft {
  tree: RoundTree
  blocks: Map<string, Uint8Array>
  root: CID
}

/** A block's current CID (text) and bytes, and how its parent links a replacement. */
interface Located {
  cid: string
  bytes: Uint8Array
  link(draft: Draft, bytes: Uint8Array): void
}

/** Puts `bytes` in place of the block; with `relink`, under their own CID and linked from every ancestor. */
function replace(draft: Draft, ref: BlockRef, bytes: Uint8Array, relink: boolean): void {
  const at = locate(draft.tree, ref)
  if (!relink) {
    draft.blocks.set(at.cid, bytes)
    return
  }
  draft.blocks.delete(at.cid)
  draft.blocks.set(cidOfDagCbor(bytes).toString(), bytes)
  at.link(draft, bytes)
}

function locate(t: RoundTree, ref: BlockRef): Located {
  const committee = (j: number) => t.committees[j % t.committees.length] as RoundTree['committees'][number]
  const bytesOf = (cid: CID) => t.blocks.get(cid.toString()) as Uint8Array
  // a parent changed to link the new child is always relinked itself, up to the root
  const summaryWith = (d: Draft, fields: Record<string, unknown>) =>
    replace(d, { kind: 'summary' }, encodeOrNull({ ...t.summary, ...fields }), true)
  switch (ref.kind) {
    case 'summary':
      return {
        cid: t.root.toString(),
        bytes: bytesOf(t.root),
        link: (d, b) => {
          d.root = cidOfDagCbor(b)
        },
      }
    case 'params':
      return {
        cid: t.paramsCid,
        bytes: t.blocks.get(t.paramsCid) as Uint8Array,
        link: (d, b) => summaryWith(d, { paramsDigest: toHex(sha256(b)) }),
      }
    case 'catalogue': {
      const cid = t.summary.catalogue as CID
      return { cid: cid.toString(), bytes: bytesOf(cid), link: (d, b) => summaryWith(d, { catalogue: cidOfDagCbor(b) }) }
    }
    case 'committee': {
      const c = committee(ref.j)
      const j = ref.j % t.committees.length
      const links = (t.summary.committees as CID[]).slice()
      return {
        cid: c.cid.toString(),
        bytes: bytesOf(c.cid),
        link: (d, b) => {
          links[j] = cidOfDagCbor(b)
          summaryWith(d, { committees: links })
        },
      }
    }
    case 'list': {
      const c = committee(ref.j)
      return {
        cid: c.listCid.toString(),
        bytes: bytesOf(c.listCid),
        link: (d, b) => replace(d, { kind: 'committee', j: ref.j }, encodeOrNull({ ...c.value, measurements: cidOfDagCbor(b) }), true),
      }
    }
    case 'measurement': {
      const c = committee(ref.j)
      const k = ref.k % c.list.length
      const cid = c.list[k] as CID
      return {
        cid: cid.toString(),
        bytes: bytesOf(cid),
        link: (d, b) => {
          const list = c.list.slice()
          list[k] = cidOfDagCbor(b)
          replace(d, { kind: 'list', j: ref.j }, encodeOrNull(list), true)
        },
      }
    }
  }
}
