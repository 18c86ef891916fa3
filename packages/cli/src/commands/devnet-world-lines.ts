import type { WorldDescription } from './devnet-world.js'

/** A provider profile in a few words: `healthy`, `flaky failShare=0.4`, `http-5xx status=502`. */
function profileText(profile: unknown): string {
  const { kind, ...rest } = profile as { kind: string }
  return [kind, ...Object.entries(rest).map(([k, v]) => `${k}=${v}`)].join(' ')
}

/**
 * What `devnet --nodes 0` prints for a person: where each service is, which flag of `start` takes
 * it, and the commands that attach a tracker and nodes, ready to paste (one node shown; the
 * others change --data-dir, --api-port, --listen, --inet-group and add --bootstrap).
 */
export function worldLines(d: WorldDescription, roundSeconds: number): string[] {
  const genesis = new Date(d.params.overrides.genesisTime as number).toISOString()
  return [
    `devnet: the outside world only (no nodes), data dir ${d.dataDir}`,
    d.persistent
      ? '  providers, content and catalogue are the same on every run with this data dir'
      : '  temporary data dir, deleted on Ctrl-C: pass --data-dir to keep providers and catalogue across runs',
    `  IPNI indexer (--indexer)  ${d.indexerUrl}`,
    `  Lotus RPC (--rpc)         ${d.rpcUrl}`,
    `  catalogue (--catalogue)   ${d.catalogue.path}  CID ${d.catalogue.cid}, ${d.catalogue.entries} tasks`,
    ...d.providers.map((p) => `  provider ${p.minerId}  ${p.peerId}  ${p.httpUrl}  ${profileText(p.profile)}`),
    `  params: preset devnet with overrides in ${d.params.trackerConfig} (digest ${d.params.digest}); rounds of ${roundSeconds} s from ${genesis}`,
    'Attach nodes in other terminals:',
    `  spark-swarm tracker --config ${d.params.trackerConfig} --port 8080`,
    `  spark-swarm start --tracker http://127.0.0.1:8080 --indexer ${d.indexerUrl} --rpc ${d.rpcUrl} \\`,
    '      --data-dir ./node-1 --api-port 9091 --listen /ip4/127.0.0.1/tcp/7331 --inet-group 10.0.1.0/24',
    `  (or without a tracker: spark-swarm start --config ${d.params.nodeConfig} --data-dir ./node-1 …)`,
  ]
}
