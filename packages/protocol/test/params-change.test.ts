import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  changedIdentityKeys,
  checkNetworkInfo,
  devnet,
  networkInfoBody,
  PARAMS_NOTICE_ROUNDS,
  type ParamsSchedule,
  type ProtocolParams,
  paramsDigest,
  paramsForRound,
  scheduleAt,
  scheduleChangeProblem,
  upcomingParams,
} from '../src/index.js'

const withDigest = (params: ProtocolParams) => ({ params, paramsDigest: paramsDigest(params) })
const bigger = { ...devnet, tasksPerRound: 24 }
const floorRaised = { ...devnet, minCheckerVersion: '0.2.0' }
const plain: ParamsSchedule = withDigest(devnet)
const announce = (fromRound: number, params: ProtocolParams = bigger): ParamsSchedule => ({
  ...withDigest(devnet),
  upcoming: { fromRound, ...withDigest(params) },
})

describe('params in force', () => {
  it('are the announced params from fromRound on, the old ones before', () => {
    const s = announce(10)
    expect(paramsForRound(s, 9).params).toBe(devnet)
    expect(paramsForRound(s, 10).params).toBe(bigger)
    expect(paramsForRound(s, 11).paramsDigest).toBe(paramsDigest(bigger))
    expect(upcomingParams(s, 9)?.fromRound).toBe(10)
    expect(upcomingParams(s, 10)).toBeUndefined()
    expect(scheduleAt(s, 10)).toEqual(withDigest(bigger))
    expect(scheduleAt(s, 9)).toEqual(s)
    expect(paramsForRound(plain, 1e9).params).toBe(devnet)
  })

  it('property: every round is on exactly one of the two, switching once at fromRound', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e6 }), fc.nat({ max: 1e6 }), (fromRound, round) => {
        const s = announce(fromRound)
        const at = scheduleAt(s, round)
        expect(at.params).toBe(round >= fromRound ? bigger : devnet)
        expect(at.upcoming === undefined).toBe(round >= fromRound)
        // the schedule seen at a round gives the same params for that round and every later one
        expect(paramsForRound(at, round + 5)).toEqual(paramsForRound(s, round + 5))
      }),
    )
  })
})

describe('identity keys', () => {
  it('name exactly the keys that fix the network, whatever the key order of randomness', () => {
    expect(changedIdentityKeys(devnet, bigger)).toEqual([])
    expect(changedIdentityKeys(devnet, { ...devnet, roundDurationMs: 5_000, network: 'other' })).toEqual(['network', 'roundDurationMs'])
    const reordered = { ...devnet, randomness: { genesisSeed: (devnet.randomness as { genesisSeed: string }).genesisSeed, type: 'local' } }
    expect(changedIdentityKeys(devnet, reordered as ProtocolParams)).toEqual([])
    expect(changedIdentityKeys(devnet, { ...devnet, randomness: { type: 'local', genesisSeed: '00'.repeat(32) } })).toEqual(['randomness'])
  })
})

