import { DEMO_PROVIDERS, startSwarm } from '@spark-swarm/devnet'
import type { RoundEvaluatedDetail, SummaryAnchoredDetail } from '@spark-swarm/node'
import { type CommitteeResult, type Rate, scoreProviders, taskId } from '@spark-swarm/protocol'

export interface DemoOptions {
  nodes: number
  rounds: number
  roundSeconds: number
  write: (line: string) => void
}

interface RoundReport {
  evaluated: Map<number, RoundEvaluatedDetail>
  anchored: Map<number, SummaryAnchoredDetail>
}

const pct = (r: Rate): string =>
  (r.rate === null
    ? 'n/a'
    : `${(r.rate * 100).toFixed(1)}% (${Number(r.successes.toFixed(2))}/${r.total}) [${((r.interval?.lower ?? 0) * 100).toFixed(0)}–${((r.interval?.upper ?? 0) * 100).toFixed(0)}]`
  ).padEnd(26)

/**
 * `npm start`: a whole Spark Swarm on loopback (fake providers that are healthy, flaky and
 * broken, a fake IPNI and chain RPC, and N checker nodes gossiping over libp2p) for a few rounds,
 * printing what the network concluded each round; then it stops everything and returns.
 */
export async function runDemo({ nodes, rounds, roundSeconds, write }: DemoOptions): Promise<void> {
  write(`Spark Swarm devnet: ${nodes} checker nodes on 127.0.0.1, ${rounds} rounds of ${roundSeconds} s`)
  write(`providers: ${DEMO_PROVIDERS.map((p) => `${p.minerId} ${describeProfile(p.profile)}`).join(', ')}`)
  const swarm = await startSwarm({
    nodes,
    // One measurement topic: a summary lists every committee its node saw, and with shards a node
    // of a handful follows only some topics in some rounds, so its summary would differ by design
    params: { roundDurationMs: roundSeconds * 1000, gracePeriodMs: 1000, maxTasksPerNode: 4, minCommitteeSize: 3, committeeShards: 1 },
  })
  const reports = new Map<number, RoundReport>()
  const report = (round: number) => {
    let r = reports.get(round)
    if (!r) {
      r = { evaluated: new Map(), anchored: new Map() }
      reports.set(round, r)
    }
    return r
  }
  let printed = 0
  const shown = new Set<number>()
  const finished = new Promise<void>((resolve) => {
    swarm.nodes.forEach((node, i) => {
      node.addEventListener('round:evaluated', (e) => report(e.detail.round).evaluated.set(i, e.detail))
      node.addEventListener('summary:anchored', (e) => {
        const r = report(e.detail.round)
        r.anchored.set(i, e.detail)
        // a node that caught up anchors a round again: print each round once
        if (r.anchored.size === swarm.nodes.length && !shown.has(e.detail.round)) {
          shown.add(e.detail.round)
          print(e.detail.round, r)
          if (++printed >= rounds) resolve()
        }
      })
    })
  })
  write(`nodes: ${swarm.nodes.map((n) => n.peerId.slice(-6)).join(' ')}; catalogue of ${swarm.world.catalogue.entries.length} tasks`)

  function print(round: number, r: RoundReport) {
    // each committee as its members computed it (every member of a committee evaluates it)
    const committees = new Map<string, { result: CommitteeResult; members: number[] }>()
    for (const [i, detail] of r.evaluated) {
      for (const c of detail.evaluation.committees) {
        const id = taskId(c.task)
        if (!detail.mine.some((t) => taskId(t) === id)) continue
        const entry = committees.get(id) ?? { result: c, members: [] }
        entry.members.push(i)
        committees.set(id, entry)
      }
    }
    const summaries = new Map<string, number>()
    for (const a of r.anchored.values()) summaries.set(a.summaryCid, (summaries.get(a.summaryCid) ?? 0) + 1)
    write('')
    write(`round ${round}: ${committees.size} committees`)
    write(`  ${'task'.padEnd(16)} ${'provider'.padEnd(8)} ${'size'.padStart(4)}  ${'majority'.padEnd(20)} ${'agree'.padEnd(6)} members`)
    const sorted = [...committees.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
    for (const [id, { result, members }] of sorted) {
      const cids = members.map((i) => r.anchored.get(i)?.attested[id])
      const same = cids.filter((c) => c === cids[0]).length
      const counts = Object.entries(result.counts)
        .map(([code, n]) => `${code}×${n}`)
        .join(' ')
      write(
        `  …${result.task.cid.slice(-14)} ${result.task.minerId.padEnd(8)} ${String(result.size).padStart(4)}  ${result.retrievalResult.padEnd(20)} ${`${same}/${members.length}`.padEnd(6)} ${counts}`,
      )
    }
    const scores = scoreProviders(
      sorted.map(([, { result }]) => ({ minerId: result.task.minerId, retrievalResult: result.retrievalResult, counts: result.counts })),
    )
    write(`  ${'provider'.padEnd(8)} ${'per-request RSR'.padEnd(26)} ${'committee RSR'.padEnd(26)} committee-fraction RSR`)
    for (const [minerId, s] of Object.entries(scores))
      write(`  ${minerId.padEnd(8)} ${pct(s.perRequest)} ${pct(s.committee)} ${pct(s.committeeFraction)}`)
    for (const [cid, n] of summaries) write(`  summary ${cid}  anchored by ${n} of ${swarm.nodes.length} nodes`)
  }

  try {
    const deadline = (rounds + 3) * roundSeconds * 1000 + 15_000
    await Promise.race([
      finished,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the devnet did not finish its rounds in time')), deadline).unref()),
    ])
  } finally {
    await swarm.stop()
  }
  write('')
  write('devnet stopped')
}

function describeProfile(p: (typeof DEMO_PROVIDERS)[number]['profile']): string {
  if (p.kind === 'flaky') return `flaky (${p.failShare * 100}% fail)`
  if (p.kind === 'http-5xx') return `broken (HTTP ${p.status})`
  return p.kind
}
