import type { CheckerNode, RoundEvaluatedDetail, SummaryAnchoredDetail } from '@spark-swarm/node'

/** Resolves once `ok()` holds (checked every 50 ms); rejects with `what` after `timeoutMs`. */
export function waitFor(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const check = () => {
      if (ok()) resolve()
      else if (Date.now() > deadline) reject(new Error(`${what}: not within ${timeoutMs} ms`))
      else setTimeout(check, 50)
    }
    check()
  })
}

/** What a swarm's nodes evaluated and anchored, by round and node index, as the tests read it. */
export interface SwarmWatch {
  /** Each node's evaluation of a round (the latest, after a catch-up). */
  evaluated: Map<number, Map<number, RoundEvaluatedDetail>>
  /** Every anchoring in order: a node anchors a round again after a catch-up. */
  anchorings: Array<SummaryAnchoredDetail & { node: number; at: number }>
  /** The latest anchoring of the round by each node. */
  latest(round: number): Map<number, SummaryAnchoredDetail & { at: number }>
  /** True when `count` nodes anchored the round and their latest anchorings attest the same committee CIDs. */
  attestedAlike(round: number, count: number): boolean
  /** Waits until `count` nodes evaluated the round. */
  evaluatedBy(round: number, count: number, timeoutMs: number): Promise<void>
}

export function watchSwarm(nodes: readonly CheckerNode[]): SwarmWatch {
  const evaluated = new Map<number, Map<number, RoundEvaluatedDetail>>()
  const anchorings: SwarmWatch['anchorings'] = []
  nodes.forEach((node, i) => {
    node.addEventListener('round:evaluated', (e) => {
      evaluated.set(e.detail.round, (evaluated.get(e.detail.round) ?? new Map()).set(i, e.detail))
    })
    node.addEventListener('summary:anchored', (e) => anchorings.push({ ...e.detail, node: i, at: Date.now() }))
  })
  const latest = (round: number) => {
    const out = new Map<number, SummaryAnchoredDetail & { at: number }>()
    for (const a of anchorings) if (a.round === round) out.set(a.node, a)
    return out
  }
  return {
    evaluated,
    anchorings,
    latest,
    attestedAlike(round, count) {
      const details = [...latest(round).values()]
      return details.length === count && new Set(details.map((d) => JSON.stringify(Object.entries(d.attested).sort()))).size === 1
    },
    evaluatedBy(round, count, timeoutMs) {
      return waitFor(`round ${round} evaluated by ${count} nodes`, () => (evaluated.get(round)?.size ?? 0) >= count, timeoutMs)
    },
  }
}
