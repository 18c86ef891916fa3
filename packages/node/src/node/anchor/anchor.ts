import {
  buildRoundSummary,
  type Catalogue,
  createInterner,
  decodeSignedMeasurement,
  evaluateRound,
  internMeasurement,
  type MeasurementRecord,
  type ProtocolParams,
  type RoundEvaluation,
  type StationKey,
  taskId,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import type { NodeStore } from '../../store/index.js'
import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import type { Logger } from '../logger.js'
import type { NodePubSub } from '../peers/host.js'
import type { RoundInfo, Rounds } from '../round/rounds.js'
import { attestCommittees } from './attest.js'
import { createProviding, type ProvideRouting } from './provide.js'
import { type BlockSink, putSummaryBlocks } from './summary-blocks.js'

/** What the node concluded about a round, kept for status and for counting attestations. */
export interface RoundOutcome {
  round: number
  evaluation: RoundEvaluation
  summaryCid: string
  /** Committee block CIDs this node attested, by task id. */
  attested: Map<string, string>
  /** Committee sizes by task id. */
  sizes: Map<string, number>
  /** Task ids of this node's own tasks of the round. */
  mine: string[]
}

export interface AnchoringComponents {
  params: ProtocolParams
  rounds: Pick<Rounds, 'get'>
  store: Pick<NodeStore, 'measurementsOfRound' | 'lastAnchoredSummary' | 'putAttestation' | 'setRoundState' | 'path'>
  blockstore: BlockSink
  routing: ProvideRouting
  pubsub: Pick<NodePubSub, 'publish'>
  stationKey: StationKey
  events: TypedEventTarget<CheckerNodeEvents>
  log: Logger
  /** The node's lifetime: blocks writes and DHT provides end with it. */
  signal: AbortSignal
}

export interface AnchoringInit {
  /** The catalogue the summaries link (its blocks travel with them). */
  catalogue: Catalogue
  catalogueCid: CID
}

export interface Anchoring {
  /** Evaluates a finished round, anchors its summary and attests this node's committees. */
  anchorRound(round: number): Promise<RoundOutcome>
  /** Lets DHT provides still running unwind (5 s at most); called on stop, before the host closes. */
  stop(): Promise<void>
}

/**
 * Evaluates a finished round from every measurement the node holds, builds its summary, puts all
 * blocks (summary, committees, measurement lists and the measurements themselves) into helia's
 * blockstore, provides the summary and committee blocks on the DHT, and attests the committee
 * blocks of the committees it belongs to on the summaries topic.
 */
export function createAnchoring(components: AnchoringComponents, init: AnchoringInit): Anchoring {
  const { params, rounds, store, events, signal } = components
  const providing = createProviding(components)

  const evaluate = (round: number, info: RoundInfo) => {
    const rows = store.measurementsOfRound(round)
    const intern = createInterner()
    const records: MeasurementRecord[] = rows.map((row) => ({
      cid: row.cid,
      measurement: internMeasurement(decodeSignedMeasurement(row.bytes), intern),
    }))
    // every stored measurement passed the gossip validator (or our own signing): no need to verify again
    const evaluation = evaluateRound({ params, round, seeds: info.seeds, tasks: info.tasks }, records, { signatures: 'trusted' })
    const previous = store.lastAnchoredSummary(round)
    const built = buildRoundSummary(evaluation, {
      params,
      seeds: info.seeds,
      catalogueCid: init.catalogueCid,
      previous: previous ? CID.parse(previous.summaryCid) : null,
    })
    return { rows, evaluation, built }
  }

  return {
    async anchorRound(round) {
      const info = await rounds.get(round, { signal })
      const { rows, evaluation, built } = evaluate(round, info)
      await putSummaryBlocks(
        components.blockstore,
        { params, catalogue: init.catalogue, catalogueCid: init.catalogueCid, built, measurements: rows },
        { storePath: store.path, round, signal },
      )
      providing.provide(round, [built.root.cid, ...[...built.committees.values()].map((b) => b.cid)])
      const attested = await attestCommittees(components, round, info.mine, built)
      const summaryCid = built.root.cid.toString()
      store.setRoundState(round, 'anchored', summaryCid)
      const sizes = new Map(evaluation.committees.map((c) => [taskId(c.task), c.size]))
      events.emit('round:evaluated', { round, evaluation, mine: info.mine })
      events.emit('summary:anchored', { round, summaryCid, attested: Object.fromEntries(attested) })
      return { round, evaluation, summaryCid, attested, sizes, mine: info.mine.map(taskId) }
    },
    stop: () => providing.settle(),
  }
}
