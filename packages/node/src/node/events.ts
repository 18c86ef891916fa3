import type { RetrievalTask, RoundEvaluation } from '@spark-swarm/protocol'
import { TypedEventEmitter } from 'main-event'
import type { LocalFaultCode, LocalFaultDetail } from './health/local-faults.js'
import type { ParamsChangedDetail } from './params-watch.js'

export interface ActivityDetail {
  level: 'info' | 'warn' | 'error'
  message: string
  /** The error's stable code when one caused it (`STORE_DISK_FULL`, `DATA_DIR_NOT_WRITABLE`, …), for apps to branch on. */
  code?: string
}

export interface MeasurementPublishedDetail {
  round: number
  cid: string
  task: RetrievalTask
  retrievalResult: string
}

export interface RoundEvaluatedDetail {
  round: number
  evaluation: RoundEvaluation
  /** This node's own tasks of the round: the committees it is a member of. */
  mine: RetrievalTask[]
}

export interface SummaryAnchoredDetail {
  round: number
  summaryCid: string
  /** The committee blocks this node attested, by task id (`cid::minerId`). */
  attested: Record<string, string>
  /**
   * Set when the round was anchored before: `catch-up` after pulling missing measurements (spec
   * §12.7), `relink` when the previous round's summary changed and this one now links it (§9.1).
   */
  reanchored?: 'catch-up' | 'relink'
}

export interface CommitteeConfirmedDetail {
  round: number
  task: RetrievalTask
  committeeCid: string
  /** How many members attested this CID, of how many. */
  attesters: number
  members: number
}

export interface OutdatedDetail {
  checkerVersion: string
  /** The network's minimum, when the tracker said (the gate's `x-spark-swarm-min-version` header). */
  minCheckerVersion?: string
  message: string
}

export interface InetGroupAdoptedDetail {
  group: string
  /** How many observer groups (one vote each) there were when they agreed. */
  observerGroups: number
}

/** A check's result the node did not sign nor publish: a local fault of its own could have caused it (spec §5.4). */
export interface MeasurementWithheldDetail {
  round: number
  task: RetrievalTask
  /** What the check found, e.g. `IPNI_ERROR_FETCH`. */
  retrievalResult: string
  /** The local fault it is withheld for. */
  reason: LocalFaultCode
}

/**
 * The events a `CheckerNode` emits (`node.addEventListener(name, (e) => e.detail)`), named
 * `noun:verb`; `activity` and `jobs-completed` are the names Filecoin Station's modules use.
 */
export interface CheckerNodeEvents extends Record<string, CustomEvent> {
  activity: CustomEvent<ActivityDetail>
  'jobs-completed': CustomEvent<{ count: number }>
  'measurement:published': CustomEvent<MeasurementPublishedDetail>
  'round:evaluated': CustomEvent<RoundEvaluatedDetail>
  'summary:anchored': CustomEvent<SummaryAnchoredDetail>
  'committee:confirmed': CustomEvent<CommitteeConfirmedDetail>
  /** The network turned this checker away (400 OUTDATED CLIENT): emitted once per verdict change; the node then does no work. */
  outdated: CustomEvent<OutdatedDetail>
  /** The gate accepts this checker again after an `outdated`: the node works again from this round, without a restart. */
  'version:accepted': CustomEvent<OutdatedDetail>
  /** A local fault began or ended (spec §5.4): while it lasts, results it could cause are withheld. */
  'local-fault': CustomEvent<LocalFaultDetail>
  /** A check's result withheld for a local fault: never signed nor gossiped. */
  'measurement:withheld': CustomEvent<MeasurementWithheldDetail>
  /**
   * The network's params in force differ from the ones this node runs on (an announced change took
   * effect, or the node missed one): once per difference. Whoever runs the node restarts it on them (`spark-swarm start` does).
   */
  'params:changed': CustomEvent<ParamsChangedDetail>
  /** Peers agreed on this node's inet group (spec §5.5): it is in force from the next measurement on. */
  'inet-group:adopted': CustomEvent<InetGroupAdoptedDetail>
}

/** The libp2p ecosystem's typed EventTarget, with a short way to emit a detail. */
export class TypedEventTarget<Events extends Record<string, CustomEvent>> extends TypedEventEmitter<Events> {
  emit<K extends keyof Events & string>(type: K, detail: Events[K]['detail']): void {
    this.safeDispatchEvent(type, { detail })
  }
}
