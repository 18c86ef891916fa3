import { setMaxListeners } from 'node:events'
import { dirname, join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import {
  buildRoundSummary,
  cidOfDagCbor,
  createInterner,
  decodeSignedMeasurement,
  encodeAttestation,
  encodeCatalogue,
  evaluateRound,
  internMeasurement,
  type MeasurementRecord,
  type RoundEvaluation,
  signAttestation,
  taskId,
} from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { summariesTopic } from '../../gossip/index.js'
import { scopedSignal } from '../../retrieval/scoped-signal.js'
import { writeError } from '../../store/index.js'
import type { NodeContext } from '../context.js'

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

const PROVIDE_TIMEOUT_MS = 10_000

/**
 * Evaluates a finished round from every measurement the node holds, builds its summary, puts all
 * blocks (summary, committees, measurement lists and the measurements themselves) into helia's
 * blockstore, provides the summary and committee blocks on the DHT, and attests the committee
 * blocks of the committees it belongs to on the summaries topic.
 */
export async function anchorRound(ctx: NodeContext, round: number): Promise<RoundOutcome> {
  const info = await ctx.rounds.get(round, { signal: ctx.signal })
  const rows = ctx.store.measurementsOfRound(round)
  const intern = createInterner()
  const records: MeasurementRecord[] = rows.map((row) => ({
    cid: row.cid,
    measurement: internMeasurement(decodeSignedMeasurement(row.bytes), intern),
  }))
  // every stored measurement passed the gossip validator (or our own signing): no need to verify again
  const evaluation = evaluateRound({ params: ctx.params, round, seeds: info.seeds, tasks: info.tasks }, records, { signatures: 'trusted' })
  const previous = ctx.store.lastAnchoredSummary(round)
  const built = buildRoundSummary(evaluation, {
    params: ctx.params,
    seeds: info.seeds,
    catalogueCid: ctx.catalogueCid,
    previous: previous ? CID.parse(previous.summaryCid) : null,
  })

  const blockstore = ctx.host.helia.blockstore
  try {
    // the rules and the catalogue travel with the summary: an export of it verifies offline
    const paramsBytes = dagCbor.encode(ctx.params)
    await blockstore.put(cidOfDagCbor(paramsBytes), paramsBytes, { signal: ctx.signal })
    await blockstore.put(ctx.catalogueCid, encodeCatalogue(ctx.catalogue), { signal: ctx.signal })
    for (const block of built.blocks) await blockstore.put(block.cid, block.bytes, { signal: ctx.signal })
    for (const row of rows) await blockstore.put(CID.parse(row.cid), row.bytes, { signal: ctx.signal })
  } catch (err) {
    // a full or read-only disk: nothing was attested and the round stays `checking` in the store
    if (ctx.signal.aborted) throw err
    throw writeError(err, join(dirname(ctx.store.path), 'blocks'), `the summary of round ${round}`)
  }
  const provided = [built.root.cid, ...[...built.committees.values()].map((b) => b.cid)]
  // providing waits on DHT queries; never let it hold up the round. One scoped signal for all of
  // them, so nothing stays attached to ctx.signal afterwards (see scopedSignal)
  const provideScope = scopedSignal([ctx.signal], PROVIDE_TIMEOUT_MS)
  // every DHT query of every provide listens on it: many listeners are expected, not a leak
  setMaxListeners(Number.POSITIVE_INFINITY, provideScope.signal)
  const providing = Promise.allSettled(provided.map((cid) => ctx.host.helia.routing.provide(cid, { signal: provideScope.signal }))).then(
    (results) => {
      // only once every provide is over: one failing early must not cut the others off ctx.signal
      provideScope.clear()
      ctx.background.delete(providing)
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) ctx.log.debug('provide failed', { round, error: String(failed.reason) })
    },
  )
  ctx.background.add(providing)

  const attested = new Map<string, string>()
  const topic = summariesTopic(ctx.params)
  for (const task of info.mine) {
    const id = taskId(task)
    const block = built.committees.get(id)
    if (!block) continue
    const attestation = signAttestation(
      {
        protocolVersion: ctx.params.protocolVersion,
        network: ctx.params.network,
        round,
        task: { cid: task.cid, minerId: task.minerId },
        stationId: ctx.identity.stationKey.stationId,
        committee: block.cid,
      },
      ctx.identity.stationKey,
    )
    const bytes = encodeAttestation(attestation)
    ctx.store.putAttestation({ round, taskId: id, stationId: ctx.identity.stationKey.stationId, committeeCid: block.cid.toString(), bytes })
    attested.set(id, block.cid.toString())
    try {
      await ctx.host.libp2p.services.pubsub.publish(topic, bytes)
    } catch (err) {
      ctx.log.debug('attestation not published', { round, task: id, error: String(err) })
    }
  }
  const summaryCid = built.root.cid.toString()
  ctx.store.setRoundState(round, 'anchored', summaryCid)
  const sizes = new Map(evaluation.committees.map((c) => [taskId(c.task), c.size]))
  ctx.events.emit('round:evaluated', { round, evaluation, mine: info.mine })
  ctx.events.emit('summary:anchored', { round, summaryCid, attested: Object.fromEntries(attested) })
  return { round, evaluation, summaryCid, attested, sizes, mine: info.mine.map(taskId) }
}
