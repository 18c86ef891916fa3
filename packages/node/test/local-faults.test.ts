import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { type CheckerNodeEvents, TypedEventTarget } from '../src/node/events.js'
import { blame, isSuspect, roundFault } from '../src/node/health/blame.js'
import { checkClock, clockOffset } from '../src/node/health/clock-check.js'
import { diskFullFault } from '../src/node/health/disk-full.js'
import { createNodeHealth } from '../src/node/health/health.js'
import { type LocalFaultDetail, LocalFaults } from '../src/node/health/local-faults.js'
import { createIndexerProbe, type ProbeResult } from '../src/node/health/probe.js'

function faultsWithEvents(now = () => 1_000) {
  const events = new TypedEventTarget<CheckerNodeEvents>()
  const seen: LocalFaultDetail[] = []
  events.addEventListener('local-fault', (e) => seen.push(e.detail))
  return { faults: new LocalFaults(events, now), seen }
}

describe('blame (spec §5.4)', () => {
  it('withholds what a set fault could cause, and publishes the rest', () => {
    const ipni = new Set(['IPNI_UNREACHABLE'] as const)
    expect(blame('IPNI_ERROR_FETCH', ipni)).toEqual({ publish: false, reason: 'IPNI_UNREACHABLE' })
    // the indexer being unreachable explains no provider's answer
    expect(blame('CONNECTION_REFUSED', ipni)).toEqual({ publish: true })
    expect(blame('OK', ipni)).toEqual({ publish: true })
    const offline = new Set(['NO_NETWORK'] as const)
    for (const r of ['IPNI_ERROR_FETCH', 'HOSTNAME_DNS_ERROR', 'CONNECTION_REFUSED', 'TIMEOUT', 'UNKNOWN_FETCH_ERROR'])
      expect(blame(r, offline)).toEqual({ publish: false, reason: 'NO_NETWORK' })
    expect(blame('HTTP_502', offline)).toEqual({ publish: true })
    // a clock far off makes every measurement's round and times wrong
    expect(blame('OK', new Set(['CLOCK_OFF'] as const))).toEqual({ publish: false, reason: 'CLOCK_OFF' })
    // a full disk withholds by itself (nothing unstored is published); the rule leaves the write to tell
    expect(blame('OK', new Set(['DISK_FULL'] as const))).toEqual({ publish: true })
    expect(blame('IPNI_ERROR_FETCH', new Set())).toEqual({ publish: true })
  })

  it('names the most specific fault when several are set', () => {
    expect(blame('IPNI_ERROR_FETCH', new Set(['CLOCK_OFF', 'NO_NETWORK', 'IPNI_UNREACHABLE'] as const))).toEqual({
      publish: false,
      reason: 'IPNI_UNREACHABLE',
    })
  })

  it('suspects only the results a local failure could cause', () => {
    expect(['IPNI_ERROR_FETCH', 'TIMEOUT', 'CONNECTION_REFUSED'].every(isSuspect)).toBe(true)
    expect(['OK', 'HTTP_502', 'IPNI_NO_VALID_ADVERTISEMENT', 'CONTENT_VERIFICATION_FAILED'].some(isSuspect)).toBe(false)
  })

  it('the round rule: every check (≥ 3, of ≥ 2 providers) failed the same suspect way', () => {
    const fetchFail = (minerId: string) => ({ minerId, retrievalResult: 'IPNI_ERROR_FETCH' })
    expect(roundFault([fetchFail('f01'), fetchFail('f02'), fetchFail('f01')])).toBe('IPNI_UNREACHABLE')
    expect(roundFault([fetchFail('f01'), fetchFail('f02')])).toBeUndefined()
    // one provider that is down fails every check of it: that is the provider's failure
    expect(roundFault([fetchFail('f01'), fetchFail('f01'), fetchFail('f01')])).toBeUndefined()
    const refused = (minerId: string) => ({ minerId, retrievalResult: 'CONNECTION_REFUSED' })
    expect(roundFault([refused('f01'), refused('f02'), refused('f03')])).toBe('NO_NETWORK')
    expect(roundFault([refused('f01'), refused('f02'), fetchFail('f03')])).toBeUndefined()
    const bad = (minerId: string) => ({ minerId, retrievalResult: 'HTTP_502' })
    expect(roundFault([bad('f01'), bad('f02'), bad('f03')])).toBeUndefined()
  })
})

