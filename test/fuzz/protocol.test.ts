import * as dagCbor from '@ipld/dag-cbor'
import {
  attestationCborTarget,
  catalogueTarget,
  drandBeaconTarget,
  measurementCborTarget,
  measurementJsonTarget,
  mutateRound,
  nested,
  paramsTarget,
  roundFixture,
  sparkLineTarget,
  sparkRoundTarget,
  summaryBlocksTarget,
  valuePaths,
  verifyRoundTarget,
} from '@spark-swarm/fuzz'
import {
  beaconRandomness,
  decodeCommitteeBlock,
  decodeMeasurementList,
  decodeRoundSummary,
  devnet,
  ProtocolError,
  parseVersion,
  QUICKNET,
  validateParams,
  verifyRoundBlocks,
} from '@spark-swarm/protocol'
import { preprocessSparkMeasurement, SparkMeasurementError } from '@spark-swarm/protocol/spark-compat'
import { describe, expect, it } from 'vitest'
import { fuzz } from './fuzz-helpers.js'

type BlockRef = Parameters<typeof mutateRound>[0]['block']

/** The fixture's round with the field at `path` (dotted) of one block set to `value`, relinked up to a new root. */
function roundWith(block: BlockRef, path: string, value: unknown) {
  const { summary } = roundFixture()
  const bytes = (cid: unknown) => summary.blocks.get(String(cid)) as Uint8Array
  const root = dagCbor.decode(bytes(summary.root)) as { committees: unknown[] }
  const committee = dagCbor.decode(bytes(root.committees[0])) as { measurements: unknown }
  const list = dagCbor.decode(bytes(committee.measurements)) as unknown[]
  const decoded = { summary: root, committee, list, measurement: dagCbor.decode(bytes(list[0])) }[block.kind as string]
  const at = valuePaths(decoded).findIndex((p) => p.join('.') === path)
  expect(at).toBeGreaterThanOrEqual(0)
  return mutateRound({ block, change: { value: [{ kind: 'replace', at, value }] }, relink: true, drop: null, extra: null })
}

// Every protocol decoder a peer or a file reaches: each input decodes, or is rejected with the
// decoder's ProtocolError code. Mutations of valid encodings dominate, so most inputs get past the
// first check; the valid encodings are in the mix too, so the accepting path runs as well.
describe('fuzzing the protocol decoders', () => {
  for (const make of [measurementCborTarget, measurementJsonTarget, attestationCborTarget, summaryBlocksTarget, drandBeaconTarget]) {
    const target = make()
    it(`${target.name}: accepted or rejected with a code`, async () => {
      const stats = await fuzz(target)
      expect(stats.accepted).toBeGreaterThan(0)
      expect(stats.rejected).toBeGreaterThan(stats.accepted)
    })
  }

  for (const make of [sparkLineTarget, sparkRoundTarget, paramsTarget, catalogueTarget]) {
    const target = make()
    it(`${target.name}: accepted or rejected with a code`, async () => {
      const stats = await fuzz(target)
      expect(stats.accepted).toBeGreaterThan(0)
      expect(stats.rejected).toBeGreaterThan(0)
    })
  }

  it('round export (verifyRoundBlocks): a verdict or a ProtocolError, for blocks changed and relinked', async () => {
    const stats = await fuzz(verifyRoundTarget(), 150)
    // the changes reach past the hash checks into the decoders and the re-evaluation
    expect(stats.codes.get('NOT_VERIFIED')).toBeGreaterThan(0)
    expect(stats.codes.size).toBeGreaterThan(2)
  })

  it('the round the mutations start from verifies', () => {
    const { summary } = roundFixture()
    const result = verifyRoundBlocks(summary.root, summary.blocks)
    expect(result.problems).toEqual([])
    expect(result.ok).toBe(true)
    // a relinked change is caught by re-evaluation, not by a hash check
    const changed = roundWith({ kind: 'measurement', j: 0, k: 0 }, 'inetGroup', 'inet-elsewhere')
    const verdict = verifyRoundBlocks(changed.root, changed.blocks)
    expect(verdict.ok).toBe(false)
    expect(verdict.problems.join('\n')).not.toMatch(/does not hash/)
  })
})

