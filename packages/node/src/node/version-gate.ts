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
  /** True once the gate said this checker is too old; it stays so for the node's lifetime. */
  readonly outdated: boolean
  /** Whether the node may do work (false once outdated). */
  mayWork(): boolean
  /** Asks the gate (unless already outdated); emits `outdated` once, or warns when the gate cannot be reached. */
  check(): Promise<void>
}

/**
 * An outdated verdict stops all work for good (the node stays up so an app can show it); an
 * unreachable tracker only warns, and the node goes on with the params it has.
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
      if (!init.gate || outdated) return
      try {
        const verdict = await init.gate.gate()
        if (verdict.outdated && !outdated) {
          outdated = true
          const minimum = verdict.minCheckerVersion ? ` to ${verdict.minCheckerVersion} or later` : ''
          const message = `this checker (${init.checkerVersion}) is outdated: update${minimum}. It does no more work until then.`
          events.emit('activity', { level: 'error', message })
          events.emit('outdated', {
            checkerVersion: init.checkerVersion,
            ...(verdict.minCheckerVersion ? { minCheckerVersion: verdict.minCheckerVersion } : {}),
            message,
          })
        }
      } catch (err) {
        events.emit('activity', {
          level: 'warn',
          message: `the tracker cannot be reached, working on the params we have: ${(err as Error).message}`,
        })
      }
    },
  }
}
