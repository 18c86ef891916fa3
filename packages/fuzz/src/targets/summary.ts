import * as dagCbor from '@ipld/dag-cbor'
import {
  decodeCommitteeBlock,
  decodeMeasurementList,
  decodeParticipantList,
  decodeRoundSummary,
  ProtocolError,
  verifyRoundBlocks,
} from '@spark-swarm/protocol'
import * as fc from 'fast-check'
import type { CID } from 'multiformats/cid'
import { cborInputs } from '../inputs.js'
import { mutateRound, type RoundMutation, roundMutation, roundTree } from '../round-mutation.js'
import { codeWhenInstance, type FuzzTarget } from '../target.js'

const protocolCode = (err: unknown) => codeWhenInstance(err, ProtocolError)

type SummaryInput = { decoder: 'summary' | 'committee' | 'list' | 'participants'; bytes: Uint8Array }

const PARTICIPANTS = ['0x0000000000000000000000000000000000000001', '0x00000000000000000000000000000000000000ff']

/** The fixture's root as a version-2 summary would hold it (spec §13.7): valid bytes for the v2 decoder to start from. */
function version2Root(rootBytes: Uint8Array, listCid: CID): Uint8Array {
  const root = dagCbor.decode(rootBytes) as Record<string, unknown>
  return dagCbor.encode({ ...root, version: 2, admission: { height: 120, eligible: listCid } })
}

/**
 * `decodeRoundSummary` (versions 1 and 2), `decodeCommitteeBlock`, `decodeMeasurementList`,
 * `decodeParticipantList`: blocks from peers (catch-up) and files (verify).
 */
export function summaryBlocksTarget(): FuzzTarget<SummaryInput> {
  const t = roundTree()
  const bytes = (cid: CID) => t.blocks.get(cid.toString()) as Uint8Array
  const participants = dagCbor.encode(PARTICIPANTS)
  const of = (decoder: SummaryInput['decoder'], valid: Uint8Array[]) => cborInputs(valid).map((b): SummaryInput => ({ decoder, bytes: b }))
  return {
    name: 'summary blocks',
    arbitrary: fc.oneof(
      of('summary', [bytes(t.root), version2Root(bytes(t.root), t.committees[0]?.listCid as CID)]),
      of('participants', [participants]),
      of(
        'committee',
        t.committees.map((c) => bytes(c.cid)),
      ),
      of(
        'list',
        t.committees.map((c) => bytes(c.listCid)),
      ),
    ),
    run({ decoder, bytes }) {
      if (decoder === 'summary') decodeRoundSummary(bytes)
      else if (decoder === 'committee') decodeCommitteeBlock(bytes)
      else if (decoder === 'participants') decodeParticipantList(bytes)
      else decodeMeasurementList(bytes)
      return undefined
    },
    codeOf: protocolCode,
    codes: ['SUMMARY_MALFORMED', 'COMMITTEE_BLOCK_MALFORMED', 'MEASUREMENT_LIST_MALFORMED', 'PARTICIPANT_LIST_MALFORMED'],
  }
}

/**
 * `verifyRoundBlocks` on a round export with one block changed (and usually relinked, so that the
 * change gets past the hash checks): it returns a verdict (`NOT_VERIFIED` when it found problems)
 * or throws a ProtocolError.
 */
export function verifyRoundTarget(): FuzzTarget<RoundMutation> {
  return {
    name: 'round export (verifyRoundBlocks)',
    arbitrary: roundMutation,
    run(m) {
      const { root, blocks } = mutateRound(m)
      const result = verifyRoundBlocks(root, blocks)
      return result.ok ? undefined : 'NOT_VERIFIED'
    },
    codeOf: protocolCode,
    codes: [
      'NOT_VERIFIED',
      'SUMMARY_MALFORMED',
      'COMMITTEE_BLOCK_MALFORMED',
      'MEASUREMENT_LIST_MALFORMED',
      'MEASUREMENT_MALFORMED',
      'PARAMS_INVALID',
      'CATALOGUE_INVALID',
      'ROUND_INVALID',
      'VERSION_INVALID',
    ],
  }
}
