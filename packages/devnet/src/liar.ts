import { queryIndex } from '@spark-swarm/node'
import {
  type Catalogue,
  encodeSignedMeasurement,
  type Measurement,
  type RetrievalTask,
  roundAt,
  roundStartTime,
  sha256,
  signMeasurement,
  toHex,
} from '@spark-swarm/protocol'
import { type RoguePeer, type RoguePeerOptions, startRoguePeer } from './rogue-peer.js'

/**
 * How a lying checker reports its tasks without retrieving anything (DESIGN §5, the adversaries
 * the simulator models): `always-fail` claims HTTP 502, `always-ok` claims a successful retrieval
 * with made-up bytes, `random` picks one of the two per task. Liars of one kind make up the same
 * bytes, so they vote together.
 */
export type LiarKind = 'always-fail' | 'always-ok' | 'random'

export interface LiarOptions extends RoguePeerOptions {
  kind: LiarKind
  /** Where the liar asks which address the provider advertises, so only its retrieval claim is a lie. */
  indexerUrl: string
  /** Multiaddrs (with /p2p/) of the nodes it joins. */
  bootstrap: string[]
  /** Delay after a round starts before it publishes; default 300 ms. */
  delayMs?: number
}

export interface Liar {
  readonly stationId: string
  readonly peer: RoguePeer
  /** Measurements published, and to how many peers each went (0 = lost). */
  readonly published: Array<{ round: number; task: RetrievalTask; claimed: string; recipients: number }>
  stop(): Promise<void>
}

/** A signed lie about `task`: real IPNI fields, made-up retrieval fields. */
async function lie(peer: RoguePeer, round: number, task: RetrievalTask, claim: 'fail' | 'ok', indexerUrl: string, catalogue: Catalogue) {
  const entry = catalogue.entries.find((e) => e.cid === task.cid && e.minerId === task.minerId)
  const providerId = entry?.providerId ?? null
  const index = providerId ? await queryIndex(task.cid, providerId, { indexerUrl, retries: 0 }) : undefined
  const now = Date.now()
  const fields: Partial<Measurement> = {
    indexerResult: index?.indexerResult ?? null,
    providerId,
    protocol: index?.provider?.protocol ?? null,
    providerAddress: index?.provider?.address ?? null,
    startAt: now - 20,
    firstByteAt: null,
    endAt: now,
  }
  if (claim === 'fail') return peer.measurement(round, task, { ...fields, statusCode: 502 })
  // the same made-up body for every liar: a consistent story that votes as one
  const checksum = `1220${toHex(sha256(new TextEncoder().encode(`lie:${task.cid}`)))}`
  return peer.measurement(round, task, {
    ...fields,
    statusCode: 200,
    headStatusCode: fields.protocol === 'http' ? 200 : null,
    firstByteAt: now - 10,
    byteLength: 1024,
    carChecksum: checksum,
  })
}

/**
 * A checker that lies: every round it takes its own tasks (it is a legitimate committee member,
 * with a valid key and signature) and publishes made-up results on their committee topics.
 * Only the honest majority of each committee stands between it and the providers' scores.
 */
export async function startLiar(options: LiarOptions): Promise<Liar> {
  const peer = await startRoguePeer(options)
  const { params } = options
  const published: Liar['published'] = []
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  try {
    await peer.join(options.bootstrap)
  } catch (err) {
    await peer.stop()
    throw err
  }
  const runRound = async (round: number) => {
    const view = peer.roundView(round)
    for (const task of view.mine) {
      if (stopped) return
      const claim = options.kind === 'always-fail' ? 'fail' : options.kind === 'always-ok' ? 'ok' : Math.random() < 0.5 ? 'fail' : 'ok'
      const m = await lie(peer, round, task, claim, options.indexerUrl, options.catalogue).catch(() => undefined)
      if (!m) continue
      const bytes = encodeSignedMeasurement(signMeasurement(m, peer.key))
      const recipients = await peer.publish(peer.topicOf(view, task), bytes)
      published.push({ round, task, claimed: m.retrievalResult, recipients })
    }
  }
  const schedule = () => {
    if (stopped) return
    const next = roundAt(params, Date.now()) + 1
    const at = roundStartTime(params, next) + (options.delayMs ?? 300)
    timer = setTimeout(() => {
      runRound(next)
        .catch(() => {})
        .finally(schedule)
    }, at - Date.now())
  }
  // the current round too, if enough of it is left for the lie to arrive before it closes
  const current = roundAt(params, Date.now())
  if (current >= 0 && roundStartTime(params, current + 1) - Date.now() > params.roundDurationMs / 2) {
    runRound(current)
      .catch(() => {})
      .finally(schedule)
  } else schedule()
  return {
    stationId: peer.key.stationId,
    peer,
    published,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await peer.stop()
    },
  }
}
