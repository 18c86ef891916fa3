// How an app like Filecoin Station embeds a Spark Swarm checker node: create it, listen to its
// events, start it, stop it. The node prints nothing and never exits the process: the app decides.
//
// The network here is a devnet on 127.0.0.1 (fake providers, IPNI and chain RPC from
// @spark-swarm/devnet), so the example runs anywhere; a real app passes the network's params,
// catalogue and URLs instead.
//
//   node examples/station-embedding/index.mjs [rounds]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startOutsideWorld } from '@spark-swarm/devnet'
import { createCheckerNode, isLibp2pClosingStreamError } from '@spark-swarm/node'
import { devnet } from '@spark-swarm/protocol'

// libp2p throws one known error from an event listener while a stream closes (docs/node.md,
// "Known limits"): harmless, but unhandled it ends the app. Every other uncaught error still does.
process.on('uncaughtException', (err) => {
  if (isLibp2pClosingStreamError(err)) return
  console.error('uncaught exception:', err)
  process.exit(1)
})

const rounds = Number(process.argv[2] ?? 2)
const world = await startOutsideWorld({
  seed: 'station embedding example',
  providers: [
    { minerId: 'f01000', profile: { kind: 'healthy' } },
    { minerId: 'f02000', profile: { kind: 'http-5xx', status: 502 } },
  ],
})
const dataDir = await mkdtemp(join(tmpdir(), 'station-module-'))
const node = createCheckerNode({
  dataDir,
  params: { ...devnet, genesisTime: Date.now(), roundDurationMs: 3_000, gracePeriodMs: 500, minCommitteeSize: 1, tasksPerRound: 4 },
  catalogue: world.catalogue,
  indexerUrl: world.ipniUrl,
  rpcUrl: world.rpcUrl,
  inetGroup: '192.0.2.0/24',
  loopback: true,
})

// what Station shows its user
node.addEventListener('activity', (e) => console.log(`activity [${e.detail.level}] ${e.detail.message}`))
node.addEventListener('jobs-completed', (e) => console.log(`jobs completed: ${e.detail.count}`))
node.addEventListener('outdated', (e) => console.log(`outdated: ${e.detail.message}`))
let evaluated = 0
const done = new Promise((resolve) =>
  node.addEventListener('round:evaluated', (e) => {
    const results = e.detail.evaluation.committees.map((c) => `${c.task.minerId} ${c.retrievalResult}`).join(', ')
    console.log(`round ${e.detail.round} evaluated: ${results}`)
    if (++evaluated >= rounds) resolve()
  }),
)

await node.start()
console.log(`node ${node.peerId} started`)
await done
const status = node.status()
console.log(`status: round ${status.round}, ${status.jobsCompleted} jobs, ${status.rounds.length} rounds anchored`)
await node.stop()
await world.stop()
await rm(dataDir, { recursive: true, force: true })
console.log('stopped')
