import { ProtocolError } from './errors.js'

/** Current wire protocol version: measurements and topics carry it; a bump is a hard fork. */
export const PROTOCOL_VERSION = 1

/**
 * This release of Spark Swarm (every package shares it): the `checkerVersion` a node reports and
 * the tracker's version gate compares. Bumped with the packages' versions, in this one place.
 */
export const CHECKER_VERSION = '0.1.0'

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/

export interface Version {
  major: number
  minor: number
  patch: number
  prerelease: string | null
}

/** Parses `MAJOR.MINOR.PATCH[-pre][+build]`; throws VERSION_INVALID otherwise. */
export function parseVersion(text: string): Version {
  const m = typeof text === 'string' ? SEMVER.exec(text) : null
  if (!m) {
    // String() of an arbitrary value can throw (a deep array, an object without toString): name the type instead
    const shown = typeof text === 'string' ? `"${text.slice(0, 40)}"` : `a ${typeof text}`
    throw new ProtocolError('VERSION_INVALID', `${shown} is not a version: use MAJOR.MINOR.PATCH, e.g. 1.4.0`)
  }
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ?? null }
}

/**
 * Semver precedence, simplified for our gate: a prerelease sorts before its release and
 * prereleases compare as plain strings.
 */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a)
  const y = parseVersion(b)
  if (x.major !== y.major) return x.major - y.major
  if (x.minor !== y.minor) return x.minor - y.minor
  if (x.patch !== y.patch) return x.patch - y.patch
  if (x.prerelease === y.prerelease) return 0
  if (x.prerelease === null) return 1
  if (y.prerelease === null) return -1
  return x.prerelease < y.prerelease ? -1 : 1
}

/** True when `version` is a valid version at or above `minimum`; false for anything unparsable. */
export function isVersionAtLeast(version: string, minimum: string): boolean {
  try {
    return compareVersions(version, minimum) >= 0
  } catch {
    return false
  }
}
