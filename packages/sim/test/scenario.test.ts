import { describe, expect, it } from 'vitest'
import { outcomeFields, parseScenarioFile, ScenarioError, setPath, validateScenario } from '../src/index.js'
import { scenario } from './helpers.js'

function errorOf(value: unknown): ScenarioError {
  try {
    validateScenario(value)
  } catch (err) {
    if (err instanceof ScenarioError) return err
    throw err
  }
  throw new Error('expected a ScenarioError')
}

describe('validateScenario', () => {
  it('fills in defaults and is idempotent', () => {
    const s = validateScenario(
      scenario({
        adversaries: [
          { kind: 'lazy', share: 0.1 },
          { kind: 'grinding', share: 0.1, targetMinerId: 'f0100' },
        ],
      }),
    )
    expect(s.inetGroups).toBe(300)
    expect(s.churn).toBe(0)
    expect(s.messageLoss).toBe(0)
    expect(s.providers[0]).toEqual({ minerId: 'f0100', successRate: 1, failureMix: { HTTP_502: 1 }, kind: 'normal', blockedGroups: [] })
    expect(s.adversaries?.[0]).toEqual({ kind: 'lazy', share: 0.1, skipShare: 0.5 })
    expect(s.adversaries?.[1]).toMatchObject({ identitiesPerRound: 1000, failureCode: 'HTTP_502' })
    expect(validateScenario(s)).toEqual(s)
  })

  it('names the offending field', () => {
    const providers = [
      { minerId: 'f01', successRate: 0.5 },
      { minerId: 'f02', successRate: 0.5 },
      { minerId: 'f03', successRate: 1.5 },
    ]
    expect(errorOf(scenario({ providers })).message).toBe('providers[2].successRate must be between 0 and 1')
    expect(errorOf(scenario({ providers })).path).toBe('providers[2].successRate')
    expect(errorOf(scenario({ nodes: 0 })).path).toBe('nodes')
    expect(errorOf({ ...scenario(), nodez: 3 }).message).toMatch(/^nodez is not a known field/)
    expect(errorOf(scenario({ providers: [{ minerId: 'f01', successRate: 1, failureMix: { RPC_FAILURE: 1 } }] })).path).toBe(
      'providers[0].failureMix.RPC_FAILURE',
    )
    expect(errorOf(scenario({ adversaries: [{ kind: 'colluding', share: 0.1 }] })).path).toBe('adversaries[0].targetMinerId')
    expect(errorOf(scenario({ adversaries: [{ kind: 'liar' as never, share: 0.1 }] })).path).toBe('adversaries[0].kind')
    expect(
      errorOf(
        scenario({
          adversaries: [
            { kind: 'lazy', share: 0.7 },
            { kind: 'copier', share: 0.7 },
          ],
        }),
      ).path,
    ).toBe('adversaries')
    expect(errorOf(scenario({ adversaries: [{ kind: 'copier', share: 0.1, skipShare: 0.2 }] })).path).toBe('adversaries[0].skipShare')
    expect(errorOf(scenario({ providers: [{ minerId: 'f01', successRate: 1, kind: 'region-blocked' }] })).path).toBe(
      'providers[0].blockedGroups',
    )
    expect(errorOf(scenario({ providers: [] })).path).toBe('providers')
    expect(errorOf(scenario({ messageLoss: -0.1 })).message).toBe('messageLoss must be between 0 and 1')
  })

  it('takes protocolVersion 1 or 2, and leaves an absent one out (version 1 results stay as they were)', () => {
    expect(validateScenario(scenario())).not.toHaveProperty('protocolVersion')
    expect(validateScenario(scenario({ protocolVersion: 2 })).protocolVersion).toBe(2)
    expect(errorOf(scenario({ protocolVersion: 3 as never })).message).toMatch(/^protocolVersion must be 1 .* or 2/)
  })

  it("sizes a deposit-holder by its participants, out of the scenario's nodes", () => {
    const holder = (fields: object) => scenario({ adversaries: [{ kind: 'deposit-holder', targetMinerId: 'f0100', ...fields }] })
    const s = validateScenario(holder({ participants: 75 }))
    expect(s.adversaries[0]).toEqual({
      kind: 'deposit-holder',
      share: 0.25,
      targetMinerId: 'f0100',
      failureCode: 'HTTP_502',
      participants: 75,
    })
    // a sweep sets participants on a validated scenario: the share follows them
    expect(validateScenario({ ...s, adversaries: [{ ...s.adversaries[0], participants: 30 }] }).adversaries[0]?.share).toBe(0.1)
    expect(errorOf(holder({})).message).toMatch(/^adversaries\[0\]\.participants is required/)
    expect(errorOf(holder({ participants: 301 })).message).toBe('adversaries[0].participants must be an integer between 0 and 300')
    expect(errorOf(holder({ participants: 1.5 })).path).toBe('adversaries[0].participants')
    expect(errorOf(holder({ participants: 10, share: 2 })).path).toBe('adversaries[0].share')
    expect(errorOf(scenario({ adversaries: [{ kind: 'deposit-holder', participants: 10 }] })).path).toBe('adversaries[0].targetMinerId')
    expect(errorOf(scenario({ adversaries: [{ kind: 'always-fail', share: 0.1, participants: 10 }] })).message).toBe(
      'adversaries[0].participants applies to deposit-holder adversaries only',
    )
  })

  it('accepts only failure codes a measurement can carry', () => {
    for (const code of [
      'OK',
      'TIMEOUT',
      'CAR_TOO_LARGE',
      'HTTP_502',
      'LASSIE_504',
      'IPNI_ERROR_503',
      'IPNI_NOT_QUERIED',
      'CONNECTION_REFUSED',
    ]) {
      expect(outcomeFields(code)?.code).toBe(code)
    }
    for (const code of ['RPC_FAILURE', 'HTTP_200', 'HTTP_0502', 'IPNI_OK', 'whatever']) expect(outcomeFields(code)).toBeUndefined()
  })
})

describe('parseScenarioFile', () => {
  it('parses JSON and names the file in errors', () => {
    expect(parseScenarioFile(JSON.stringify(scenario()), 's.json').nodes).toBe(300)
    expect(() => parseScenarioFile('{', 'bad.json')).toThrow(/bad\.json: not valid JSON/)
    expect(() => parseScenarioFile(JSON.stringify(scenario({ rounds: 0 })), 'r.json')).toThrow(/^r\.json: rounds must be an integer/)
    expect(() => parseScenarioFile('seed: x', 's.yaml')).toThrow(/YAML scenarios are not supported/)
  })
})

describe('setPath', () => {
  it('sets a dotted path on a copy', () => {
    const base = scenario({ adversaries: [{ kind: 'always-fail', share: 0.1 }] })
    const next = setPath(base, 'adversaries.0.share', 0.3)
    expect(next.adversaries?.[0]?.share).toBe(0.3)
    expect(base.adversaries?.[0]?.share).toBe(0.1)
    expect(setPath(base, 'churn', 0.2).churn).toBe(0.2)
    expect(setPath(base, 'providers.0.successRate', 0.5).providers[0]?.successRate).toBe(0.5)
    expect(() => setPath(base, 'adversaries.3.share', 1)).toThrow(/adversaries\.3 does not exist/)
    expect(() => setPath(base, 'a..b', 1)).toThrow(ScenarioError)
  })
})
