import { startSwarm } from '@spark-swarm/devnet'
import type { RoundEvaluatedDetail } from '@spark-swarm/node'
import type { RunResult, Scenario } from '@spark-swarm/sim'

/** One provider as the real swarm and the model saw it. */
export interface EmulationRow {
  minerId: string
  trueRate: number
  real: { perRequest: number | null; committee: number | null; samples: number }
  model: { perRequest: number | null; committee: number | null; samples: number }
}

export interface Emulation {
  nodes: number
  rounds: number
  providers: EmulationRow[]
  committeeSize: { real: number; model: number }
  /** Own measurements published vs received by the observing node: the network's delivery. */
  delivery: number
  disagreements: string[]
}

/** The emulated swarm is small: real libp2p nodes on one machine. */
export const EMULATE_MAX_NODES = 12

/** The scenario the swarm can run: a few honest nodes and rounds, no loss, tasks for every provider. */
function emulatedScenario(scenario: Scenario): Scenario {
  return {
    ...scenario,
    nodes: Math.min(scenario.nodes, EMULATE_MAX_NODES),
    rounds: Math.min(scenario.rounds, 4),
    adversaries: [],
    churn: 0,
    messageLoss: 0,
    lateDelivery: 0,
    tasksPerRound: Math.min(scenario.tasksPerRound, scenario.providers.length * 2),
  }
}

/** What the observing node (node 0) evaluated per round, and how many measurements each round's nodes published. */
interface SwarmRun {
  evaluations: RoundEvaluatedDetail[]
  published: Map<number, number>
}

/** Runs `small` on a devnet swarm (flaky providers standing in for success rates) until node 0 evaluated its rounds. */
async function runSwarm(small: Scenario, seed: string, log: (line: string) => void): Promise<SwarmRun> {
  const rounds = small.rounds
  const swarm = await startSwarm({
    nodes: small.nodes,
    seed,
    blocksPerProvider: 2,
    providers: small.providers.map((p) =>
      p.successRate >= 1
        ? { minerId: p.minerId, profile: { kind: 'healthy' as const } }
        : { minerId: p.minerId, profile: { kind: 'flaky' as const, failShare: 1 - p.successRate } },
    ),
    params: {
      roundDurationMs: 3_000,
      gracePeriodMs: 1_000,
      tasksPerRound: small.tasksPerRound,
      maxTasksPerNode: small.maxTasksPerNode,
      minCommitteeSize: small.minCommitteeSize,
      // one shard: the observing node sees every measurement, as the model's evaluator does
      committeeShards: 1,
    },
  })
  const evaluations: RoundEvaluatedDetail[] = []
  const published = new Map<number, number>()
  try {
    for (const node of swarm.nodes)
      node.addEventListener('measurement:published', (e) => published.set(e.detail.round, (published.get(e.detail.round) ?? 0) + 1))
    await new Promise<void>((resolve, reject) => {
      // a guard against a swarm that never ends, not a speed target: 12 nodes in one process on a
      // busy 2-core machine start late and fall behind, so it allows a minute beyond the rounds
      const limitMs = (rounds + 4) * 3_000 + 60_000
      const timer = setTimeout(
        () =>
          reject(
            new Error(`the emulated swarm did not finish its ${rounds} rounds in ${limitMs / 1000} s (${evaluations.length} evaluated)`),
          ),
        limitMs,
      )
      swarm.nodes[0]?.addEventListener('round:evaluated', (e) => {
        if (evaluations.some((x) => x.round === e.detail.round)) return
        evaluations.push(e.detail)
        log(
          `emulated round ${e.detail.round}: ${e.detail.evaluation.measurements.length} measurements, ${e.detail.evaluation.committees.length} committees`,
        )
        if (evaluations.length >= rounds) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
  } finally {
    await swarm.stop()
  }
  return { evaluations, published }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

/** One provider's estimates, pooled over the swarm's rounds, next to the model's. */
function providerRow(p: Scenario['providers'][number], evaluations: readonly RoundEvaluatedDetail[], model: RunResult): EmulationRow {
  let ok = 0
  let total = 0
  let comOk = 0
  let comTotal = 0
  for (const e of evaluations) {
    const s = e.evaluation.providers[p.minerId]
    if (!s) continue
    ok += s.perRequest.successes
    total += s.perRequest.total
    comOk += s.committee.successes
    comTotal += s.committee.total
  }
  const m = model.providers.find((x) => x.minerId === p.minerId)
  return {
    minerId: p.minerId,
    trueRate: p.successRate,
    real: { perRequest: total ? ok / total : null, committee: comTotal ? comOk / comTotal : null, samples: total },
    model: { perRequest: m?.perRequest.rate ?? null, committee: m?.committee.rate ?? null, samples: m?.perRequest.samples ?? 0 },
  }
}

/** Where the network and the model disagree: committee size, per-request estimates, delivery. */
function disagreementsOf(committeeSize: Emulation['committeeSize'], providers: readonly EmulationRow[], delivery: number): string[] {
  const out: string[] = []
  if (Math.abs(committeeSize.real - committeeSize.model) > Math.max(1, 0.25 * committeeSize.model)) {
    out.push(`mean committee size: real ${committeeSize.real.toFixed(1)}, model ${committeeSize.model.toFixed(1)}`)
  }
  for (const row of providers) {
    if (row.real.perRequest !== null && row.model.perRequest !== null && Math.abs(row.real.perRequest - row.model.perRequest) > 0.2) {
      out.push(
        `${row.minerId} per-request RSR: real ${(row.real.perRequest * 100).toFixed(0)} %, model ${(row.model.perRequest * 100).toFixed(0)} %`,
      )
    }
  }
  if (delivery < 0.95)
    out.push(`delivery: the observing node evaluated ${(delivery * 100).toFixed(0)} % of what was published (model: 100 %)`)
  return out
}

/**
 * `sim --emulate`: the same providers and parameters on a small swarm of real nodes (devnet on
 * loopback, flaky providers standing in for success rates), next to the model's answer, listing
 * where the two disagree (delivery, committee sizes, estimates outside each other's intervals).
 * Adversaries are not emulated: real nodes are honest.
 */
export async function runEmulation(
  scenario: Scenario,
  runModel: (s: Scenario) => RunResult,
  log: (line: string) => void,
): Promise<Emulation> {
  const small = emulatedScenario(scenario)
  const { evaluations, published } = await runSwarm(small, scenario.seed, log)
  const model = runModel(small)
  const received = sum(evaluations.map((e) => e.evaluation.measurements.length))
  const providers = small.providers.map((p) => providerRow(p, evaluations, model))
  const realSizes = evaluations.flatMap((e) => e.evaluation.committees.map((c) => c.size))
  const committeeSize = { real: realSizes.length ? sum(realSizes) / realSizes.length : 0, model: model.committees.meanSize }
  const sent = sum(evaluations.map((e) => published.get(e.round) ?? 0))
  const delivery = sent > 0 ? received / sent : 0
  const disagreements = disagreementsOf(committeeSize, providers, delivery)
  return { nodes: small.nodes, rounds: evaluations.length, providers, committeeSize, delivery, disagreements }
}
