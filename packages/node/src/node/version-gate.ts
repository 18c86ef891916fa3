import type { CheckerNodeEvents, TypedEventTarget } from './events.js'

/** What the node needs of a tracker: its verdict on this checker's version. */
export interface VersionGate {
  gate(): Promise<{ outdated: true; minCheckerVersion?: string } | { outdated: false; minCheckerVersion?: string }>
}

export interface VersionCheckComponents {
  events: TypedEventTarget<CheckerNodeEvents>
}

export interface VersionCheckInit {
  /** Without a gate the node is never outdated. */
  gate?: VersionGate
  checkerVersion: string
}

/** The node's standing with the network's version gate: asked at start and at every round start. */
export interface VersionCheck {
  /** True while the gate's last verdict was that this checker is too old. */
  readonly outdated: boolean
  /** Whether the node may do work (false while outdated). */
  mayWork(): boolean
  /**
   * Asks the gate; on a change of verdict emits `outdated` (turned away) or `version:accepted`
   * (let back in), once per change; warns when the gate cannot be reached.
   */
  check(): Promise<void>
}

/** The outdated message: what the network requires, what this checker is, and what to do. */
export function outdatedMessage(checkerVersion: string, minCheckerVersion: string | undefined): string {
  const required = minCheckerVersion
    ? `the network requires ${minCheckerVersion} or later`
    : 'the network turned this checker away as outdated'
  const update = minCheckerVersion ? `update spark-swarm to ${minCheckerVersion} or later` : 'update spark-swarm'
  return `${required}; this checker is ${checkerVersion}: ${update}. It does no work until the network accepts it again.`
}

/**
 * An outdated verdict stops all work while it lasts (the node stays up so an app can show it, and
 * keeps asking at every round, so a network that lowers its minimum again gets the node back
 * without a restart); an unreachable tracker only warns, and the node goes on as it was.
 */
export function createVersionCheck(components: VersionCheckComponents, init: VersionCheckInit): VersionCheck {
  const { events } = components
  let outdated = false
  return {
    get outdated() {
      return outdated
    },
    mayWork: () => !outdated,
    async check() {
      if (!init.gate) return
      let verdict: Awaited<ReturnType<VersionGate['gate']>>
      try {
        verdict = await init.gate.gate()
      } catch (err) {
        events.emit('activity', {
          level: 'warn',
          message: `the tracker cannot be reached, working on the params we have: ${(err as Error).message}`,
        })
        return
      }
      const min = verdict.minCheckerVersion ? { minCheckerVersion: verdict.minCheckerVersion } : {}
      if (verdict.outdated && !outdated) {
        outdated = true
        const message = outdatedMessage(init.checkerVersion, verdict.minCheckerVersion)
        // the one line an operator reads: the `outdated` event carries the same message for apps, not for a second log line
        events.emit('activity', { level: 'error', message, code: 'OUTDATED_CLIENT' })
        events.emit('outdated', { checkerVersion: init.checkerVersion, ...min, message })
      } else if (!verdict.outdated && outdated) {
        outdated = false
        const at = verdict.minCheckerVersion ? ` (its minimum is now ${verdict.minCheckerVersion})` : ''
        const message = `the network accepts this checker (${init.checkerVersion}) again${at}: back to work from this round`
        events.emit('activity', { level: 'info', message, code: 'VERSION_ACCEPTED' })
        events.emit('version:accepted', { checkerVersion: init.checkerVersion, ...min, message })
      }
    },
  }
}
