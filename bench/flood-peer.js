/*
 * The flooder of bench/flood.js, in its own process so that its memory is not the node's: a rogue
 * libp2p peer (the devnet's startRoguePeer: tcp, noise, yamux, the swarm's gossipsub) that joins
 * the target nodes, waits until both sides see each other's subscriptions, then writes gossip RPCs
 * straight onto its stream to the first target as fast as that stream drains. Each message is new
 * (its own id), so no duplicate filter saves the node any work.
 *
 * argv[2]: a JSON file {params, catalogue, targets, kind, messages, batch, seed}. Reports JSON lines
 * on stdout: {event: 'ready', peerId}, {event: 'progress', sent}, {event: 'done', sent, failed, ms};
 * stops when its stdin closes.
 */

import { randomBytes as cryptoRandomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { startRoguePeer } from '../packages/devnet/dist/index.js'
import { encodeSignedMeasurement, roundAt } from '../packages/protocol/dist/index.js'

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const { params, catalogue, targets, kind, messages, batch, seed } = config
const report = (event) => process.stdout.write(`${JSON.stringify(event)}\n`)

const rogue = await startRoguePeer({ params, catalogue, seed })
await rogue.join(targets, 20_000)
const target = targets[0].split('/p2p/')[1]
report({ event: 'ready', peerId: rogue.peerId })

const signature = new Uint8Array(64)
const MAX_QUEUED_BYTES = 512 * 1024
/** Message `i` of a kind: a topic and bytes, each different from all others. */
function message(kind, i) {
  const round = roundAt(params, Date.now())
  const view = rogue.roundView(round)
  const task = view.mine[i % view.mine.length]
  const topic = rogue.topicOf(view, task)
  const unique = { startAt: 1 + i, endAt: 2 + i }
  switch (kind) {
    case 'malformed':
      return { topic, bytes: cryptoRandomBytes(64 + (i % 400)) }
    case 'oversized':
      return { topic, bytes: cryptoRandomBytes(4096) }
    case 'forged-signature': {
      // the right shape, round, task and topic; someone else's signature (the last check fails)
      const m = rogue.measurement(round, task, unique)
      return { topic, bytes: encodeSignedMeasurement({ ...m, signature: cryptoRandomBytes(64) }) }
    }
    case 'wrong-round': {
      // the right shape, a round far ahead: Ignored (a clock may be off), never penalised
      const m = rogue.measurement(round + 10, task, unique)
      return { topic, bytes: encodeSignedMeasurement({ ...m, round: round + 10, signature }) }
    }
    case 'foreign-topic':
      // a topic outside the network: no validator runs on it unless gossipsub is told to drop it
      return { topic: `/flood/${i % 1000}`, bytes: cryptoRandomBytes(200) }
    case 'mixed':
      return message(['malformed', 'oversized', 'forged-signature', 'wrong-round', 'foreign-topic'][i % 5], i)
    default:
      throw new Error(`unknown flood kind ${kind}`)
  }
}

// Write RPCs as a hostile peer would (no mesh, no publish rules), pacing only on the stream's own
// backpressure: the node's reading speed sets the rate.
const pubsub = rogue.pubsub
const began = performance.now()
let sent = 0
let failed = 0
let lastReport = began
while (sent + failed < messages) {
  const stream = pubsub.streamsOutbound.get(target)
  if (!stream) {
    // the node closed the stream (or the connection): it wants nothing more from us
    failed = messages - sent
    break
  }
  const rpcMessages = []
  for (let k = 0; k < batch && sent + failed + rpcMessages.length < messages; k++) {
    const { topic, bytes } = message(kind, sent + failed + rpcMessages.length)
    rpcMessages.push({ topic, data: bytes })
  }
  if (pubsub.sendRpc(target, { subscriptions: [], messages: rpcMessages })) sent += rpcMessages.length
  else failed += rpcMessages.length
  // past gossipsub's outbound buffer limit the stream is reset and everything queued is lost
  if (stream.rawStream.writeBufferLength > MAX_QUEUED_BYTES) {
    while (stream.rawStream.writeBufferLength > MAX_QUEUED_BYTES / 2 && stream.rawStream.status === 'open') {
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  } else if ((sent + failed) % (batch * 64) === 0) await new Promise((resolve) => setImmediate(resolve))
  if (performance.now() - lastReport > 500) {
    lastReport = performance.now()
    report({ event: 'progress', sent })
  }
}
// what is still queued on our side has not reached the node yet: wait for it to leave
const deadline = performance.now() + 30_000
while ((pubsub.streamsOutbound.get(target)?.rawStream.writeBufferLength ?? 0) > 0 && performance.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 20))
}
report({ event: 'done', sent, failed, ms: Math.round(performance.now() - began) })
// the parent closes our stdin once the node has read everything
process.stdin.resume()
await new Promise((resolve) => process.stdin.once('end', resolve))
await rogue.stop()
