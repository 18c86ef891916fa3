import {
  applyByteMutations,
  applyValueMutation,
  byteMutations,
  classify,
  codeWhenInstance,
  type FuzzTarget,
  jsonValueInputs,
  nested,
  oddJsonValue,
  runTarget,
  toJsonText,
  valueMutation,
} from '@spark-swarm/fuzz'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'

class CodedError extends Error {
  constructor(readonly code: string) {
    super(code)
  }
}

/** A decoder of `{ n: number }` with the bug the fuzzing is for: it assumes what it checks next. */
const buggy: FuzzTarget<unknown> = {
  name: 'buggy decoder',
  arbitrary: jsonValueInputs([{ n: 1 }]),
  run(value) {
    if (typeof value !== 'object' || value === null)
      throw new CodedError('NOT_AN_OBJECT')
      // the bug: `n` may be anything
    ;(value as { n: { toFixed(): string } }).n.toFixed()
    return undefined
  },
  codeOf: (err) => codeWhenInstance(err, CodedError),
  codes: ['NOT_AN_OBJECT'],
}

describe('the fuzz harness', () => {
  it('tells accepted, rejected with a code, crashes and hangs apart', async () => {
    const target = (run: FuzzTarget<number>['run'], timeoutMs?: number): FuzzTarget<number> => ({
      name: 't',
      arbitrary: fc.constant(0),
      run,
      codeOf: (err) => codeWhenInstance(err, CodedError),
      codes: ['KNOWN', 'PREFIX_*'],
      timeoutMs,
    })
    expect(
      (
        await classify(
          target(() => undefined),
          0,
        )
      ).outcome,
    ).toBe('accepted')
    expect(
      await classify(
        target(() => 'PREFIX_42'),
        0,
      ),
    ).toMatchObject({ outcome: 'rejected', code: 'PREFIX_42' })
    expect(
      await classify(
        target(() => {
          throw new CodedError('KNOWN')
        }),
        0,
      ),
    ).toMatchObject({ outcome: 'rejected', code: 'KNOWN' })
    expect(
      await classify(
        target(() => {
          throw new CodedError('OTHER')
        }),
        0,
      ),
    ).toMatchObject({ outcome: 'crash', error: 'rejected with an unknown code "OTHER"' })
    expect(
      await classify(
        target(() => {
          throw new TypeError('x is undefined')
        }),
        0,
      ),
    ).toMatchObject({ outcome: 'crash', error: 'TypeError: x is undefined' })
    expect(
      (
        await classify(
          target(() => new Promise(() => {}), 50),
          0,
        )
      ).outcome,
    ).toBe('hang')
    const busy = target(() => {
      const until = performance.now() + 1_050
      while (performance.now() < until);
      return undefined
    })
    expect((await classify(busy, 0)).outcome).toBe('hang')
  })

  it('finds the crash of a buggy decoder and reports it shrunk, with the seed to replay it', async () => {
    const failure = await runTarget(buggy, { runs: 200, seed: 1, stopOnFailure: true }).catch((err: Error) => err)
    expect(failure).toBeInstanceOf(Error)
    expect((failure as Error).message).toMatch(/buggy decoder: crash: TypeError/)
    expect((failure as Error).message).toMatch(/seed: 1/)
    // without stopping, it counts
    const stats = await runTarget(buggy, { runs: 200, seed: 1 })
    expect(stats.crashes).toBeGreaterThan(0)
    expect(stats.failures[0]?.error).toMatch(/TypeError/)
    expect(stats.accepted + stats.rejected + stats.crashes).toBe(200)
  })

  it('mutates copies: the valid encodings it starts from stay as they were', () => {
    const bytes = Buffer.from('a valid encoding, as a Buffer whose slice() is a view')
    const before = Buffer.from(bytes)
    const value = { a: [1, { b: 'c' }], d: { e: null } }
    const snapshot = JSON.stringify(value)
    fc.assert(
      fc.property(byteMutations, fc.array(valueMutation(oddJsonValue), { minLength: 1, maxLength: 4 }), (bms, vms) => {
        applyByteMutations(bytes, bms)
        vms.reduce<unknown>((v, m) => applyValueMutation(v, m), value)
        expect(Buffer.compare(bytes, before)).toBe(0)
        expect(JSON.stringify(value)).toBe(snapshot)
      }),
      { numRuns: 300, seed: 1 },
    )
  })

  it('writes nesting too deep for JSON.stringify as JSON text that parses back', () => {
    const text = toJsonText({ a: nested(20_000) })
    let v = (JSON.parse(text) as { a: unknown }).a
    let depth = 0
    while (Array.isArray(v)) {
      v = v[0]
      depth++
    }
    expect(depth).toBe(20_000)
  })
})
