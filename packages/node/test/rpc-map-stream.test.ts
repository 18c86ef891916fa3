import { describe, expect, it } from 'vitest'
import { RpcMapScanner } from '../src/catalogue/rpc-map-stream.js'

/** Scans `text` cut into pieces of `size` characters; returns the answer and the entries seen. */
function scan(text: string, size = text.length) {
  const entries: Array<[string, unknown]> = []
  const scanner = new RpcMapScanner((key, value) => entries.push([key, value]))
  for (let i = 0; i < text.length; i += size) scanner.push(text.slice(i, i + size))
  return { answer: scanner.finish(), entries }
}

const RESULT = {
  '1': { Proposal: { Label: 'a "quoted" } { label \\ with ] [ , : in it', EndEpoch: 10, Verified: true }, State: { SlashEpoch: -1 } },
  '22': { Proposal: { Label: 'bafy✓ \u0000 é', PieceSize: 34359738368, X: [1, [2, { y: null }]] }, State: {} },
  '333': null,
  '4': -1.5e3,
  '5': 'text',
}

describe('JSON-RPC map answers read entry by entry', () => {
  it('gives each entry of the result, however the text is cut', () => {
    for (const text of [
      JSON.stringify({ jsonrpc: '2.0', result: RESULT, id: 1 }),
      JSON.stringify({ id: 1, jsonrpc: '2.0', result: RESULT }, null, 2),
      ` ${JSON.stringify({ result: RESULT })}\n`,
    ]) {
      for (const size of [1, 2, 3, 7, 64, text.length]) {
        const { answer, entries } = scan(text, size)
        expect(answer).toEqual({ result: 'map' })
        expect(Object.fromEntries(entries)).toEqual(RESULT)
        expect(entries.map(([k]) => k)).toEqual(Object.keys(RESULT))
      }
    }
    expect(scan('{"result":{}}').entries).toEqual([])
  })

  it('says what the result was when it is no map, and gives the error of an error answer', () => {
    expect(scan('{"jsonrpc":"2.0","id":1,"result":[{"Label":"x"}]}').answer).toEqual({ result: 'array' })
    expect(scan('{"result":"deals","id":1}', 3).answer).toEqual({ result: 'string' })
    expect(scan('{"result":null}').answer).toEqual({ result: 'other' })
    expect(scan('{"result":42}', 1).answer).toEqual({ result: 'other' })
    expect(scan('{"jsonrpc":"2.0","id":1}').answer).toEqual({ result: 'missing' })
    expect(scan('{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"no \\"tipset\\""}}', 5).answer).toEqual({
      result: 'missing',
      error: { code: 1, message: 'no "tipset"' },
    })
  })

  it('refuses text that is not one whole JSON object', () => {
    for (const bad of [
      '',
      '[]',
      'null',
      '{"result":{"1":{}}',
      '{"result":{"1":{}}}}',
      '{"result" {}}',
      '{"result":{"1" 2}}',
      '{"result":{1:2}}',
      '{"result":{"1":tru}}',
      '<html>',
    ]) {
      expect(() => scan(bad, 2), bad).toThrow(SyntaxError)
    }
  })
})
