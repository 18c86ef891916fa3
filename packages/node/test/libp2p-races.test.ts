import { StreamStateError } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { isLibp2pClosingStreamError } from '../src/node/peers/libp2p-races.js'

describe('isLibp2pClosingStreamError', () => {
  it("recognises libp2p's write to a closing stream, as libp2p throws it", () => {
    expect(isLibp2pClosingStreamError(new StreamStateError('Cannot write to a stream that is closing'))).toBe(true)
    expect(isLibp2pClosingStreamError(new StreamStateError('Cannot write to a stream that is closed'))).toBe(true)
  })

  it('lets every other error through, so that real crashes still end the process', () => {
    expect(isLibp2pClosingStreamError(new StreamStateError('Cannot read from a stream that is closing'))).toBe(false)
    expect(isLibp2pClosingStreamError(new Error('Cannot write to a stream that is closing'))).toBe(false)
    expect(isLibp2pClosingStreamError(new TypeError('x is undefined'))).toBe(false)
    expect(isLibp2pClosingStreamError('Cannot write to a stream that is closing')).toBe(false)
    expect(isLibp2pClosingStreamError(undefined)).toBe(false)
  })
})
