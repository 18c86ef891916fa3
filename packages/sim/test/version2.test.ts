import { createHash } from 'node:crypto'
import { localBeaconRandomness, type RoundEvaluation } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { runScenario, runScenarioParallel, type Scenario, validateScenario } from '../src/index.js'
import { type RoundOutput, simulateRound } from '../src/round.js'
import { RunState } from '../src/run-state.js'
import { buildWorld } from '../src/world.js'
import { provider, scenario, withoutTiming } from './helpers.js'

/*
 * Version 2 in the simulator (spec §13): the protocol's evaluation, given the run's admission
 * snapshot, decides what grinders' and deposit-holders' measurements are worth.
 */

const providers = [
  { minerId: 'f01', successRate: 1 },
  { minerId: 'f02', successRate: 1 },
]

/** The rounds of a scenario with the evaluation kept, on one RunState (its binding cache and pools). */
function evaluatedRounds(s: Scenario, prepare: (run: RunState) => void = () => {}) {
  const world = buildWorld(validateScenario(s))
  const run = new RunState(world)
  prepare(run)
  const rounds: Array<Required<RoundOutput>> = []
  for (let round = 0; round < s.rounds; round++) {
    run.population.advanceTo(round)
    const out = simulateRound(world, run, round, localBeaconRandomness(world.genesisSeed, round), { keepEvaluation: true })
    rounds.push(out as Required<RoundOutput>)
  }
  return { world, run, rounds }
}

/** The labels of the adversaries' measurements and of the honest ones, over all rounds. */
function labels(rounds: ReadonlyArray<Required<RoundOutput>>) {
  const adversarial: RoundEvaluation['measurements'] = []
  const honest: RoundEvaluation['measurements'] = []
  for (const { evaluation, adversarial: flags } of rounds) {
    evaluation.measurements.forEach((m, j) => {
      ;(flags[j] === 1 ? adversarial : honest).push(m)
    })
  }
  return { adversarial, honest }
}

const grinding = scenario({
  protocolVersion: 2,
  nodes: 120,
  tasksPerRound: 20,
  maxTasksPerNode: 5,
  minCommitteeSize: 1,
  rounds: 3,
  providers,
  adversaries: [{ kind: 'grinding', share: 0.25, identitiesPerRound: 200, targetMinerId: 'f02' }],
})

describe('version 2: grinding', () => {
  it("the protocol labels every grinder's measurement NOT_ELIGIBLE, and the target keeps its RSR", () => {
    const { run, rounds } = evaluatedRounds(grinding)
    const { adversarial, honest } = labels(rounds)
    expect(adversarial.length).toBeGreaterThan(50)
    expect(new Set(adversarial.map((m) => m.taskingEvaluation))).toEqual(new Set(['NOT_ELIGIBLE']))
    // they did aim at the target: the minted participants it kept are assigned to f02's tasks
    expect(adversarial.every((m) => m.task.minerId === 'f02')).toBe(true)
    expect(honest.every((m) => m.taskingEvaluation === 'OK' && m.participant !== undefined)).toBe(true)
    expect(honest).toHaveLength(90 * 5 * 3)
    // each honest binding verified once for the run, none of the grinders' (refused before the recovery)
    expect(run.bindingCache.size).toBe(90)
    const result = runScenario(grinding)
    expect(result.measurements.byTasking).toEqual({ NOT_ELIGIBLE: adversarial.length, OK: honest.length })
    expect(provider(result, 'f02').committee.rate).toBe(1)
    expect(result.committees.capturedByAdversaries).toBe(0)
  })

  it('their bindings are valid: funded, the same minted participants would count', () => {
    // fund the pool by hand (what the attack cannot do: the height is final before the seed)
    const { rounds } = evaluatedRounds(grinding, (run) => {
      for (const p of run.minted(0, 0).assignees) run.population.eligible.add(p)
    })
    const { adversarial } = labels(rounds)
    expect(adversarial.length).toBeGreaterThan(50)
    expect(adversarial.some((m) => m.taskingEvaluation === 'NOT_ELIGIBLE' || m.taskingEvaluation === 'BINDING_INVALID')).toBe(false)
    expect(adversarial.filter((m) => m.taskingEvaluation === 'OK').length).toBeGreaterThan(adversarial.length / 2)
  })
})

