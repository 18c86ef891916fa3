import { parseScenarioFile, ScenarioError } from '@spark-swarm/sim'
import { jsonTextInputs } from '../inputs.js'
import { codeWhenInstance, type FuzzTarget } from '../target.js'

const SCENARIOS = [
  {
    name: 'committees under always-fail liars',
    seed: 'spark swarm research 1',
    nodes: 600,
    tasksPerRound: 100,
    maxTasksPerNode: 15,
    minCommitteeSize: 30,
    rounds: 20,
    providers: [
      { minerId: 'f01000', successRate: 1 },
      { minerId: 'f01003', successRate: 0.2, failureMix: { TIMEOUT: 1, HTTP_502: 1 } },
      { minerId: 'f01004', successRate: 0.9, kind: 'region-blocked', blockedGroups: ['10.0.'] },
    ],
    adversaries: [
      { kind: 'always-fail', share: 0.01 },
      { kind: 'grinding', share: 0.02, targetMinerId: 'f01000', identitiesPerRound: 10 },
      { kind: 'lazy', share: 0.1, skipShare: 0.3 },
    ],
    churn: 0.02,
    messageLoss: 0.01,
  },
  {
    seed: 1,
    nodes: 10,
    tasksPerRound: 5,
    maxTasksPerNode: 2,
    minCommitteeSize: 1,
    rounds: 1,
    providers: [{ minerId: 'f01', successRate: 0.5 }],
  },
]

/** `parseScenarioFile`: `spark-swarm sim --scenario scenario.json`. */
export function scenarioTarget(): FuzzTarget<string> {
  return {
    name: 'sim scenario file',
    arbitrary: jsonTextInputs(SCENARIOS),
    run(text) {
      parseScenarioFile(text, 'scenario.json')
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, ScenarioError),
    codes: ['SCENARIO_INVALID'],
  }
}
