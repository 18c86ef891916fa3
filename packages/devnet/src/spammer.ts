import {
  encodeSignedMeasurement,
  type RetrievalTask,
  roundAt,
  type SignedMeasurement,
  signMeasurement,
  taskId,
} from '@spark-swarm/protocol'
import { randomBytes } from './random-bytes.js'
import { type RoguePeer, type RoguePeerOptions, startRoguePeer } from './rogue-peer.js'

/**
 * The invalid messages a gossip spammer sends, one kind per spammer, each a new message (so
 * gossipsub's duplicate filter does not catch it first), and the code a node answers each with.
 */
export const ATTACKS = {
  'forged-signature': 'INVALID_SIGNATURE',
  'old-round-replay': 'ROUND_TOO_OLD',
  'other-network': 'WRONG_NETWORK',
  'wrong-node': 'TASK_WRONG_NODE',
  'not-in-round': 'TASK_NOT_IN_ROUND',
  oversized: 'MEASUREMENT_TOO_LARGE',
  malformed: 'MEASUREMENT_MALFORMED',
} as const

export type AttackKind = keyof typeof ATTACKS

/** The i-th message of an attack in `round`: its topic and bytes. */
export function attackMessage(peer: RoguePeer, kind: AttackKind, round: number, i: number): { topic: string; bytes: Uint8Array } {
  const view = peer.roundView(round)
  const mine = view.mine[i % view.mine.length] as RetrievalTask
  // a field that differs per message, so every message has its own id
  const unique = { startAt: 1 + i, endAt: 2 + i }
  const sign = (m: ReturnType<RoguePeer['measurement']>): SignedMeasurement => signMeasurement(m, peer.key)
  switch (kind) {
    case 'forged-signature': {
      const m = sign(peer.measurement(round, mine, unique))
      return { topic: peer.topicOf(view, mine), bytes: encodeSignedMeasurement({ ...m, signature: randomBytes(`forged ${i}`, 64) }) }
    }
    case 'old-round-replay': {
      // a genuinely signed measurement of a round two before: what a replaying relay sends
      if (round < 2) throw new Error('a replay of a round two back needs round 2 or later')
      const old = peer.roundView(round - 2)
      const task = old.mine[i % old.mine.length] as RetrievalTask
      return { topic: peer.topicOf(view, task), bytes: encodeSignedMeasurement(sign(peer.measurement(round - 2, task, unique))) }
    }
    case 'other-network': {
      const m = { ...peer.measurement(round, mine, unique), network: 'othernet' }
      return { topic: peer.topicOf(view, mine), bytes: encodeSignedMeasurement(sign(m)) }
    }
    case 'wrong-node': {
      const mineIds = new Set(view.mine.map(taskId))
      const others = view.tasks.filter((t) => !mineIds.has(taskId(t)))
      const task = others[i % Math.max(1, others.length)] ?? mine
      return { topic: peer.topicOf(view, task), bytes: encodeSignedMeasurement(sign(peer.measurement(round, task, unique))) }
    }
    case 'not-in-round': {
      const task = { cid: `bafkreinotinthisround${i}`, minerId: mine.minerId }
      return { topic: peer.topicOf(view, mine), bytes: encodeSignedMeasurement(sign(peer.measurement(round, task, unique))) }
    }
    case 'oversized':
      return { topic: peer.topicOf(view, mine), bytes: randomBytes(`oversized ${i}`, 4096) }
    case 'malformed':
      return { topic: peer.topicOf(view, mine), bytes: randomBytes(`malformed ${i}`, 200) }
  }
}

export interface SpammerOptions extends RoguePeerOptions {
  kind: AttackKind
  /** Multiaddrs (with /p2p/) of the nodes it attacks. */
  bootstrap: string[]
  /** Pause between messages; default 20 ms. */
  intervalMs?: number
}

export interface Spammer {
  readonly peer: RoguePeer
  readonly kind: AttackKind
  /** Messages handed to gossipsub, how many of them went to at least one peer, and how many could not be made. */
  readonly sent: { total: number; delivered: number; failed: number }
  stop(): Promise<void>
}

/** A peer that joins the nodes and sends one kind of invalid message until stopped. */
export async function startSpammer(options: SpammerOptions): Promise<Spammer> {
  const peer = await startRoguePeer(options)
  const sent = { total: 0, delivered: 0, failed: 0 }
  let stopped = false
  try {
    await peer.join(options.bootstrap)
  } catch (err) {
    await peer.stop()
    throw err
  }
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      let message: { topic: string; bytes: Uint8Array }
      try {
        message = attackMessage(peer, options.kind, roundAt(options.params, Date.now()), i)
      } catch {
        // e.g. a replay before there are rounds to replay: try again next time
        sent.failed++
        await new Promise((r) => setTimeout(r, options.intervalMs ?? 20))
        continue
      }
      sent.total++
      if ((await peer.publish(message.topic, message.bytes)) > 0) sent.delivered++
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 20))
    }
  })()
  return {
    peer,
    kind: options.kind,
    sent,
    async stop() {
      stopped = true
      await loop
      await peer.stop()
    },
  }
}
