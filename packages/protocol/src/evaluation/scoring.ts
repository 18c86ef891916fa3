import { COMMITTEE_TOO_SMALL, countsTowardRsr, MAJORITY_NOT_FOUND } from '../result-codes.js'
import { type Interval, wilsonInterval } from './wilson.js'

/** A success rate with its sample count and 95 % Wilson interval. */
export interface Rate {
  successes: number
  total: number
  /** successes / total, null without samples. */
  rate: number | null
  interval: Interval | null
}

/** The three views of one provider's retrieval success rate, side by side. */
export interface ProviderScores {
  /** Spark/FIL+: every valid measurement (tasking OK, minority included) is a datapoint. */
  perRequest: Rate
  /** One 0/1 datapoint per committee whose majority result counts toward RSR. */
  committee: Rate
  /**
   * Per committee, the success fraction of its counting measurements, averaged over committees
   * (S3's "error rate per 5-minute bucket" analogue). `successes` is the sum of fractions,
   * `total` the number of committees; the interval treats committees as the samples.
   */
  committeeFraction: Rate
  /** Measurements left out of RSR by their result code (RPC failure, IPNI 5xx, …), per code. */
  excluded: Record<string, number>
  committees: { total: number; tooSmall: number; majorityNotFound: number }
}

/** What scoring needs of a committee: its provider, decision, and how many members reported each result. */
export interface ScoredCommittee {
  minerId: string
  retrievalResult: string
  counts: Readonly<Record<string, number>>
}

function rate(successes: number, total: number): Rate {
  return {
    successes,
    total,
    rate: total > 0 ? successes / total : null,
    interval: total > 0 ? wilsonInterval(successes, total) : null,
  }
}

/**
 * Scores every provider by the three methods from the same committees. Pure and order-stable:
 * providers come out sorted by miner id.
 */
export function scoreProviders(committees: Iterable<ScoredCommittee>): Record<string, ProviderScores> {
  interface Acc {
    reqOk: number
    reqTotal: number
    comOk: number
    comTotal: number
    fracSum: number
    fracCount: number
    excluded: Map<string, number>
    total: number
    tooSmall: number
    notFound: number
  }
  const acc = new Map<string, Acc>()
  for (const c of committees) {
    let a = acc.get(c.minerId)
    if (!a) {
      a = {
        reqOk: 0,
        reqTotal: 0,
        comOk: 0,
        comTotal: 0,
        fracSum: 0,
        fracCount: 0,
        excluded: new Map(),
        total: 0,
        tooSmall: 0,
        notFound: 0,
      }
      acc.set(c.minerId, a)
    }
    a.total++
    let ok = 0
    let counted = 0
    for (const [r, n] of Object.entries(c.counts)) {
      if (!countsTowardRsr(r)) {
        a.excluded.set(r, (a.excluded.get(r) ?? 0) + n)
        continue
      }
      counted += n
      if (r === 'OK') ok += n
    }
    a.reqOk += ok
    a.reqTotal += counted
    if (counted > 0) {
      a.fracSum += ok / counted
      a.fracCount++
    }
    if (c.retrievalResult === COMMITTEE_TOO_SMALL) a.tooSmall++
    else if (c.retrievalResult === MAJORITY_NOT_FOUND) a.notFound++
    else if (countsTowardRsr(c.retrievalResult)) {
      a.comTotal++
      if (c.retrievalResult === 'OK') a.comOk++
    }
  }
  const out: Record<string, ProviderScores> = {}
  for (const minerId of [...acc.keys()].sort()) {
    const a = acc.get(minerId) as Acc
    out[minerId] = {
      perRequest: rate(a.reqOk, a.reqTotal),
      committee: rate(a.comOk, a.comTotal),
      committeeFraction: rate(a.fracSum, a.fracCount),
      excluded: Object.fromEntries([...a.excluded.entries()].sort(([x], [y]) => (x < y ? -1 : 1))),
      committees: { total: a.total, tooSmall: a.tooSmall, majorityNotFound: a.notFound },
    }
  }
  return out
}
