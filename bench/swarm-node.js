/*
 * One checker node of bench/swarm-procs.js, in its own process: a real CheckerNode (libp2p TCP,
 * noise, yamux, gossipsub, kad-dht, helia, SQLite) on its own loopback address, plus counters
 * that watch it from outside: gossip messages as they arrive (every copy, and IHAVE ids) and
 * as they are delivered (accepted by the validators), and the TCP bytes of its libp2p sockets.
 *
 * argv[2]: a JSON file {index, params, catalogue, indexerUrl, rpcUrl, dataDir, listen, bootstrap, worldPorts}.
 * stdout, JSON lines: {event: 'ready', peerId, stationId, multiaddrs}; {event: 'published', cid, round, task, at};
 * {event: 'delivered', kind, cid, round, taskId, stationId, at, checkedAt}; {event: 'attested', round, count};
 * on the line 'report' on
 * stdin, {event: 'report', counts, bytes}. Stops the node and exits when stdin closes.
 */
import dc from 'node:diagnostics_channel'
import { setMaxListeners } from 'node:events'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { createCheckerNode, isLibp2pClosingStreamError } from '../packages/node/dist/index.js'
import { cidOfDagCbor, cidText, decodeAttestation, decodeSignedMeasurement, taskId } from '../packages/protocol/dist/index.js'

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`)

// as `spark-swarm start` runs a node (packages/cli/src/bin.ts): many peers share one abort signal,
// and libp2p's one known uncaught error while a connection closes (libp2p/js-libp2p#3415) is harmless
setMaxListeners(100)
process.on('uncaughtException', (err) => {
  if (isLibp2pClosingStreamError(err)) return
  process.stderr.write(`swarm node ${config.index}: uncaught exception: ${err?.stack ?? err}\n`)
  process.exit(1)
})

// TCP bytes of every socket this process opens or accepts; the outside world's (IPNI, providers,
// chain RPC) are counted apart, so that what is left is the swarm's own traffic
const worldPorts = new Set(config.worldPorts)
const sockets = new Set()
const closed = { swarm: { in: 0, out: 0 }, world: { in: 0, out: 0 } }
const classOf = (socket) => (worldPorts.has(socket.remotePort ?? socket.wantedPort) ? 'world' : 'swarm')
function track(socket, outbound) {
  sockets.add(socket)
  socket.once('connect', () => {
    socket.wantedPort = socket.remotePort
  })
  if (!outbound) socket.wantedPort = socket.remotePort
  socket.once('close', () => {
    const c = closed[classOf(socket)]
    c.in += socket.bytesRead
    c.out += socket.bytesWritten
    sockets.delete(socket)
  })
}
dc.subscribe('net.client.socket', ({ socket }) => track(socket, true))
dc.subscribe('net.server.socket', ({ socket }) => track(socket, false))
function bytes() {
  const total = { swarm: { ...closed.swarm }, world: { ...closed.world } }
  for (const s of sockets) {
    const c = total[classOf(s)]
    c.in += s.bytesRead
    c.out += s.bytesWritten
  }
  return total
}

const node = createCheckerNode({
  dataDir: config.dataDir,
  params: config.params,
  catalogue: config.catalogue,
  indexerUrl: config.indexerUrl,
  rpcUrl: config.rpcUrl,
  inetGroup: `10.0.${config.index}.0/24`,
  loopback: true,
  listen: config.listen,
  bootstrap: config.bootstrap,
})

// per kind: copies that arrived (duplicates included), IHAVE ids, messages delivered, copies sent
const counts = { received: {}, ihave: 0, delivered: {}, sent: {} }
const kindOf = (topic) => (topic.includes('/attestations/') ? 'attestation' : topic.includes('/measurements/') ? 'measurement' : 'other')
const add = (map, key, n = 1) => {
  map[key] = (map[key] ?? 0) + n
}

node.addEventListener('measurement:published', ({ detail }) =>
  say({ event: 'published', cid: detail.cid, round: detail.round, taskId: taskId(detail.task), at: Date.now() }),
)
// what went wrong inside the node, with its index, on the bench's stderr
node.addEventListener('activity', ({ detail }) => {
  if (detail.level !== 'info') process.stderr.write(`swarm node ${config.index}: ${detail.level}: ${detail.message}\n`)
})
node.addEventListener('summary:anchored', ({ detail }) => {
  // after a catch-up the node attests again; only a task whose block changed is a new message
  say({ event: 'attested', round: detail.round, attested: detail.attested, reanchored: Boolean(detail.reanchored), at: Date.now() })
})
await node.start()

// where anchoring spends its time: the blockstore writes (helia's put announces to bitswap first)
const blockstore = node.host.helia.blockstore
const put = blockstore.put.bind(blockstore)
const puts = { count: 0, ms: 0, slowest: 0 }
blockstore.put = async (...args) => {
  const t = performance.now()
  try {
    return await put(...args)
  } finally {
    const took = performance.now() - t
    puts.count++
    puts.ms += took
    puts.slowest = Math.max(puts.slowest, took)
  }
}
node.addEventListener('round:evaluated', ({ detail }) =>
  say({ event: 'evaluated', round: detail.round, at: Date.now(), puts: { ...puts } }),
)

const pubsub = node.host.libp2p.services.pubsub
const handleReceivedRpc = pubsub.handleReceivedRpc.bind(pubsub)
pubsub.handleReceivedRpc = (from, rpc) => {
  for (const m of rpc.messages ?? []) add(counts.received, kindOf(m.topic ?? ''))
  for (const ihave of rpc.control?.ihave ?? []) counts.ihave += ihave.messageIDs?.length ?? 0
  return handleReceivedRpc(from, rpc)
}
const publish = pubsub.publish.bind(pubsub)
pubsub.publish = (topic, data, options) => {
  if (kindOf(topic) === 'measurement') say({ event: 'publishing', cid: cidText(cidOfDagCbor(data)), at: Date.now() })
  return publish(topic, data, options)
}
const sendRpc = pubsub.sendRpc.bind(pubsub)
pubsub.sendRpc = (id, rpc) => {
  for (const m of rpc.messages ?? []) add(counts.sent, kindOf(m.topic ?? ''))
  return sendRpc(id, rpc)
}
pubsub.addEventListener('message', ({ detail: msg }) => {
  const at = Date.now()
  const kind = kindOf(msg.topic)
  add(counts.delivered, kind)
  try {
    if (kind === 'measurement') {
      const m = decodeSignedMeasurement(msg.data)
      // the check ended at its last timestamp (endAt, or an earlier one when the retrieval stopped short)
      const checkedAt = Math.max(0, ...[m.endAt, m.firstByteAt, m.startAt].filter((t) => typeof t === 'number'))
      say({
        event: 'delivered',
        kind,
        cid: cidText(cidOfDagCbor(msg.data)),
        round: m.round,
        taskId: taskId(m.task),
        stationId: m.stationId,
        at,
        checkedAt,
        size: msg.data.length,
      })
    } else if (kind === 'attestation') {
      const a = decodeAttestation(msg.data)
      say({ event: 'delivered', kind, round: a.round, taskId: taskId(a.task), stationId: a.stationId, at, size: msg.data.length })
    }
  } catch (err) {
    // the validators accepted it, so it decodes; a failure here is the bench's, not the node's
    process.stderr.write(`swarm node ${config.index}: cannot read a delivered ${kind}: ${err}\n`)
  }
})

const status = node.status()
say({ event: 'ready', peerId: status.peerId, stationId: status.stationId, multiaddrs: node.multiaddrs(), pid: process.pid })

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await node.stop().catch(() => {})
  process.exit(0)
}
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line !== 'report') return
    const status = node.status()
    say({
      event: 'report',
      counts,
      bytes: bytes(),
      gossip: status.gossip,
      peers: status.peers,
      lastAnchored: status.lastAnchored?.round ?? null,
    })
  })
  .on('close', stop)
process.on('SIGTERM', stop)
