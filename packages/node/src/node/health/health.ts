import type { RetrievalTask } from '@spark-swarm/protocol'
import type { MeasurementFields } from '../../retrieval/index.js'
import { type Blame, blame, isSuspect, type RoundCheck, roundFault } from './blame.js'
import type { LocalFaultCode, LocalFaults } from './local-faults.js'
import type { IndexerProbe } from './probe.js'

export interface NodeHealthComponents {
  faults: LocalFaults
  probe: IndexerProbe
  /** For messages: which indexer the probe asks. */
  indexerUrl: string
}

/** The node's judgement of its own state, before it signs what a check found (spec §5.4). */
export interface NodeHealth {
  readonly faults: LocalFaults
  /** Publish the check's result, or withhold it naming the local fault that could have caused it. */
  judge(
    round: number,
    task: RetrievalTask,
    fields: Pick<MeasurementFields, 'indexerResult' | 'retrievalResult'>,
    options?: { signal?: AbortSignal },
  ): Promise<Blame>
  /** At a round's start: the round rule starts afresh, and a fault about the indexer is probed again, so it clears by itself. */
  roundStarted(round: number, options?: { signal?: AbortSignal }): Promise<void>
}

/**
 * Ties the local faults to what the node sees: a check whose IPNI query got an answer clears the
 * indexer faults; a suspect result is probed before it is signed; the round rule (blame.ts) sets a
 * fault for the rest of a round whose checks all failed the same local way.
 */
export function createNodeHealth(components: NodeHealthComponents): NodeHealth {
  const { faults, probe, indexerUrl } = components
  const checks = new Map<number, RoundCheck[]>()
  // the fault the round rule set (not one a probe set): it ends with its round
  let ruled: { round: number; code: LocalFaultCode } | undefined

  const clearIndexerFaults = (why: string) => {
    faults.clear('IPNI_UNREACHABLE', why)
    // a NO_NETWORK of the round rule came from checks whose IPNI queries were answered: the indexer does not clear it
    if (ruled?.code !== 'NO_NETWORK') faults.clear('NO_NETWORK', why)
    if (ruled?.code === 'IPNI_UNREACHABLE') ruled = undefined
  }

  const probeIndexer = async (signal: AbortSignal | undefined) => {
    const result = await probe.probe(signal ? { signal } : {})
    if (result.reachable) clearIndexerFaults(`the indexer ${indexerUrl} answers again`)
    else if (result.noNetwork)
      faults.set('NO_NETWORK', `this host has no network: the indexer ${indexerUrl} cannot be reached: ${result.error}`)
    else faults.set('IPNI_UNREACHABLE', `the indexer ${indexerUrl} cannot be reached: ${result.error}`)
  }

  return {
    faults,
    async judge(round, task, fields, options = {}) {
      const result = fields.retrievalResult
      if (fields.indexerResult !== null && fields.indexerResult !== 'ERROR_FETCH')
        clearIndexerFaults(`the indexer ${indexerUrl} answered a check`)
      if (isSuspect(result)) await probeIndexer(options.signal)
      const ofRound = checks.get(round) ?? []
      ofRound.push({ minerId: task.minerId, retrievalResult: result })
      checks.set(round, ofRound)
      const code = roundFault(ofRound)
      if (code && !faults.has(code)) {
        const providers = new Set(ofRound.map((c) => c.minerId)).size
        faults.set(code, `all ${ofRound.length} checks of round ${round} so far failed with ${result}, at ${providers} providers`)
        ruled = { round, code }
      } else if (!code && ruled?.round === round) {
        faults.clear(ruled.code, `a check of round ${round} gave ${result}`)
        ruled = undefined
      }
      return blame(result, faults.codes())
    },
    async roundStarted(round, options = {}) {
      for (const r of checks.keys()) if (r < round) checks.delete(r)
      if (ruled && ruled.round < round) {
        faults.clear(ruled.code, `round ${ruled.round} is over`)
        ruled = undefined
      }
      if (faults.has('IPNI_UNREACHABLE') || faults.has('NO_NETWORK')) await probeIndexer(options.signal)
    },
  }
}
