import type { LocalFaults } from './local-faults.js'

/*
 * CLOCK_OFF (spec §5.4): the node's clock against the tracker's. A node whose clock is far off
 * derives another round than its peers and stamps wrong times into what it signs. The tracker's
 * `Date` header (RFC 9110, whole seconds) is the reference every node of a network already talks to.
 */

/** One reading: the tracker's `Date` and when this node sent the request and got the answer (local unix ms). */
export interface ClockReading {
  trackerDate: number
  sentAt: number
  receivedAt: number
}

/** Where the node gets readings: the tracker client, from its last answer. */
export interface ClockSource {
  clockReading(): ClockReading | undefined
}

/** A `Date` header has whole seconds: a reading may be up to this much behind without any skew. */
const DATE_RESOLUTION_MS = 1_000

/**
 * How far the local clock is off the tracker's, in ms (positive: ahead), and whether that is more
 * than `limitMs`. The tracker stamped its `Date` between `sentAt` and `receivedAt`, truncated to
 * the second; only an offset beyond that uncertainty plus the limit counts as off.
 */
export function clockOffset(reading: ClockReading, limitMs: number): { offsetMs: number; off: boolean } {
  const { trackerDate, sentAt, receivedAt } = reading
  // the tracker's true time at the answer lies in [trackerDate, trackerDate + 1 s)
  const ahead = sentAt - (trackerDate + DATE_RESOLUTION_MS) // local clock ahead by at least this
  const behind = trackerDate - receivedAt // local clock behind by at least this
  const offsetMs = Math.round((sentAt + receivedAt) / 2 - (trackerDate + DATE_RESOLUTION_MS / 2))
  return { offsetMs, off: ahead > limitMs || behind > limitMs }
}

/** The fault's message: which way, by how much, and against what. */
export function clockOffMessage(offsetMs: number, limitMs: number): string {
  const seconds = (Math.abs(offsetMs) / 1000).toFixed(1)
  return `this host's clock is ${seconds} s ${offsetMs > 0 ? 'ahead of' : 'behind'} the tracker's (more than ${limitMs} ms, a quarter round, is too far)`
}

/** Sets or clears CLOCK_OFF from the source's latest reading; no reading (no tracker, or it is down) changes nothing. */
export function checkClock(source: ClockSource | undefined, faults: Pick<LocalFaults, 'set' | 'clear'>, limitMs: number): void {
  const reading = source?.clockReading()
  if (!reading) return
  const { offsetMs, off } = clockOffset(reading, limitMs)
  if (off) faults.set('CLOCK_OFF', clockOffMessage(offsetMs, limitMs))
  else faults.clear('CLOCK_OFF', "this host's clock agrees with the tracker's again")
}
