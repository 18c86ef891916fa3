import type { ProviderResult, RunResult, Scenario } from '../src/index.js'

/** A small scenario: every node in its own /24, no adversaries, no loss. */
export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    seed: 'test',
    nodes: 300,
    tasksPerRound: 30,
    maxTasksPerNode: 10,
    minCommitteeSize: 10,
    rounds: 5,
    providers: [{ minerId: 'f0100', successRate: 1 }],
    ...overrides,
  }
}

export function provider(result: RunResult, minerId: string): ProviderResult {
  const p = result.providers.find((x) => x.minerId === minerId)
  if (!p) throw new Error(`no provider ${minerId} in the result`)
  return p
}

export function withoutTiming(result: RunResult): Omit<RunResult, 'timing'> {
  const { timing: _, ...rest } = result
  return rest
}
