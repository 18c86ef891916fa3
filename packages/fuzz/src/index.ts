/**
 * Fuzzing of every decoder and validator a peer or a file can reach (`npm run fuzz`, test/fuzz):
 * mutation-heavy fast-check arbitraries, one target per decoder, and a runner that classifies each
 * input as accepted, rejected with a code, a crash or a hang. A package of its own on the top floor:
 * it reaches every decoder (the CLI's and the simulator's too), and what a node or the CLI runs never loads fast-check.
 */
// libp2p needs Promise.withResolvers, which Node 20 lacks; the node package is imported below
import '@spark-swarm/node/polyfill'

export { type Classification, classify, describe, HANG_MS } from './classify.js'
export { cborInputs, jsonTextInputs, jsonValueInputs, toJsonText } from './inputs.js'
export { applyByteMutations, type ByteMutation, byteMutation, byteMutations, mutatedBytes, mutatedText } from './mutate-bytes.js'
export {
  applyValueMutation,
  mutatedValue,
  nested,
  oddCborValue,
  oddJsonValue,
  type ValueMutation,
  valueMutation,
  valuePaths,
} from './mutate-value.js'
export { buildRoundFixture, type RoundFixture, roundFixture } from './round-fixture.js'
export { type BlockRef, mutateRound, type RoundMutation } from './round-mutation.js'
export { type FuzzFailure, type RunTargetOptions, runTarget, type TargetStats } from './run-target.js'
export { codeWhenInstance, FuzzInvariantError, type FuzzTarget, invariant } from './target.js'
export { createFuzzPlan, type FuzzPlanEntry } from './targets/all.js'
export { type CarFileInput, cliConfigTarget, cliVerifyTarget } from './targets/cli.js'
export { catalogueTarget, paramsTarget, trackerConfigTarget } from './targets/config.js'
export { drandBeaconTarget } from './targets/drand.js'
export { GOSSIP_CODES, gossipAttestationTarget, gossipMeasurementTarget } from './targets/gossip.js'
export { attestationCborTarget, measurementCborTarget, measurementJsonTarget } from './targets/messages.js'
export { peerCatalogueTarget } from './targets/peer-catalogue.js'
export { ipniTarget, minerInfoTarget, multiaddrTarget } from './targets/provider-lookup.js'
export { retrievalCarTarget } from './targets/retrieval-car.js'
export { scenarioTarget } from './targets/scenario.js'
export { sparkLineTarget, sparkRoundTarget } from './targets/spark.js'
export { summaryBlocksTarget, verifyRoundTarget } from './targets/summary.js'
export { TRACKER_CODES, trackerClientTarget, trackerHttpTarget } from './targets/tracker.js'
