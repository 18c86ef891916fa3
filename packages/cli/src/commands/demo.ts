import { DEMO_PROVIDERS, startSwarm } from '@spark-swarm/devnet'
import { HOW_TO_READ, type RoundReport, writeAgreement, writeRound } from './demo-report.js'

export interface DemoOptions {
  nodes: number
  rounds: number
  roundSeconds: number
  write: (line: string) => void
}

type SwarmNodes = Awaited<ReturnType<typeof startSwarm>>['nodes']

/**
 * Collects what every node says about each round and calls `onRound` once per round, when all
 * nodes have anchored it; resolves after `rounds` rounds.
 */
function watchRounds(
  nodes: SwarmNodes,
  rounds: number,
  onRound: (round: number, r: RoundReport) => void,
): { finished: Promise<void>; reports: Map<number, RoundReport>; shown: Set<number> } {
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
    nodes.forEach((node, i) => {
      node.addEventListener('round:evaluated', (e) => report(e.detail.round).evaluated.set(i, e.detail))
      node.addEventListener('summary:anchored', (e) => {
        const r = report(e.detail.round)
        r.anchored.set(i, e.detail)
        // a node that caught up anchors a round again: print each round once
        if (r.anchored.size === nodes.length && !shown.has(e.detail.round)) {
          shown.add(e.detail.round)
          onRound(e.detail.round, r)
          if (++printed >= rounds) resolve()
        }
      })
    })
  })
  return { finished, reports, shown }
}

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
  const { finished, reports, shown } = watchRounds(swarm.nodes, rounds, (round, r) => writeRound(round, r, swarm.nodes.length, write))
  write(`nodes: ${swarm.nodes.map((n) => n.peerId.slice(-6)).join(' ')}; catalogue of ${swarm.world.catalogue.entries.length} tasks`)
  write('')
  for (const line of HOW_TO_READ) write(line)
  try {
    const deadline = (rounds + 3) * roundSeconds * 1000 + 15_000
    await Promise.race([
      finished,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the devnet did not finish its rounds in time')), deadline).unref()),
    ])
    // re-anchorings (catch-up, re-links) update `reports`: the line says what the nodes hold now
    write('')
    writeAgreement(reports, [...shown], swarm.nodes.length, write)
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