describe('LocalFaults', () => {
  it('says a fault once when it begins and once when it ends, keeping when it began', () => {
    let now = 1_000
    const { faults, seen } = faultsWithEvents(() => now)
    expect(faults.set('IPNI_UNREACHABLE', 'first')).toBe(true)
    now = 2_000
    expect(faults.set('IPNI_UNREACHABLE', 'again')).toBe(false)
    expect(faults.list()).toEqual([{ code: 'IPNI_UNREACHABLE', since: 1_000, message: 'again' }])
    expect(faults.has('IPNI_UNREACHABLE')).toBe(true)
    expect(faults.clear('NO_NETWORK', 'never set')).toBe(false)
    expect(faults.clear('IPNI_UNREACHABLE', 'answers again')).toBe(true)
    expect(faults.list()).toEqual([])
    expect(seen).toEqual([
      { state: 'set', code: 'IPNI_UNREACHABLE', since: 1_000, message: 'first' },
      { state: 'cleared', code: 'IPNI_UNREACHABLE', since: 1_000, message: 'answers again' },
    ])
  })

  it('a fault two parts saw lasts until both clear it: a peer-id answer does not hide failing eligibility reads', () => {
    const { faults, seen } = faultsWithEvents()
    faults.set('LOTUS_UNREACHABLE', 'who is eligible cannot be read', 'eligibility reads')
    faults.set('LOTUS_UNREACHABLE', 'peer id lookup failed', 'peer-id lookups')
    expect(faults.clear('LOTUS_UNREACHABLE', 'the chain RPC answers again', 'peer-id lookups')).toBe(false)
    expect(faults.has('LOTUS_UNREACHABLE')).toBe(true)
    // a part that never saw it clears nothing of the others'
    expect(faults.clear('LOTUS_UNREACHABLE', 'fine here', 'peer-id lookups')).toBe(false)
    expect(faults.clear('LOTUS_UNREACHABLE', 'eligibility read', 'eligibility reads')).toBe(true)
    expect(seen.map((f) => f.state)).toEqual(['set', 'cleared'])
  })
})

