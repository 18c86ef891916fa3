import { parentPort, workerData } from 'node:worker_threads'
import { runRounds } from './run.js'
import type { ValidatedScenario } from './types.js'

/** Worker entry of `runScenarioParallel`: one contiguous range of rounds. */
const { scenario, from, to } = workerData as { scenario: ValidatedScenario; from: number; to: number }
parentPort?.postMessage(runRounds(scenario, from, to))