// The crashes the fuzzing found, kept as plain examples.
describe('found by fuzzing', () => {
  const code = (fn: () => unknown): string => {
    try {
      fn()
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError)
      return (err as ProtocolError).code
    }
    return 'accepted'
  }

  it('summary blocks that are not DAG-CBOR, or of the wrong shape, are SUMMARY_MALFORMED / COMMITTEE_BLOCK_MALFORMED / MEASUREMENT_LIST_MALFORMED', () => {
    const { summary } = roundFixture()
    const root = dagCbor.decode(summary.blocks.get(summary.root.toString()) as Uint8Array) as Record<string, unknown>
    expect(code(() => decodeRoundSummary(Uint8Array.of(0x5b, 0xff)))).toBe('SUMMARY_MALFORMED')
    expect(code(() => decodeRoundSummary(dagCbor.encode({ ...root, paramsDigest: 'zz' })))).toBe('SUMMARY_MALFORMED')
    expect(code(() => decodeRoundSummary(dagCbor.encode({ ...root, previous: 'bafy' })))).toBe('SUMMARY_MALFORMED')
    expect(code(() => decodeCommitteeBlock(dagCbor.encode({ version: 1, task: { cid: 'x' } })))).toBe('COMMITTEE_BLOCK_MALFORMED')
    expect(code(() => decodeMeasurementList(dagCbor.encode({ not: 'a list' })))).toBe('MEASUREMENT_LIST_MALFORMED')
  })

  it('a round export whose measurement list is not a list of links is MEASUREMENT_LIST_MALFORMED (was a TypeError)', () => {
    const changed = roundWith({ kind: 'list', j: 0 }, '0', 'not a link')
    expect(code(() => verifyRoundBlocks(changed.root, changed.blocks))).toBe('MEASUREMENT_LIST_MALFORMED')
  })

  it("a round export naming a far-off round of a local-beacon network is checked at once: its randomness is not that round's", () => {
    const changed = roundWith({ kind: 'summary' }, 'round', 2 ** 53 - 1)
    const started = performance.now()
    const verdict = verifyRoundBlocks(changed.root, changed.blocks)
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(verdict.ok).toBe(false)
    expect(verdict.problems.join('\n')).toMatch(/the randomness is not the local beacon of this round/)
  })

  it('params with a non-string randomness field, an odd value, or an unknown randomness key are PARAMS_INVALID', () => {
    const local = devnet.randomness as { type: 'local'; genesisSeed: string }
    const seed = local.genesisSeed
    expect(code(() => validateParams({ ...devnet, randomness: { type: 'local', genesisSeed: [seed] } } as never))).toBe('PARAMS_INVALID')
    expect(code(() => validateParams({ ...devnet, randomness: { ...local, extra: 1 } } as never))).toBe('PARAMS_INVALID')
    expect(code(() => validateParams({ ...devnet, roundDurationMs: nested(6_000) } as never))).toBe('PARAMS_INVALID')
    expect(code(() => validateParams({ ...devnet, randomness: { type: 'local', genesisSeed: { toString: 'x' } } } as never))).toBe(
      'PARAMS_INVALID',
    )
    expect(code(() => parseVersion({ toString: 'x' } as never))).toBe('VERSION_INVALID')
  })

  it('a drand beacon whose round is a deep list or an object without toString is DRAND_BEACON_INVALID', () => {
    expect(code(() => beaconRandomness(QUICKNET, { round: nested(6_000), randomness: '', signature: '' } as never))).toBe(
      'DRAND_BEACON_INVALID',
    )
    expect(code(() => beaconRandomness(QUICKNET, { round: { toString: 1 }, randomness: '', signature: '' } as never))).toBe(
      'DRAND_BEACON_INVALID',
    )
  })

  it('a Spark line with a date field that has no primitive form is dropped with a SparkMeasurementError', () => {
    const line = { participant_address: '0x385f063707F7f21BCd69223BFf7DcBbB3329cdDb', finished_at: { toString: 'x' } }
    expect(() => preprocessSparkMeasurement(line, 1)).toThrow(SparkMeasurementError)
    expect(() => preprocessSparkMeasurement({ ...line, finished_at: nested(6_000) }, 1)).toThrow(SparkMeasurementError)
  })
})
