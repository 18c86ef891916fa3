import type { ReportFailure } from '../round/report-failure.js'
import type { LocalFaults } from './local-faults.js'

/** The local fault DISK_FULL, fed by the failures the node reports and by its anchored rounds. */
export interface DiskFullFault {
  /** `report`, which also sets DISK_FULL when the failure is a full disk (`STORE_DISK_FULL`). */
  reporting(report: ReportFailure): ReportFailure
  /** A round was anchored (writes to both stores): DISK_FULL clears if no write failed as full for `quietMs`. */
  anchored(round: number): void
}

/**
 * A full disk as a local fault (spec §5.4), so status, metrics and the page show it while it lasts,
 * not only as one error line per failed write. A nearly full disk takes some writes and refuses
 * others; the fault clears only after `quietMs` (a round) without a refused write and with a round
 * anchored, so it is said once when it begins and once when it is over, not every round.
 */
export function diskFullFault(faults: Pick<LocalFaults, 'set' | 'clear'>, now: () => number, quietMs: number): DiskFullFault {
  let lastFullAt = Number.NEGATIVE_INFINITY
  return {
    reporting: (report) => (what, err) => {
      if ((err as { code?: unknown } | undefined)?.code === 'STORE_DISK_FULL') {
        lastFullAt = now()
        faults.set('DISK_FULL', err instanceof Error ? err.message : String(err))
      }
      report(what, err)
    },
    anchored(round) {
      if (now() - lastFullAt >= quietMs) faults.clear('DISK_FULL', `round ${round} was anchored and no write was refused for a round`)
    },
  }
}