describe('node health', () => {
  const task = (minerId: string) => ({ cid: 'bafkqaaa', minerId })
  const fetchFailed = { indexerResult: 'ERROR_FETCH', retrievalResult: 'IPNI_ERROR_FETCH' }
  const ok = { indexerResult: 'OK', retrievalResult: 'OK' }

  function healthWith(answers: ProbeResult[]) {
    const { faults, seen } = faultsWithEvents()
    let probes = 0
    const probe = { probe: async () => answers[Math.min(probes++, answers.length - 1)] as ProbeResult }
    return { health: createNodeHealth({ faults, probe, indexerUrl: 'http://127.0.0.1:9' }), seen, probes: () => probes }
  }

  it('probes a suspect result before it is signed: unreachable withholds it, reachable publishes it', async () => {
    const down = healthWith([{ reachable: false, error: 'fetch failed (ECONNREFUSED)', noNetwork: false }])
    expect(await down.health.judge(0, task('f01'), fetchFailed)).toEqual({ publish: false, reason: 'IPNI_UNREACHABLE' })
    expect(down.health.faults.list()[0]?.message).toBe('the indexer http://127.0.0.1:9 cannot be reached: fetch failed (ECONNREFUSED)')
    const up = healthWith([{ reachable: true }])
    // the indexer answers: this lookup's failure is IPNI's with this CID, as Spark counts it
    expect(await up.health.judge(0, task('f01'), fetchFailed)).toEqual({ publish: true })
    expect(up.health.faults.list()).toEqual([])
    // no probe for a result no local failure causes
    expect(await up.health.judge(0, task('f01'), ok)).toEqual({ publish: true })
    expect(up.probes()).toBe(1)
  })

  it("a host without a network is NO_NETWORK, which withholds the providers' network errors too", async () => {
    const t = healthWith([{ reachable: false, error: 'fetch failed (ENETUNREACH)', noNetwork: true }])
    expect(await t.health.judge(0, task('f01'), fetchFailed)).toEqual({ publish: false, reason: 'NO_NETWORK' })
    expect(await t.health.judge(0, task('f02'), { indexerResult: 'ERROR_FETCH', retrievalResult: 'CONNECTION_REFUSED' })).toEqual({
      publish: false,
      reason: 'NO_NETWORK',
    })
  })

  it('clears by itself: at a round start it probes again, and an answered IPNI query clears at once', async () => {
    const t = healthWith([{ reachable: false, error: 'refused', noNetwork: false }, { reachable: true }])
    await t.health.judge(0, task('f01'), fetchFailed)
    expect(t.health.faults.has('IPNI_UNREACHABLE')).toBe(true)
    await t.health.roundStarted(1)
    expect(t.health.faults.has('IPNI_UNREACHABLE')).toBe(false)
    expect(t.seen.map((s) => s.state)).toEqual(['set', 'cleared'])
    // without a fault, a round start asks nothing
    await t.health.roundStarted(2)
    expect(t.probes()).toBe(2)

    const u = healthWith([{ reachable: false, error: 'refused', noNetwork: false }])
    await u.health.judge(0, task('f01'), fetchFailed)
    expect(await u.health.judge(0, task('f02'), ok)).toEqual({ publish: true })
    expect(u.health.faults.list()).toEqual([])
  })

  it('the round rule sets a fault for the rest of its round, even when the probe reaches the indexer', async () => {
    const t = healthWith([{ reachable: true }])
    const refused = { indexerResult: 'OK', retrievalResult: 'CONNECTION_REFUSED' }
    expect(await t.health.judge(5, task('f01'), refused)).toEqual({ publish: true })
    expect(await t.health.judge(5, task('f02'), refused)).toEqual({ publish: true })
    // the third check of a second provider failing the same way: from now on it is this host's failure
    expect(await t.health.judge(5, task('f03'), refused)).toEqual({ publish: false, reason: 'NO_NETWORK' })
    expect(t.health.faults.list()[0]?.message).toBe('all 3 checks of round 5 so far failed with CONNECTION_REFUSED, at 3 providers')
    expect(await t.health.judge(5, task('f01'), refused)).toEqual({ publish: false, reason: 'NO_NETWORK' })
    // another result in the round breaks the rule
    expect(await t.health.judge(5, task('f02'), ok)).toEqual({ publish: true })
    expect(t.health.faults.list()).toEqual([])
    await t.health.judge(6, task('f01'), refused)
    await t.health.judge(6, task('f02'), refused)
    await t.health.judge(6, task('f03'), refused)
    expect(t.health.faults.has('NO_NETWORK')).toBe(true)
    // and it ends with its round
    await t.health.roundStarted(7)
    expect(t.health.faults.list()).toEqual([])
  })
})

describe('indexer probe', () => {
  it('any HTTP answer is reachable; a closed port is not; one request serves checks that end together', async () => {
    let requests = 0
    const server = createServer((req, res) => {
      requests++
      res.statusCode = req.url === '/cid/bafkqaaa' ? 404 : 500
      res.end('not found')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      let now = 0
      const probe = createIndexerProbe({ indexerUrl: url, now: () => now, cacheMs: 1_000 })
      const answers = await Promise.all([probe.probe(), probe.probe(), probe.probe()])
      expect(answers).toEqual([{ reachable: true }, { reachable: true }, { reachable: true }])
      expect(requests).toBe(1)
      now = 2_000
      await probe.probe()
      expect(requests).toBe(2)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    // a port where nothing listens (never used, so no pooled connection stands in for it)
    const free = createServer()
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve))
    const port = (free.address() as AddressInfo).port
    await new Promise((resolve) => free.close(resolve))
    const gone = await createIndexerProbe({ indexerUrl: `http://127.0.0.1:${port}` }).probe()
    expect(gone).toMatchObject({ reachable: false, noNetwork: false })
    expect((gone as { error: string }).error).toMatch(/ECONNREFUSED/)
  })
})

