import type { ProtocolParams, SignedMeasurement } from '@spark-swarm/protocol'
import { CHECKER_VERSION } from '@spark-swarm/protocol'
import { GENESIS_TIME } from './world.js'

const ZERO_SIGNATURE = new Uint8Array(64)
const NO_BINDING = new Uint8Array(65)

/**
 * Measurements reused from round to round. A 10,000-node round holds 150,000 of them;
 * allocating them afresh each round costs more in garbage collection than the simulation
 * itself. Safe because evaluation copies what it keeps out of each measurement (its output holds
 * strings and the round's task objects, never the measurement).
 */
export class RecordPool {
  readonly #params: ProtocolParams
  readonly #measurements: SignedMeasurement[] = []
  #flags = new Uint8Array(0)
  #orderedFlags = new Uint8Array(0)

  constructor(params: ProtocolParams) {
    this.#params = params
  }

  /**
   * Measurement `i`, created with every field on first use: one object shape for all, and
   * timestamps that are always doubles, so that rewriting them allocates nothing.
   */
  at(i: number): SignedMeasurement {
    while (i >= this.#measurements.length) {
      // version 2's three fields (spec §13.3) after stationId, as the spec orders them; version 1 has no such keys
      const bound = this.#params.protocolVersion === 2 ? { participant: '', bindingFromRound: 0, bindingSignature: NO_BINDING } : {}
      this.#measurements.push({
        protocolVersion: this.#params.protocolVersion,
        network: this.#params.network,
        round: 0,
        task: { cid: '', minerId: '' },
        stationId: '',
        ...bound,
        inetGroup: '',
        checkerVersion: CHECKER_VERSION,
        indexerResult: null,
        protocol: null,
        providerId: null,
        providerAddress: null,
        statusCode: null,
        headStatusCode: null,
        timeout: false,
        carTooLarge: false,
        byteLength: null,
        carChecksum: null,
        startAt: GENESIS_TIME + 0.5,
        firstByteAt: GENESIS_TIME + 0.5,
        endAt: GENESIS_TIME + 0.5,
        retrievalResult: '',
        signature: ZERO_SIGNATURE,
      })
    }
    return this.#measurements[i] as SignedMeasurement
  }

  /** A byte per pooled measurement, at least `capacity` of them (reused, not cleared). */
  flags(capacity: number): Uint8Array {
    if (this.#flags.length < capacity) this.#flags = new Uint8Array(capacity)
    return this.#flags
  }

  /** A second such array, for the same bytes in another order (reused, not cleared). */
  orderedFlags(capacity: number): Uint8Array {
    if (this.#orderedFlags.length < capacity) this.#orderedFlags = new Uint8Array(capacity)
    return this.#orderedFlags
  }
}
