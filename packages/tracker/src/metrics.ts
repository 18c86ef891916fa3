import type { TRACKER_CATALOGUE_PATH, TRACKER_GATE_PATH, TRACKER_NETWORK_PATH } from '@spark-swarm/protocol'
import { Counter, Gauge, Registry } from 'prom-client'

/** Route labels: the known paths, and one label for everything else (bounded cardinality). */
export type RouteLabel =
  | typeof TRACKER_NETWORK_PATH
  | typeof TRACKER_GATE_PATH
  | typeof TRACKER_CATALOGUE_PATH
  | '/healthz'
  | '/metrics'
  | 'unmatched'
export type GateOutcome = 'ok' | 'outdated' | 'invalid'
export type ClientErrorKind = 'header_overflow' | 'timeout' | 'bad_request'

export interface TrackerMetrics {
  registry: Registry
  request(route: RouteLabel, status: number): void
  gate(outcome: GateOutcome): void
  reload(outcome: 'success' | 'failure'): void
  clientError(kind: ClientErrorKind): void
  minVersion(version: string): void
}

/** The tracker's metrics, in their own registry (never prom-client's global one). */
export function createTrackerMetrics(registry = new Registry()): TrackerMetrics {
  const requests = new Counter({
    name: 'tracker_http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  })
  const gate = new Counter({
    name: 'tracker_gate_answers_total',
    help: 'Version gate answers, by outcome (ok, outdated, invalid)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  const reloads = new Counter({
    name: 'tracker_config_reloads_total',
    help: 'Config file reloads, by outcome; a failure keeps the last good config',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  const clientErrors = new Counter({
    name: 'tracker_http_client_errors_total',
    help: 'Connections closed before a request could be parsed, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  })
  const minVersion = new Gauge({
    name: 'tracker_min_checker_version_info',
    help: 'The minimum checker version the gate currently requires (value is always 1)',
    labelNames: ['version'] as const,
    registers: [registry],
  })
  for (const outcome of ['ok', 'outdated', 'invalid']) gate.inc({ outcome }, 0)
  for (const outcome of ['success', 'failure']) reloads.inc({ outcome }, 0)
  return {
    registry,
    request: (route, status) => requests.inc({ route, status: String(status) }),
    gate: (outcome) => gate.inc({ outcome }),
    reload: (outcome) => reloads.inc({ outcome }),
    clientError: (kind) => clientErrors.inc({ kind }),
    minVersion: (version) => {
      minVersion.reset()
      minVersion.set({ version }, 1)
    },
  }
}
