import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { CheckerNodeEvents } from '../node/events.js'
import { LOCAL_FAULT_CODES } from '../node/health/local-faults.js'
import type { CheckerNode } from '../node/node.js'
import type { CheckerNodeStatus } from '../node/status/status.js'

/** What observability needs of a node: its status and its events (a `CheckerNode` is one). */
export type ObservedNode = Pick<CheckerNode, 'status' | 'addEventListener' | 'removeEventListener' | 'host'>

export interface NodeInstrumentation {
  registry: Registry
  /** Removes the event listeners; the metrics stay registered. */
  stop(): void
}

/** Rounds remembered to tell a first evaluation from a re-evaluation (after a catch-up). */
const SEEN_ROUNDS = 256

/** The process metrics prom-client collects by default all start with this. */
const DEFAULT_METRIC_PROBE = 'process_cpu_user_seconds_total'

/**
 * Prometheus metrics of a checker node, named `spark_swarm_*`: counters fed by the node's events
 * (since instrumenting), and gauges read from `node.status()` at scrape time (one `status()` call
 * per scrape). Also prom-client's default process metrics, unless the registry has them already.
 */
export function instrumentNode(node: ObservedNode, registry: Registry = new Registry()): NodeInstrumentation {
  // registered in this order, listed in this order on /metrics
  const listeners = eventCounters(registry)
  statusGauges(registry, onceAScrape(node))
  if (!registry.getSingleMetric(DEFAULT_METRIC_PROBE)) collectDefaultMetrics({ register: registry })
  for (const [type, listener] of listeners) node.addEventListener(type, listener)
  let stopped = false
  return {
    registry,
    stop() {
      if (stopped) return
      stopped = true
      for (const [type, listener] of listeners) node.removeEventListener(type, listener)
    },
  }
}

/** Every collect callback of one scrape runs in the same tick: they share one `status()`. */
function onceAScrape(node: ObservedNode): () => CheckerNodeStatus {
  let snapshot: CheckerNodeStatus | undefined
  return () => {
    if (!snapshot) {
      snapshot = node.status()
      queueMicrotask(() => {
        snapshot = undefined
      })
    }
    return snapshot
  }
}

/** The gauges (and the gossip counter) read from the node's status at scrape time. */
function statusGauges(registry: Registry, status: () => CheckerNodeStatus): void {
  new Gauge({
    name: 'spark_swarm_jobs_completed',
    help: 'Retrieval checks this node completed since it started',
    registers: [registry],
    collect() {
      this.set(status().jobsCompleted)
    },
  })

  new Counter({
    name: 'spark_swarm_gossip_messages_total',
    help: 'Gossip messages validated since the node started: accepted per kind, rejected and ignored per code',
    labelNames: ['outcome', 'kind', 'code'] as const,
    registers: [registry],
    collect() {
      const { gossip } = status()
      this.reset()
      for (const [kind, n] of Object.entries(gossip.accepted)) this.inc({ outcome: 'accepted', kind }, n)
      for (const [code, n] of Object.entries(gossip.rejected)) this.inc({ outcome: 'rejected', code }, n)
      for (const [code, n] of Object.entries(gossip.ignored)) this.inc({ outcome: 'ignored', code }, n)
    },
  })

  const gauge = (name: string, help: string, read: (s: CheckerNodeStatus) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(status()))
      },
    })
  gauge('spark_swarm_peers', 'Connected libp2p peers', (s) => s.peers)
  gauge('spark_swarm_banned_peers', 'Peers disconnected and refused for scoring below the graylist threshold', (s) => s.gossip.banned)
  gauge('spark_swarm_store_bytes', 'Size of the node store on disk, in bytes', (s) => s.store.bytes)
  gauge('spark_swarm_store_measurements', 'Measurements held in the node store', (s) => s.store.measurements)
  gauge('spark_swarm_current_round', 'The current round number', (s) => s.round)
  gauge(
    'spark_swarm_last_anchored_round',
    'The last round this node anchored a summary of (-1 before any)',
    (s) => s.lastAnchored?.round ?? -1,
  )
  new Gauge({
    name: 'spark_swarm_local_fault',
    help: "1 while a fault of the node's own is set (spec §5.4): results it could cause are withheld, not blamed on providers",
    labelNames: ['fault'] as const,
    registers: [registry],
    collect() {
      const set = new Set(status().localFaults.map((f) => f.code))
      for (const fault of LOCAL_FAULT_CODES) this.set({ fault }, set.has(fault) ? 1 : 0)
    },
  })
  gauge('spark_swarm_outdated', '1 while the network says this checker is too old (no work until accepted again)', (s) =>
    s.outdated ? 1 : 0,
  )
  gauge('spark_swarm_params_mismatch', "1 while the network's params in force differ from the ones this node runs on", (s) =>
    s.params.mismatch ? 1 : 0,
  )
  // version 2 only (spec §13): absent in version 1, where there is no participant (an alert on 0
  // would fire on every version-1 node)
  if (status().admission !== undefined) {
    gauge('spark_swarm_participant_eligible', "1 while this node's participant is eligible in the current round (version 2)", (s) =>
      s.admission?.eligible ? 1 : 0,
    )
  }
}

