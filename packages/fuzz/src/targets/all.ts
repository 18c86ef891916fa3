import type { FuzzTarget } from '../target.js'
import { cliConfigTarget, cliVerifyTarget } from './cli.js'
import { catalogueTarget, paramsTarget, trackerConfigTarget } from './config.js'
import { drandBeaconTarget } from './drand.js'
import { gossipAttestationTarget, gossipMeasurementTarget } from './gossip.js'
import { attestationCborTarget, measurementCborTarget, measurementJsonTarget } from './messages.js'
import { peerCatalogueTarget } from './peer-catalogue.js'
import { ipniTarget, minerInfoTarget, multiaddrTarget } from './provider-lookup.js'
import { retrievalCarTarget } from './retrieval-car.js'
import { scenarioTarget } from './scenario.js'
import { sparkLineTarget, sparkRoundTarget } from './spark.js'
import { summaryBlocksTarget, verifyRoundTarget } from './summary.js'
import { trackerClientTarget, trackerHttpTarget } from './tracker.js'

export interface FuzzPlanEntry {
  // biome-ignore lint/suspicious/noExplicitAny: a list of targets of different input types
  target: FuzzTarget<any>
  /** Inputs the bench feeds it: pure decoders get the most, network round trips fewer. */
  benchRuns: number
}

/**
 * Every decoder and validator a peer or a file can reach, with the bench's share of inputs
 * (177,000 in all).
 */
export async function createFuzzPlan(): Promise<FuzzPlanEntry[]> {
  return [
    { target: measurementCborTarget(), benchRuns: 12_000 },
    { target: measurementJsonTarget(), benchRuns: 10_000 },
    { target: attestationCborTarget(), benchRuns: 10_000 },
    { target: gossipMeasurementTarget(), benchRuns: 8_000 },
    { target: gossipAttestationTarget(), benchRuns: 6_000 },
    { target: summaryBlocksTarget(), benchRuns: 10_000 },
    { target: verifyRoundTarget(), benchRuns: 4_000 },
    { target: retrievalCarTarget(), benchRuns: 10_000 },
    { target: ipniTarget(), benchRuns: 10_000 },
    { target: await minerInfoTarget(), benchRuns: 6_000 },
    { target: multiaddrTarget(), benchRuns: 10_000 },
    { target: drandBeaconTarget(), benchRuns: 5_000 },
    { target: sparkLineTarget(), benchRuns: 10_000 },
    { target: sparkRoundTarget(), benchRuns: 6_000 },
    { target: paramsTarget(), benchRuns: 10_000 },
    { target: catalogueTarget(), benchRuns: 8_000 },
    { target: peerCatalogueTarget(), benchRuns: 6_000 },
    { target: trackerConfigTarget(), benchRuns: 10_000 },
    { target: scenarioTarget(), benchRuns: 8_000 },
    { target: await cliConfigTarget(), benchRuns: 5_000 },
    { target: await cliVerifyTarget(), benchRuns: 2_000 },
    { target: await trackerHttpTarget(), benchRuns: 5_000 },
    { target: trackerClientTarget(), benchRuns: 6_000 },
  ]
}