describe('DISK_FULL', () => {
  it('set by a reported full disk; cleared by an anchored round only after a round without a refused write', () => {
    let now = 0
    const { faults, seen } = faultsWithEvents(() => now)
    const reported: string[] = []
    const disk = diskFullFault(faults, () => now, 1_000)
    const report = disk.reporting((what) => reported.push(what))
    report('round 3: not anchored', Object.assign(new Error('no space left'), { code: 'STORE_DISK_FULL' }))
    report('round 3: other', Object.assign(new Error('I/O'), { code: 'STORE_WRITE_FAILED' }))
    // every failure is still reported as before
    expect(reported).toEqual(['round 3: not anchored', 'round 3: other'])
    expect(faults.list()).toEqual([{ code: 'DISK_FULL', since: 0, message: 'no space left' }])
    now = 500
    disk.anchored(3)
    expect(faults.has('DISK_FULL')).toBe(true)
    now = 1_000
    disk.anchored(4)
    expect(faults.has('DISK_FULL')).toBe(false)
    expect(seen.map((s) => s.state)).toEqual(['set', 'cleared'])
  })
})

describe('CLOCK_OFF', () => {
  // the tracker's Date has whole seconds: 12:00:00 stands for any time in [12:00:00, 12:00:01)
  const t = Date.parse('2026-12-03T12:00:00Z')

  it("counts only an offset beyond the Date header's second and the limit", () => {
    // answered within the second the tracker stamped: no skew, whatever the truncation
    expect(clockOffset({ trackerDate: t, sentAt: t + 100, receivedAt: t + 900 }, 500).off).toBe(false)
    expect(clockOffset({ trackerDate: t, sentAt: t + 1_400, receivedAt: t + 1_450 }, 500).off).toBe(false)
    // ahead: sent 2 s after the tracker's second ended
    expect(clockOffset({ trackerDate: t, sentAt: t + 3_000, receivedAt: t + 3_050 }, 500)).toEqual({ offsetMs: 2_525, off: true })
    // behind: the answer came before the tracker's stamp
    expect(clockOffset({ trackerDate: t, sentAt: t - 5_050, receivedAt: t - 5_000 }, 500)).toEqual({ offsetMs: -5_525, off: true })
  })

  it('sets and clears the fault from the latest reading; no reading changes nothing', () => {
    const { faults, seen } = faultsWithEvents()
    let reading: { trackerDate: number; sentAt: number; receivedAt: number } | undefined
    const source = { clockReading: () => reading }
    checkClock(source, faults, 500)
    checkClock(undefined, faults, 500)
    expect(seen).toEqual([])
    reading = { trackerDate: t, sentAt: t + 60_000, receivedAt: t + 60_010 }
    checkClock(source, faults, 500)
    expect(faults.list()[0]?.message).toBe(
      "this host's clock is 59.5 s ahead of the tracker's (more than 500 ms, a quarter round, is too far)",
    )
    // every result is withheld meanwhile: its round and times would be wrong
    expect(blame('OK', faults.codes())).toEqual({ publish: false, reason: 'CLOCK_OFF' })
    reading = { trackerDate: t, sentAt: t + 200, receivedAt: t + 210 }
    checkClock(source, faults, 500)
    expect(seen.map((s) => [s.state, s.code])).toEqual([
      ['set', 'CLOCK_OFF'],
      ['cleared', 'CLOCK_OFF'],
    ])
  })
})