type Listener = (e: CustomEvent) => void

/** One event's name and its listener, paired by type: a listener of another event does not compile. */
function on<K extends keyof CheckerNodeEvents & string>(type: K, listener: (e: CheckerNodeEvents[K]) => void): [string, Listener] {
  // the one cast: an EventTarget stores listeners of every event under one type
  return [type, listener as unknown as Listener]
}

/** The counters fed by the node's events; returns the listeners to add (and remove on stop). */
function eventCounters(registry: Registry): Array<[string, Listener]> {
  const rounds = new Counter({
    name: 'spark_swarm_rounds_total',
    help: 'Rounds this node evaluated (first time), re-evaluated (after pulling missing measurements), and anchored',
    labelNames: ['state'] as const,
    registers: [registry],
  })
  for (const state of ['evaluated', 'reevaluated', 'anchored']) rounds.inc({ state }, 0)

  const checks = new Counter({
    name: 'spark_swarm_checks_total',
    help: 'Retrieval checks this node published, by retrieval result',
    labelNames: ['result'] as const,
    registers: [registry],
  })

  const committeesConfirmed = new Counter({
    name: 'spark_swarm_committees_confirmed_total',
    help: 'Committee results confirmed by a strict majority of their members',
    registers: [registry],
  })

  const withheld = new Counter({
    name: 'spark_swarm_measurements_withheld_total',
    help: 'Check results this node withheld (never signed nor published) for a fault of its own, by that fault',
    labelNames: ['reason'] as const,
    registers: [registry],
  })

  const evaluatedRounds = new Set<number>()
  const anchoredRounds = new Set<number>()
  const firstTime = (seen: Set<number>, round: number) => {
    if (seen.has(round)) return false
    seen.add(round)
    if (seen.size > SEEN_ROUNDS) seen.delete(Math.min(...seen))
    return true
  }

  const onEvaluated = (e: CheckerNodeEvents['round:evaluated']) =>
    rounds.inc({ state: firstTime(evaluatedRounds, e.detail.round) ? 'evaluated' : 'reevaluated' })
  const onAnchored = (e: CheckerNodeEvents['summary:anchored']) => {
    if (firstTime(anchoredRounds, e.detail.round)) rounds.inc({ state: 'anchored' })
  }
  const onPublished = (e: CheckerNodeEvents['measurement:published']) => checks.inc({ result: e.detail.retrievalResult })
  const onConfirmed = () => committeesConfirmed.inc()
  const onWithheld = (e: CheckerNodeEvents['measurement:withheld']) => withheld.inc({ reason: e.detail.reason })
  return [
    on('round:evaluated', onEvaluated),
    on('summary:anchored', onAnchored),
    on('measurement:published', onPublished),
    on('committee:confirmed', onConfirmed),
    on('measurement:withheld', onWithheld),
  ]
}
