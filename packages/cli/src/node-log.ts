import { type CheckerNode, LOCAL_FAULT_ADVICE, type Logger } from '@spark-swarm/node'

/**
 * The node's progress as info lines, from its events: without them an operator's log never said
 * that a round's measurements went out, that a round was evaluated, or that its summary was
 * anchored, only the warnings and errors.
 */
export function logNodeProgress(node: CheckerNode, log: Logger): void {
  // one round's count of published measurements, so each line says how far this round is
  const published = new Map<number, number>()
  node.addEventListener('measurement:published', ({ detail }) => {
    const count = (published.get(detail.round) ?? 0) + 1
    published.set(detail.round, count)
    for (const round of published.keys()) if (round < detail.round - 2) published.delete(round)
    log.info(`round ${detail.round}: measurement published`, {
      round: detail.round,
      published: count,
      minerId: detail.task.minerId,
      retrievalResult: detail.retrievalResult,
      cid: detail.cid,
    })
  })
  node.addEventListener('measurement:withheld', ({ detail }) => {
    log.info(`round ${detail.round}: measurement withheld (${detail.reason})`, {
      round: detail.round,
      minerId: detail.task.minerId,
      retrievalResult: detail.retrievalResult,
      reason: detail.reason,
    })
  })
  logLocalFaults(node, log)
  node.addEventListener('round:evaluated', ({ detail }) => {
    const { evaluation } = detail
    log.info(`round ${detail.round}: evaluated`, {
      round: detail.round,
      measurements: evaluation.measurements.length,
      dropped: evaluation.dropped.length,
      committees: evaluation.committees.length,
      providers: Object.keys(evaluation.providers).length,
      mine: detail.mine.length,
    })
  })
  node.addEventListener('summary:anchored', ({ detail }) => {
    // a re-anchored round says why: catch-up pulled missing measurements, or relink followed a changed previous summary
    const again = detail.reanchored ? ` again (${detail.reanchored})` : ''
    log.info(`round ${detail.round}: summary anchored${again}`, {
      round: detail.round,
      summaryCid: detail.summaryCid,
      committeesAttested: Object.keys(detail.attested).length,
      ...(detail.reanchored ? { reanchored: detail.reanchored } : {}),
    })
  })
}

/**
 * One line when a local fault begins, one when it ends (spec §5.4): what failed, that the node
 * withholds what it would blame on providers meanwhile, and what to do.
 */
function logLocalFaults(node: CheckerNode, log: Logger): void {
  node.addEventListener('local-fault', ({ detail }) => {
    if (detail.state === 'set') {
      log.warn(
        `local fault ${detail.code}: ${detail.message} — measurements are withheld until it clears; ${LOCAL_FAULT_ADVICE[detail.code]}`,
        { code: detail.code },
      )
    } else {
      const seconds = Math.round((Date.now() - detail.since) / 1000)
      log.info(`local fault ${detail.code} cleared after ${seconds} s: ${detail.message}; measurements are published again`, {
        code: detail.code,
      })
    }
  })
}

/**
 * What `start` says of the node's inet group: the one set and where, or that it is learned from
 * peers (spec §5.5), logged with code INET_GROUP_OBSERVED once they agree.
 */
export function inetGroupLine(inetGroup: string | undefined, source: string | undefined): string {
  if (inetGroup !== undefined) return `${inetGroup} (set by ${source ?? 'the config'})`
  return 'learned from the addresses peers observe this node at: "unknown" until peers in two networks agree (--inet-group sets it)'
}
