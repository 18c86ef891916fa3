import { DEMO_PROVIDERS, type Swarm, startSwarm } from '@spark-swarm/devnet'
import {
  type AdmissionParams,
  eligibilityHeight,
  eligibleFromTime,
  meetsDeposit,
  presets,
  roundAt,
  roundStartTime,
} from '@spark-swarm/protocol'
import type { DemoNetwork } from './demo-networks.js'
import {
  HOW_TO_READ,
  HOW_TO_READ_LATE,
  HOW_TO_READ_V2,
  type RoundAdmission,
  type RoundReport,
  writeAgreement,
  writeRound,
} from './demo-report.js'

export interface DemoOptions {
  nodes: number
  rounds: number
  roundSeconds: number
  /** Default `devnet-v2`. */
  network?: DemoNetwork
  write: (line: string) => void
}

type SwarmNodes = Swarm['nodes']

/**
 * Collects what every node says about each round and calls `onRound` once per round, when all
 * nodes have anchored it; resolves after `rounds` rounds.
 */
function watchRounds(
  nodes: SwarmNodes,
  rounds: number,
  onRound: (round: number, r: RoundReport) => void,
): { finished: Promise<void>; reports: Map<number, RoundReport>; shown: Set<number> } {
  const reports = new Map<number, RoundReport>()
  const report = (round: number) => {
    let r = reports.get(round)
    if (!r) {
      r = { evaluated: new Map(), anchored: new Map() }
      reports.set(round, r)
    }
    return r
  }
  let printed = 0
  const shown = new Set<number>()
  const finished = new Promise<void>((resolve) => {
    nodes.forEach((node, i) => {
      node.addEventListener('round:evaluated', (e) => report(e.detail.round).evaluated.set(i, e.detail))
      node.addEventListener('summary:anchored', (e) => {
        const r = report(e.detail.round)
        r.anchored.set(i, e.detail)
        // a node that caught up anchors a round again: print each round once
        if (r.anchored.size === nodes.length && !shown.has(e.detail.round)) {
          shown.add(e.detail.round)
          onRound(e.detail.round, r)
          if (++printed >= rounds) resolve()
        }
      })
    })
  })
  return { finished, reports, shown }
}

/**
 * The version-2 demo's late joiner (spec §13.4): the last node is bound to a participant that holds
 * no deposit when the swarm starts. Its deposit lands at a height after round 1's eligibility height,
 * so it counts from a later round, which the node finds out and says by itself.
 */
interface LateJoiner {
  index: number
  participant: string
  fundedHeight: number
  /** The first round its deposit counts in: the first round to start at or after `eligibleFromTime`. */
  eligibleRound: number
}

/**
 * Funds the late node's participant at the first height after round 1's eligibility height that is
 * also after round 0's start (so the node starts its first round unfunded) and still to come.
 */
function fundLate(swarm: Swarm, index: number, admission: AdmissionParams): LateJoiner {
  const participant = swarm.participants[index]?.address as string
  const round1 = eligibilityHeight(admission, roundStartTime(swarm.params, 1)) ?? -1
  const round0Start = Math.floor((roundStartTime(swarm.params, 0) - admission.chainGenesisTime) / admission.epochDurationMs)
  const fundedHeight = Math.max(swarm.world.chainRpc.height() + 1, round1 + 1, round0Start + 1)
  swarm.world.chainRpc.deposits.set({ participant, balanceAttoFil: admission.minDepositAttoFil, fromHeight: fundedHeight })
  const eligibleRound = roundAt(swarm.params, eligibleFromTime(admission, fundedHeight) - 1) + 1
  return { index, participant, fundedHeight, eligibleRound }
}

/** What the late node says of its own admission at a round's start (status `admission`), as a demo line: once per change. */
function sayAdmission(swarm: Swarm, late: LateJoiner, write: (line: string) => void): () => void {
  let said = ''
  return () => {
    const a = swarm.nodes[late.index]?.status().admission
    if (!a || a.round < 0) return
    const [state, line] =
      a.eligible === true
        ? ['eligible', 'eligible: its measurements count']
        : a.eligibleFromRound !== null
          ? [`from ${a.eligibleFromRound}`, `deposit seen at height ${late.fundedHeight}, eligible from round ${a.eligibleFromRound}`]
          : a.fundedAtHead === false
            ? ['unfunded', 'no deposit, not eligible: it makes no measurement']
            : ['', '']
    if (state === '' || state === said) return
    said = state
    write(`node ${late.index}, at round ${a.round}'s start: participant ${a.participant}: ${line}`)
  }
}