describe('version 2: churn and workers', () => {
  it('a churned-in node is a new participant, funded in advance; workers give the sequential result', async () => {
    const s = { ...grinding, churn: 0.1, rounds: 4 }
    const sequential = runScenario(s)
    // every honest measurement counts, before and after churn: replaced participants are in the snapshot
    expect(sequential.measurements.byTasking.OK).toBe(90 * 5 * 4)
    expect(Object.keys(sequential.measurements.byTasking).sort()).toEqual(['NOT_ELIGIBLE', 'OK'])
    // the workers run the built package (dist/worker.js): `tsc -b` first
    expect(withoutTiming(await runScenarioParallel(s, { workers: 2 }))).toEqual(withoutTiming(sequential))
  })
})

describe('version 2: deposit-holder', () => {
  const holder = scenario({
    protocolVersion: 2,
    nodes: 120,
    tasksPerRound: 20,
    maxTasksPerNode: 5,
    minCommitteeSize: 1,
    rounds: 3,
    providers,
    adversaries: [{ kind: 'deposit-holder', participants: 40, targetMinerId: 'f02' }],
  })

  it("is eligible and publishes only for the target's tasks, lying", () => {
    const { rounds } = evaluatedRounds(holder)
    const { adversarial, honest } = labels(rounds)
    expect(adversarial.length).toBeGreaterThan(50)
    // fewer than K a round each: it withholds its other tasks
    expect(adversarial.length).toBeLessThan(40 * 5 * 3)
    expect(adversarial.every((m) => m.taskingEvaluation === 'OK' && m.task.minerId === 'f02' && m.retrievalResult === 'HTTP_502')).toBe(
      true,
    )
    expect(honest).toHaveLength(80 * 5 * 3)
    const result = runScenario(holder)
    expect(result.scenario.adversaries?.[0]).toEqual({
      kind: 'deposit-holder',
      share: 40 / 120,
      targetMinerId: 'f02',
      failureCode: 'HTTP_502',
      participants: 40,
    })
    expect(provider(result, 'f01').perRequest.rate).toBe(1)
    expect(provider(result, 'f02').perRequest.rate as number).toBeLessThan(0.8)
  })
})

describe('version 1 is unchanged', () => {
  it('a fixed scenario gives the result it gave before version 2 existed', () => {
    const result = runScenario({
      seed: 'v1 fixed',
      nodes: 200,
      tasksPerRound: 20,
      maxTasksPerNode: 10,
      minCommitteeSize: 5,
      rounds: 3,
      churn: 0.05,
      messageLoss: 0.02,
      providers: [
        { minerId: 'f01', successRate: 0.9 },
        { minerId: 'f02', successRate: 1 },
      ],
      adversaries: [
        { kind: 'always-fail', share: 0.1 },
        { kind: 'copier', share: 0.05 },
        { kind: 'sybil-one-group', share: 0.05 },
        { kind: 'grinding', share: 0.1, identitiesPerRound: 300, targetMinerId: 'f02' },
      ],
    })
    const json = JSON.stringify(withoutTiming(result))
    // SHA-256 of this JSON as the simulator computed it at commit d80a9d7, before it could run version 2
    expect(createHash('sha256').update(json).digest('hex')).toBe('0586aaeb472c48f660422b6aefdcfb8fe9f878661f86ba3c2301203ac317b1af')
    expect(result.measurements.byTasking).toEqual({ DUP_INET_GROUP: 135, OK: 5032, TOO_MANY_TASKS: 131 })
    expect(result.scenario).not.toHaveProperty('protocolVersion')
  })
})
