import { type CheckerNode, claimDataDirNetwork, type ParamsChangedDetail } from '@spark-swarm/node'
import type { ProtocolParams } from '@spark-swarm/protocol'

/*
 * `spark-swarm start` follows its network's params (spec §1.3). A node on params other than its
 * peers' derives other tasks and committees and never confirms one again, so when the node says
 * the params in force changed (announced, at the announced round; or served by the tracker without
 * an announcement this node saw), the daemon stops it and starts it again, in the same process, on
 * the same addresses and data dir, on the new params. Nothing is lost: what the node holds is on
 * disk. The last round before the change is evaluated and anchored on the params it was run on
 * (the restart waits for it), so its summary is the one its peers build.
 */

/** A started node with what serves it (metrics, status page), as `start` runs it. */
export interface NodeRun {
  node: CheckerNode
  /** The params it runs on. */
  params: ProtocolParams
  /** The status page's URL, ending in `/`. */
  statusUrl: string
  stop(): Promise<void>
}

export interface FollowOptions {
  /** Starts a node on `params`, listening on `listen` and serving its status on `apiPort`. */
  launch(params: ProtocolParams, addresses: { listen: string[]; apiPort: number }): Promise<NodeRun>
  dataDir: string
  /** Resolves when the operator asks the daemon to stop (SIGINT/SIGTERM). */
  stopRequested: Promise<void>
  write(line: string): void
  warn(message: string, fields?: Record<string, unknown>): void
}

const short = (digest: string) => digest.slice(0, 12)

/**
 * Resolves once `node` anchored round `round` (or a later one), or after `timeoutMs`: a node that
 * cannot anchor it (stopped, no measurements) must not hold the change up longer.
 */
function anchoredOrTimeout(node: CheckerNode, round: number, timeoutMs: number): Promise<void> {
  if (round < 0 || node.status().rounds.some((r) => r.round >= round)) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      node.removeEventListener('summary:anchored', onAnchored)
      resolve()
    }
    const onAnchored = (e: CustomEvent<{ round: number }>) => {
      if (e.detail.round >= round) done()
    }
    const timer = setTimeout(done, timeoutMs)
    node.addEventListener('summary:anchored', onAnchored)
  })
}

/** The addresses a running node is bound to, so its restart keeps them (peers and bookmarks still reach it). */
function boundAddresses(run: NodeRun): { listen: string[]; apiPort: number } {
  const listen = [...new Set(run.node.multiaddrs().map((ma) => ma.replace(/\/p2p\/[^/]+$/, '')))]
  return { listen, apiPort: Number(new URL(run.statusUrl).port) }
}

/**
 * Runs `first` until a stop is requested, restarting it on every change of the network's params.
 * Returns once the current node is stopped; rejects when a restart fails (the caller exits 1 with
 * the message), after stopping whatever part of it had started.
 */
export async function followParams(first: NodeRun, options: FollowOptions): Promise<void> {
  let current = first
  let restarting: Promise<void> | undefined
  let failed: (err: unknown) => void = () => {}
  const failure = new Promise<never>((_, reject) => {
    failed = reject
  })

  const restart = async (detail: ParamsChangedDetail) => {
    const line = `network params changed (${short(detail.previousDigest)} → ${short(detail.paramsDigest)}) in round ${detail.round}: restarting the node on them`
    options.warn(line, { code: 'PARAMS_FOLLOWED', round: detail.round, paramsDigest: detail.paramsDigest, announced: detail.announced })
    options.write(line)
    // round − 1 ran on the old params: it is evaluated on them, after the grace period
    const old = current.params
    await anchoredOrTimeout(current.node, detail.round - 1, old.gracePeriodMs + old.roundDurationMs / 2)
    const addresses = boundAddresses(current)
    await current.stop()
    // the data dir records the digest it last ran on (same network: the identity keys never change)
    await claimDataDirNetwork(options.dataDir, detail.params)
    current = await options.launch(detail.params, addresses)
    watch(current)
    options.write(`  params     ${short(detail.paramsDigest)}, from round ${detail.round}`)
    options.write(`  status     ${current.statusUrl}  (metrics ${current.statusUrl}metrics)`)
  }

  const watch = (run: NodeRun) => {
    run.node.addEventListener('params:changed', (e) => {
      // one restart at a time; the new node reports a further change itself
      if (restarting || run !== current) return
      restarting = restart(e.detail).then(
        () => {
          restarting = undefined
        },
        (err: unknown) => failed(err),
      )
    })
  }
  watch(current)

  try {
    await Promise.race([options.stopRequested, failure])
    options.write('stopping…')
  } finally {
    await restarting?.catch(() => {})
    await current.stop()
  }
}