describe('which reloads a tracker refuses', () => {
  const round = 100
  it('accepts an unchanged schedule, and an announcement with enough notice', () => {
    expect(scheduleChangeProblem(plain, plain, round)).toBeUndefined()
    expect(scheduleChangeProblem(plain, announce(round + PARAMS_NOTICE_ROUNDS), round)).toBeUndefined()
    expect(scheduleChangeProblem(announce(round + 1), announce(round + 1), round)).toBeUndefined()
  })

  it('refuses a change of the params in force, naming the round an announcement needs', () => {
    expect(scheduleChangeProblem(plain, withDigest(bigger), round)).toMatch(
      /changes the params in force \([0-9a-f]{12} → [0-9a-f]{12}\) without notice: announce them in "upcoming" with a fromRound of at least 102/,
    )
  })

  it('refuses too little notice', () => {
    expect(scheduleChangeProblem(plain, announce(round + 1), round)).toBe(
      'announces a change for round 101 with too little notice (this is round 100): fromRound must be at least 102',
    )
    // an announcement for a round already begun changes the params in force
    expect(scheduleChangeProblem(plain, announce(round), round)).toMatch(/changes the params in force/)
  })

  it('refuses to alter or withdraw an announcement due within the notice window, not one further out', () => {
    expect(scheduleChangeProblem(announce(round + 2), plain, round)).toMatch(/^withdraws the announced change of round 102/)
    expect(scheduleChangeProblem(announce(round + 2), announce(round + 3), round)).toMatch(/^alters the announced change of round 102/)
    expect(scheduleChangeProblem(announce(round + 2), announce(round + 2, floorRaised), round)).toMatch(/^alters/)
    expect(scheduleChangeProblem(announce(round + 3), plain, round)).toBeUndefined()
    expect(scheduleChangeProblem(announce(round + 3), announce(round + 4, floorRaised), round)).toBeUndefined()
  })

  it('accepts moving an announcement that took effect into the params', () => {
    expect(scheduleChangeProblem(announce(round - 1), withDigest(bigger), round)).toBeUndefined()
    expect(scheduleChangeProblem(announce(round - 1), plain, round)).toMatch(/changes the params in force/)
  })

  it('refuses a change of an identity key, in force or announced', () => {
    expect(scheduleChangeProblem(plain, withDigest({ ...devnet, genesisTime: 1 }), round)).toMatch(
      /^changes params\.genesisTime, which never change/,
    )
    expect(scheduleChangeProblem(plain, announce(round + 5, { ...devnet, roundDurationMs: 1_000 }), round)).toMatch(
      /^changes params\.roundDurationMs/,
    )
  })

  it('property: an accepted reload never changes the params of any round within the notice window', () => {
    const paramsArb = fc.constantFrom(devnet, bigger, floorRaised)
    const scheduleArb = fc.oneof(
      paramsArb.map((p) => withDigest(p) as ParamsSchedule),
      fc.tuple(fc.integer({ min: 90, max: 110 }), paramsArb).map(([from, p]) => announce(from, p)),
    )
    fc.assert(
      fc.property(scheduleArb, scheduleArb, fc.integer({ min: 90, max: 110 }), (old, next, r) => {
        if (scheduleChangeProblem(old, next, r) !== undefined) return
        for (let k = r; k < r + PARAMS_NOTICE_ROUNDS; k++) {
          expect(paramsForRound(next, k).paramsDigest).toBe(paramsForRound(old, k).paramsDigest)
        }
      }),
    )
  })
})

describe('the upcoming announcement on the wire', () => {
  const body = (upcoming: unknown) => ({ ...networkInfoBody(devnet, paramsDigest(devnet), []), upcoming })
  it('round-trips through checkNetworkInfo', () => {
    const upcoming = { fromRound: 7, ...withDigest(bigger) }
    const checked = checkNetworkInfo(JSON.parse(JSON.stringify(body(upcoming))))
    expect(checked).toEqual({ ok: true, value: body(upcoming) })
    // without one, the key is absent
    expect(Object.keys(networkInfoBody(devnet, paramsDigest(devnet), []))).not.toContain('upcoming')
  })

  it('is refused when broken, naming what is wrong', () => {
    const problem = (upcoming: unknown) => {
      const checked = checkNetworkInfo(body(upcoming))
      return checked.ok ? 'accepted' : checked.problem
    }
    expect(problem([])).toBe('upcoming is not an object {fromRound, params, paramsDigest}')
    expect(problem({ fromRound: -1, ...withDigest(bigger) })).toBe('upcoming.fromRound is not a round number')
    expect(problem({ fromRound: 1.5, ...withDigest(bigger) })).toBe('upcoming.fromRound is not a round number')
    expect(problem({ fromRound: 3, params: { ...bigger, extra: 1 }, paramsDigest: 'x' })).toMatch(
      /^invalid upcoming\.params: params\.extra/,
    )
    expect(problem({ fromRound: 3, params: bigger, paramsDigest: paramsDigest(devnet) })).toBe(
      'upcoming.paramsDigest does not match upcoming.params',
    )
    expect(problem({ fromRound: 3, ...withDigest({ ...devnet, network: 'other' }) })).toBe(
      'upcoming.params change network, which never change',
    )
  })
})
