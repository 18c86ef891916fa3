import {
  type AdmissionSnapshot,
  type BuiltSummary,
  buildRoundSummaryInSteps,
  type Catalogue,
  type CommitteeMembership,
  committeeMembershipsInSteps,
  evaluateRoundInSteps,
  type MeasurementRecord,
  type ProtocolParams,
  type RoundEvaluation,
  type StationKey,
  taskId,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import type { SavedBinding } from '../../admission/binding-file.js'
import type { NodeStore } from '../../store/index.js'
import { runInSlices } from '../../util/slices.js'
import type { AdmissionReader } from '../admission/chain-watch.js'
import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import type { Logger } from '../logger.js'
import type { NodePubSub } from '../peers/host.js'
import type { RoundInfo, Rounds } from '../round/rounds.js'
import { attestCommittees } from './attest.js'
import { createProviding, type ProvideRouting } from './provide.js'
import { decodeAll, decodedOneByOne, readRoundRows } from './round-records.js'
import { type BlockSink, putCatalogueBlock, putSummaryBlocks, putSummaryRoot } from './summary-blocks.js'

/** What the node concluded about a round, kept for status and for counting attestations. */
export interface RoundOutcome {
  round: number
  evaluation: RoundEvaluation
  summaryCid: string
  /** The summary this one links as `previous` (spec §9.1), null for the first the node anchored. */
  previous: string | null
  /** Every committee block CID of the summary, by task id (what catch-up compares, spec §12.7). */
  committees: Map<string, string>
  /** Committee block CIDs this node attested, by task id. */
  attested: Map<string, string>
  /** Committee sizes by task id. */
  sizes: Map<string, number>
  /**
   * Each committee block's size and members (the stations of the measurements it lists), by task
   * id: whose attestations of that block count (spec §12.6).
   */
  memberships: Map<string, CommitteeMembership>
  /** Task ids of this node's own tasks of the round. */
  mine: string[]
  /** Version 2: the admission snapshot the round was evaluated with; a re-link records it again (spec §13.7). */
  admission?: AdmissionSnapshot
}

export interface AnchoringComponents {
  params: ProtocolParams
  rounds: Pick<Rounds, 'get'>
  store: Pick<NodeStore, 'measurementPagesOfRound' | 'lastAnchoredSummary' | 'putAttestation' | 'setRoundState' | 'path'>
  blockstore: BlockSink
  routing: ProvideRouting
  pubsub: Pick<NodePubSub, 'publish'>
  stationKey: StationKey
  events: TypedEventTarget<CheckerNodeEvents>
  log: Logger
  /** The node's lifetime: blocks writes and DHT provides end with it. */
  signal: AbortSignal
  /** Version 2 (spec §13.4): who is eligible in the round, read from the chain at its eligibility height. */
  admission?: AdmissionReader
  /** Version 2: the station's binding, which its attestations carry (spec §13.3a). */
  binding?: SavedBinding
}

export interface AnchoringInit {
  /** The catalogue the summaries link (its blocks travel with them). */
  catalogue: Catalogue
  catalogueCid: CID
}

export interface Anchoring {
  /**
   * Evaluates a finished round, anchors its summary and attests this node's committees;
   * `reanchored` says why a round anchored before is anchored again.
   */
  anchorRound(round: number, options?: { reanchored?: 'catch-up' }): Promise<RoundOutcome>
  /**
   * Rebuilds an anchored round's summary root over what the node now holds as the previous
   * round's summary (spec §9.1 re-link): same evaluation and committee blocks, so nothing is
   * attested again; only the root is stored and provided.
   */
  relinkRound(outcome: RoundOutcome): Promise<RoundOutcome>
  /**
   * Puts the catalogue's block into the blockstore and provides it on the DHT: the node's own at
   * start, an announced one when it is fetched. A peer that cannot get it from the tracker asks
   * this node over bitswap (spec §1.3).
   */
  shareCatalogue(block?: { catalogue: Catalogue; catalogueCid: CID }): Promise<void>
  /** Lets DHT provides still running unwind (5 s at most); called on stop, before the host closes. */
  stop(): Promise<void>
}

/**
 * Evaluates a finished round from every measurement the node holds, builds its summary, puts all
 * blocks (summary, committees, measurement lists and the measurements themselves) into helia's
 * blockstore, provides the summary and committee blocks on the DHT, and attests the committee
 * blocks of the committees it belongs to on the summaries topic. Reading, evaluating and building
 * run in slices of a few milliseconds (`runInSlices`): a round of 250,000 measurements takes
 * seconds, and gossip and the status API are answered between the slices.
 */
export function createAnchoring(components: AnchoringComponents, init: AnchoringInit): Anchoring {
  const { params, rounds, store, events, signal } = components
  const providing = createProviding(components)

  const build = async (round: number, info: RoundInfo, evaluation: RoundEvaluation, admission: AdmissionSnapshot | undefined) => {
    const previous = store.lastAnchoredSummary(round)?.summaryCid ?? null
    const steps = buildRoundSummaryInSteps(evaluation, {
      params,
      seeds: info.seeds,
      catalogueCid: init.catalogueCid,
      previous: previous ? CID.parse(previous) : null,
      ...(admission ? { admission } : {}),
    })
    return { built: await runInSlices(steps, signal), previous }
  }

  // verified bindings, kept across rounds: a station sends the same one every round (spec §13.5);
  // bounded, since an eligible participant may sign any number of them (1.7 ms each to verify again)
  const bindingCache = new Map<string, boolean>()
  const MAX_KEPT_BINDINGS = 100_000

  const evaluate = async (round: number, info: RoundInfo) => {
    const rows = await runInSlices(readRoundRows(store.measurementPagesOfRound(round)), signal)
    let records: Iterable<MeasurementRecord> = decodedOneByOne(rows)
    let admission: AdmissionSnapshot | undefined
    if (components.admission) {
      // version 2: who is eligible depends on the participants of all the measurements
      const decoded = await runInSlices(decodeAll(rows), signal)
      records = decoded.records
      // a chain that cannot be read throws here (LOTUS_UNREACHABLE is set): the round is neither
      // anchored nor attested, since any summary would be a guess at who was eligible
      admission = await components.admission.snapshot(round, decoded.participants, { signal })
    }
    // every stored measurement passed the gossip validator (or our own signing): no need to verify again
    const steps = evaluateRoundInSteps(
      { params, round, seeds: info.seeds, tasks: info.tasks, ...(admission ? { admission } : {}) },
      records,
      { signatures: 'trusted', bindingCache },
    )
    const evaluation = await runInSlices(steps, signal)
    if (bindingCache.size > MAX_KEPT_BINDINGS) bindingCache.clear()
    return { rows, evaluation, admission, ...(await build(round, info, evaluation, admission)) }
  }
  const committeesOf = (built: BuiltSummary) => new Map([...built.committees].map(([id, block]) => [id, block.cid.toString()]))

  return {
    async anchorRound(round, options = {}) {
      const info = await rounds.get(round, { signal })
      const { rows, evaluation, admission, built, previous } = await evaluate(round, info)
      const memberships = await runInSlices(committeeMembershipsInSteps(evaluation), signal)
      await putSummaryBlocks(
        components.blockstore,
        { params, catalogue: init.catalogue, catalogueCid: init.catalogueCid, built, measurements: rows },
        { storePath: store.path, round, signal },
      )
      const attested = await attestCommittees(components, info, built, admission)
      // the root, and the committee blocks this node attests: an attestation names the block a
      // catch-up looks up, and the summary's other blocks are reached through the root (spec §12.6)
      const ownBlocks = [...attested.keys()].map((id) => built.committees.get(id)?.cid).filter((cid) => cid !== undefined)
      providing.provide(round, [built.root.cid, ...ownBlocks])
      const summaryCid = built.root.cid.toString()
      store.setRoundState(round, 'anchored', summaryCid)
      const sizes = new Map(evaluation.committees.map((c) => [taskId(c.task), c.size]))
      events.emit('round:evaluated', { round, evaluation, mine: info.mine })
      events.emit('summary:anchored', {
        round,
        summaryCid,
        attested: Object.fromEntries(attested),
        ...(options.reanchored ? { reanchored: options.reanchored } : {}),
      })
      return {
        round,
        evaluation,
        summaryCid,
        previous,
        committees: committeesOf(built),
        attested,
        sizes,
        memberships,
        mine: info.mine.map(taskId),
        ...(admission ? { admission } : {}),
      }
    },
    async relinkRound(outcome) {
      const { round } = outcome
      const info = await rounds.get(round, { signal })
      const { built, previous } = await build(round, info, outcome.evaluation, outcome.admission)
      await putSummaryRoot(components.blockstore, built, { storePath: store.path, round, signal })
      providing.provide(round, [built.root.cid])
      const summaryCid = built.root.cid.toString()
      store.setRoundState(round, 'anchored', summaryCid)
      events.emit('summary:anchored', { round, summaryCid, attested: Object.fromEntries(outcome.attested), reanchored: 'relink' })
      return { ...outcome, summaryCid, previous }
    },
    async shareCatalogue(block = init) {
      await putCatalogueBlock(components.blockstore, block, { storePath: store.path, signal })
      providing.provide('catalogue', [block.catalogueCid])
    },
    stop: () => providing.settle(),
  }
}
