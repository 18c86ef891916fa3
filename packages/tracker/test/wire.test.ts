import {
  checkGateOk,
  checkNetworkInfo,
  isOutdatedAnswer,
  OUTDATED_CLIENT_BODY,
  TRACKER_GATE_PATH,
  TRACKER_MIN_VERSION_HEADER,
  TRACKER_NETWORK_PATH,
  TRACKER_VERSION_HEADER,
} from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Tracker } from '../src/index.js'
import { type Fixture, fixture } from './helpers.js'

// The tracker serves what protocol's tracker-wire accepts: the contract is one module, both sides.
let fx: Fixture
let tracker: Tracker
beforeAll(async () => {
  fx = await fixture()
  tracker = await fx.start()
})
afterAll(() => fx.cleanup())

describe('the tracker against its wire contract', () => {
  it('answers /v1/network with a body checkNetworkInfo accepts, byte for byte re-serialised', async () => {
    const text = await (await fetch(`${tracker.url}${TRACKER_NETWORK_PATH}`)).text()
    const checked = checkNetworkInfo(JSON.parse(text))
    expect(checked.ok).toBe(true)
    if (checked.ok) expect(JSON.stringify(checked.value)).toBe(text)
  })

  it('answers the gate with a body checkGateOk accepts, or exactly the outdated answer', async () => {
    const ok = await fetch(`${tracker.url}${TRACKER_GATE_PATH}`, { headers: { [TRACKER_VERSION_HEADER]: '1.2.0' } })
    expect(checkGateOk(await ok.json())).toEqual({ ok: true, value: { ok: true, minCheckerVersion: '1.2.0' } })
    const old = await fetch(`${tracker.url}${TRACKER_GATE_PATH}`, { headers: { [TRACKER_VERSION_HEADER]: '1.1.0' } })
    const body = await old.text()
    expect(isOutdatedAnswer(old.status, body)).toBe(true)
    expect(body).toBe(OUTDATED_CLIENT_BODY)
    expect(old.headers.get(TRACKER_MIN_VERSION_HEADER)).toBe('1.2.0')
  })

  it('names what is wrong with a body the contract refuses', () => {
    expect(checkNetworkInfo([])).toEqual({ ok: false, problem: 'the body is not a JSON object' })
    expect(checkGateOk({ ok: true, minCheckerVersion: 'soon' })).toMatchObject({ ok: false, problem: 'minCheckerVersion is not a version' })
    expect(isOutdatedAnswer(400, `${OUTDATED_CLIENT_BODY}\n`)).toBe(false)
    expect(isOutdatedAnswer(403, OUTDATED_CLIENT_BODY)).toBe(false)
  })
})
