import {
  gossipAttestationTarget,
  gossipMeasurementTarget,
  ipniTarget,
  minerInfoTarget,
  multiaddrTarget,
  peerCatalogueTarget,
  retrievalCarTarget,
  trackerClientTarget,
} from '@spark-swarm/fuzz'
import { RetrievalError, verifyCarBlock } from '@spark-swarm/node'
import { describe, expect, it } from 'vitest'
import { fuzz } from './fuzz-helpers.js'

// What a checker node reads from others: gossip from peers, CARs from storage providers, IPNI and
// Lotus answers, the tracker's answers. Each input is accepted or rejected with the code of the
// component's error (GossipValidationError, RetrievalError, TrackerError) or its result code.
describe('fuzzing what a node reads from peers and services', () => {
  it('gossip measurements: accepted, or Ignore/Reject with a GossipValidationError code', async () => {
    const stats = await fuzz(gossipMeasurementTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    // re-signed changes get past decoding and the signature into the round and tasking rules
    expect(stats.codes.size).toBeGreaterThan(4)
  })

  it('gossip attestations: accepted, or Ignore/Reject with a GossipValidationError code', async () => {
    const stats = await fuzz(gossipAttestationTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect(stats.codes.size).toBeGreaterThan(4)
  })

  it('retrieval CARs: verified, or a RetrievalError with its result code', async () => {
    const stats = await fuzz(retrievalCarTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect([...stats.codes.keys()].sort()).toEqual([
      'CANNOT_PARSE_CAR_FILE',
      'CONTENT_VERIFICATION_FAILED',
      'UNEXPECTED_CAR_BLOCK',
      'UNSUPPORTED_CID_HASH_ALGO',
    ])
  })

  it('catalogue blocks from peers: the block the CID names, or a CatalogueFetchError code', async () => {
    const stats = await fuzz(peerCatalogueTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect([...stats.codes.keys()].sort()).toEqual(['CATALOGUE_HASH_MISMATCH', 'CATALOGUE_NOT_A_CATALOGUE'])
  })

  it('IPNI answers: a provider a measurement can hold, or an indexer result code', async () => {
    const stats = await fuzz(ipniTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect(stats.codes.get('ERROR_FETCH')).toBeGreaterThan(0)
  })

  it('Lotus answers: a peer id, or RPC_FAILURE', async () => {
    const stats = await fuzz(await minerInfoTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect(stats.codes.get('RPC_FAILURE')).toBeGreaterThan(0)
  })

  it('IPNI multiaddrs: a gateway URL, or one of the 70x codes', async () => {
    const stats = await fuzz(multiaddrTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect(stats.codes.size).toBeGreaterThan(3)
  })

  it('tracker answers: network info and gate verdict, or a TrackerError', async () => {
    const stats = await fuzz(trackerClientTarget())
    expect(stats.accepted).toBeGreaterThan(0)
    expect(stats.codes.get('TRACKER_BAD_RESPONSE')).toBeGreaterThan(0)
  })
})

describe('retrieval decoders on hand-picked odd inputs', () => {
  const codeOf = async (fn: () => unknown): Promise<string> => {
    try {
      await fn()
    } catch (err) {
      expect(err).toBeInstanceOf(RetrievalError)
      return (err as RetrievalError).code
    }
    return 'accepted'
  }

  it('a CAR header claiming a 4 GiB section is CANNOT_PARSE_CAR_FILE, at once', async () => {
    const car = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0xa2)
    expect(await codeOf(() => verifyCarBlock('bafkqaaa', car))).toBe('CANNOT_PARSE_CAR_FILE')
  })
})
