/**
 * The Node/V8 options every `spark-swarm` command runs with. The bin's shebang
 * (`bin/spark-swarm.js`) passes them, and test/bin-node-flags.test.ts checks that it passes exactly
 * these; a tool that starts a node in a process of its own, as the command would, passes them too
 * (`spawn(process.execPath, [...NODE_FLAGS, script])`).
 *
 * `--max-semi-space-size=4` (MiB): V8's young generation is two semi-spaces, each allowed to
 * grow to 16 MiB on 64-bit Node 20. Loading and starting a node (libp2p, helia, kad-dht…) grows
 * them to that maximum, and V8 shrinks them back only when allocation stays below about 1 MB/s,
 * which a node with 30 peers at idle does not (gossipsub heartbeats, DHT, pings). In a 30-process
 * loopback swarm an idle node then held some 33 MB of young generation, most of it empty;
 * 4 MiB semi-spaces (8 MiB in all) took the idle RSS from 153 MB to 133 MB (mean of 30), for
 * about 18 scavenges per 30 s at idle. 2 MiB saved 5 MB more, but in that run the swarm took 83 s
 * to start instead of 51 s (more scavenges while the modules load), so 4. The price is CPU: in
 * CPU profiles of a 10-process swarm (bench/swarm-procs.js, SWARM_NODE_ARGS=--cpu-prof) garbage
 * collection took 4.2 s per process over a 3-minute run with the flag, against 2.1 s without,
 * about 1 % of a core more.
 */
export const NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=4'])