/** Who was eligible in a round: the nodes whose participant held the deposit at its eligibility height, as the chain holds it. */
function admissionOf(swarm: Swarm, admission: AdmissionParams, round: number): RoundAdmission {
  const height = eligibilityHeight(admission, roundStartTime(swarm.params, round))
  const eligible: number[] = []
  swarm.participants.forEach((p, i) => {
    const balance = height === null ? undefined : swarm.world.chainRpc.deposits.balanceAt(p.address, height)
    if (balance !== undefined && meetsDeposit(admission, balance)) eligible.push(i)
  })
  return { height, eligible, stations: swarm.nodes.map((n) => n.stationId) }
}

/**
 * `npm start`: a whole Spark Swarm on loopback (fake providers that are healthy, flaky and
 * broken, a fake IPNI and chain RPC, and N checker nodes gossiping over libp2p) for a few rounds,
 * printing what the network concluded each round; then it stops everything and returns. On
 * version 2 (the default) the last node joins before its participant is funded, and the demo runs
 * at least until the round its deposit counts in.
 */
export async function runDemo({ nodes, rounds, roundSeconds, network = 'devnet-v2', write }: DemoOptions): Promise<void> {
  const preset = presets[network]
  const admission = preset.admission
  // three funded nodes besides it: a committee of the minimum size is still possible without it
  const lateIndex = admission && nodes >= 4 ? nodes - 1 : undefined
  write(
    `Spark Swarm devnet: ${nodes} checker nodes on 127.0.0.1, ${rounds} rounds of ${roundSeconds} s, protocol version ${preset.protocolVersion} (${network})`,
  )
  write(`providers: ${DEMO_PROVIDERS.map((p) => `${p.minerId} ${describeProfile(p.profile)}`).join(', ')}`)
  const swarm = await startSwarm({
    nodes,
    preset,
    ...(lateIndex !== undefined ? { unfunded: [lateIndex] } : {}),
    // One measurement topic: a summary lists every committee its node saw, and with shards a node
    // of a handful follows only some topics in some rounds, so its summary would differ by design
    params: { roundDurationMs: roundSeconds * 1000, gracePeriodMs: 1000, maxTasksPerNode: 4, minCommitteeSize: 3, committeeShards: 1 },
  })
  const late = admission && lateIndex !== undefined ? fundLate(swarm, lateIndex, admission) : undefined
  const shownRounds = late ? Math.max(rounds, late.eligibleRound + 1) : rounds
  const { finished, reports, shown } = watchRounds(swarm.nodes, shownRounds, (round, r) =>
    writeRound(round, admission ? { ...r, admission: admissionOf(swarm, admission, round) } : r, swarm.nodes.length, write),
  )
  write(`nodes: ${swarm.nodes.map((n) => n.peerId.slice(-6)).join(' ')}; catalogue of ${swarm.world.catalogue.entries.length} tasks`)
  write(`round 0 starts at ${new Date(swarm.params.genesisTime).toISOString()}`)
  if (admission) {
    const { finalityEpochs: f, windowEpochs: w, epochDurationMs: epoch } = admission
    write(
      `admission (spec §13.4): a node's participant counts in a round if it held ${fil(admission)} at the round's eligibility height, ${f} epochs (of ${epoch / 1000} s) before the round's start rounded down to a multiple of ${w}`,
    )
    write(
      `  so a deposit counts ${(f * epoch) / 1000}–${((f + w - 1) * epoch) / 1000} s after it lands, from the first round that starts then`,
    )
  }
  if (late) {
    write(
      `node ${late.index} joins unfunded: participant ${late.participant}'s deposit lands at height ${late.fundedHeight}, after round 1's eligibility height`,
    )
    if (shownRounds > rounds) write(`showing ${shownRounds} rounds: up to round ${late.eligibleRound}, the first its deposit counts in`)
  }
  write('')
  for (const line of [...HOW_TO_READ, ...(admission ? HOW_TO_READ_V2 : []), ...(late ? HOW_TO_READ_LATE : [])]) write(line)
  if (late) {
    const say = sayAdmission(swarm, late, write)
    say()
    swarm.nodes[late.index]?.addEventListener('activity', (e) => {
      if (e.detail.code === 'ADMISSION') say()
    })
  }
  try {
    const deadline = (shownRounds + 3) * roundSeconds * 1000 + 15_000
    await Promise.race([
      finished,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the devnet did not finish its rounds in time')), deadline).unref()),
    ])
    // re-anchorings (catch-up, re-links) update `reports`: the line says what the nodes hold now
    write('')
    writeAgreement(reports, [...shown], swarm.nodes.length, write)
  } finally {
    await swarm.stop()
  }
  write('')
  write('devnet stopped')
}

const fil = (admission: AdmissionParams) => `${Number(BigInt(admission.minDepositAttoFil) / 10n ** 15n) / 1000} FIL`

function describeProfile(p: (typeof DEMO_PROVIDERS)[number]['profile']): string {
  if (p.kind === 'flaky') return `flaky (${p.failShare * 100}% fail)`
  if (p.kind === 'http-5xx') return `broken (HTTP ${p.status})`
  return p.kind
}
