import { decodeSignedMeasurement, isVersion2, type ProtocolParams } from '@spark-swarm/protocol'
import { checkMeasurementAdmission, type GossipAdmission } from '../../gossip/admission.js'
import type { NodeStore } from '../../store/index.js'

/*
 * Which participants each station measured for is what a version-2 node judges attesters by
 * (spec §12.5), and it lived in memory only: after a restart, the measurements accepted before it
 * were in the store, yet every honest member's attestation of those rounds was Ignored as
 * ATTESTER_UNKNOWN until the rounds closed. This relearns it from the stored measurements of the
 * rounds whose attestations are still collected, with the checks the validator makes (the
 * participant's eligibility, the binding), so a station counts only as it would have in gossip.
 */

/** Rounds back from the current one whose attestations are still judged (spec §12.5, attestation rule 7). */
const ATTESTED_ROUNDS_BACK = 2

/** Records the stations of the stored measurements of rounds `current − 2 … current`; resolves with how many measurements were. */
export async function restoreAttesters(
  admission: GossipAdmission,
  params: ProtocolParams,
  store: Pick<NodeStore, 'measurementsOfRound'>,
  current: number,
): Promise<number> {
  const checks: Array<Promise<boolean>> = []
  for (let round = Math.max(0, current - ATTESTED_ROUNDS_BACK); round <= current; round++) {
    for (const { bytes } of store.measurementsOfRound(round)) {
      let m: ReturnType<typeof decodeSignedMeasurement>
      try {
        m = decodeSignedMeasurement(bytes)
      } catch {
        continue
      }
      if (!isVersion2(m) || m.round !== round || m.network !== params.network) continue
      const measured = m
      // all at once: the chain reader shares the reads of a participant and bounds the calls in flight
      checks.push(
        checkMeasurementAdmission(admission, params.network, measured).then(
          () => {
            admission.accepted(round, measured.stationId, measured.participant)
            return true
          },
          // not eligible, a bad binding, or the chain cannot be read: as the validator, this node does not count it
          () => false,
        ),
      )
    }
  }
  return (await Promise.all(checks)).filter(Boolean).length
}
