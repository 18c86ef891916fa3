import { type FuzzTarget, runTarget, type TargetStats } from '@spark-swarm/fuzz'

/** Inputs per target: small in CI (all fuzz tests in well under a minute), more with FUZZ_RUNS=10000. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 500)
/** Deterministic by default; fast-check prints the seed and path of a failure to replay it. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_121)

/**
 * Runs the target and fails on the first crash or hang with fast-check's report (the input
 * shrunk, and the seed and path that replay it). Returns the counts for further checks.
 */
export async function fuzz<T>(target: FuzzTarget<T>, runs = FUZZ_RUNS): Promise<TargetStats> {
  try {
    return await runTarget(target, { runs, seed: FUZZ_SEED, stopOnFailure: true })
  } finally {
    await target.close?.()
  }
}
