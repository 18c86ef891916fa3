import { type AdmissionParams, eligibilityHeight, eligibleFromTime, type ProtocolParams, roundStartTime } from '@spark-swarm/protocol'
import type { ChainEligibility } from '../../admission/chain-eligibility.js'
import type { CheckerNodeEvents, TypedEventTarget } from '../events.js'
import type { AdmissionReader } from './chain-watch.js'

/*
 * Whether this node's own participant is eligible (spec §13.4), as the operator must see it: an
 * unfunded participant checks for nothing its peers accept, and a deposit made now counts only
 * from a later round. Asked at every round start; said once per change, in the log and the status.
 * An eligible participant costs no chain read after the window's first (the reader keeps it); one
 * that is not costs two a round (its balance at the head: has it been funded, or emptied?).
 */

/** The node's own admission, as its status shows it. */
export interface AdmissionStatus {
  participant: string
  /** The round this was last judged for. */
  round: number
  /** Eligible in `round`; null while the chain could not be read. */
  eligible: boolean | null
  /** When not eligible but funded at the head now: the first round its deposit counts in. */
  eligibleFromRound: number | null
  /** When not eligible: whether the participant holds the deposit at the head now (null: unknown). */
  fundedAtHead: boolean | null
}

export interface OwnAdmission {
  status(): AdmissionStatus
  check(round: number): Promise<void>
}

/** The first round that starts at or after `timeMs`. */
function firstRoundFrom(params: ProtocolParams, timeMs: number): number {
  const r = Math.ceil((timeMs - params.genesisTime) / params.roundDurationMs)
  return roundStartTime(params, r) < timeMs ? r + 1 : r
}

const fil = (admission: AdmissionParams) => `${Number(BigInt(admission.minDepositAttoFil) / 10n ** 15n) / 1000} FIL`

export function createOwnAdmission(components: {
  params: ProtocolParams & { admission: AdmissionParams }
  participant: string
  reader: AdmissionReader
  chain: ChainEligibility
  events: TypedEventTarget<CheckerNodeEvents>
  signal: AbortSignal
}): OwnAdmission {
  const { params, participant, reader, chain, events } = components
  let status: AdmissionStatus = { participant, round: -1, eligible: null, eligibleFromRound: null, fundedAtHead: null }
  let said = ''

  // keyed by the state, not the words: the words name the round, which changes every round
  const say = (state: string, level: 'info' | 'warn', message: string) => {
    if (state === said) return
    said = state
    events.emit('activity', { level, message, code: 'ADMISSION' })
  }

  /**
   * The first round a deposit held at the head counts in: the first window height after the
   * current round's at which it is held (a few reads: the heights a finality and a window span),
   * a finality behind a round's start. Exact, where the head's height alone gives a later round.
   */
  const firstCountingRound = async (round: number, headHeight: number): Promise<number> => {
    const { windowEpochs: w } = params.admission
    const current = eligibilityHeight(params.admission, roundStartTime(params, round))
    let height = current === null ? 0 : current + w
    for (let reads = 0; height <= headHeight && reads < 8; height += w, reads++) {
      if (await chain.depositAt(participant, height, { signal: components.signal })) break
    }
    return firstRoundFrom(params, eligibleFromTime(params.admission, height))
  }

  // The first counting round found in this window. The heights it was read at are below the head,
  // whose states change only by a reorg, so while the head still holds the deposit the answer
  // stands until that round: asked again, it would cost the same reads every round for the same
  // result. (The round's own eligibility, read every round, is what counts either way.)
  let found: { height: number | null; from: number } | undefined
  const countingRound = async (round: number, headHeight: number): Promise<number | null> => {
    const height = eligibilityHeight(params.admission, roundStartTime(params, round))
    if (found && found.height === height && found.from > round) return found.from
    const from = await firstCountingRound(round, headHeight).catch(() => null)
    found = from === null ? undefined : { height, from }
    return from
  }

  return {
    status: () => status,
    async check(round) {
      let eligible: boolean
      try {
        eligible = await reader.eligible(round, participant)
      } catch {
        // the reader set LOTUS_UNREACHABLE, which says why
        status = { ...status, round, eligible: null }
        return
      }
      if (eligible) {
        status = { participant, round, eligible: true, eligibleFromRound: null, fundedAtHead: null }
        say('eligible', 'info', `participant ${participant} is eligible in round ${round}: this node's checks count`)
        return
      }
      let head: { height: number; meetsDeposit: boolean } | undefined
      try {
        head = await chain.depositAtHead(participant, { signal: components.signal })
      } catch {
        head = undefined
      }
      const from = head?.meetsDeposit ? await countingRound(round, head.height) : null
      status = { participant, round, eligible: false, eligibleFromRound: from, fundedAtHead: head ? head.meetsDeposit : null }
      if (from !== null)
        say(`from ${from}`, 'info', `participant ${participant} holds the deposit: eligible from round ${from} (this is round ${round})`)
      else if (head)
        say(
          'unfunded',
          'warn',
          `participant ${participant} holds no deposit of ${fil(params.admission)}: fund it, and its checks count a finality and a window later`,
        )
    },
  }
}
