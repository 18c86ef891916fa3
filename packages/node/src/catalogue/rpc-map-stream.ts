import { isJsonSpace, JsonValueReader } from './json-value-reader.js'

/*
 * Reads a JSON-RPC answer whose `result` is a map, `{"jsonrpc":…,"result":{"<key>": <value>, …},
 * "id":…}`, handing each entry of the map over as it is read, so the whole answer is never held:
 * Lotus' StateMarketDeals on mainnet is many GiB, more than one string can hold. Only the
 * entries and the envelope's small fields (`error`, `id`) are parsed; each entry is bounded.
 */

export interface RpcMapAnswer {
  /** The JSON-RPC `error`, when the answer has one. */
  error?: unknown
  /** `map` when `result` was an object (its entries went to `onEntry`), else what it was. */
  result: 'map' | 'missing' | 'array' | 'string' | 'other'
}

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const COMMA = 0x2c
const COLON = 0x3a
const QUOTE = 0x22
/** One entry (a deal is under 1 KiB) or envelope field is read at most this long. */
const MAX_VALUE_CHARS = 1024 * 1024

type Expect = 'open' | 'key-or-close' | 'key' | 'colon' | 'value' | 'comma-or-close' | 'end'

export class RpcMapScanner {
  private expect: Expect = 'open'
  /** 1: in the envelope; 2: in its `result` map. */
  private level = 1
  private key = ''
  private reader: JsonValueReader | null = null
  private readingKey = false
  private readonly answer: RpcMapAnswer = { result: 'missing' }

  constructor(private readonly onEntry: (key: string, value: unknown) => void) {}

  push(text: string): void {
    let i = 0
    while (i < text.length) {
      if (this.reader) {
        i = this.reader.read(text, i)
        if (!this.reader.done) return
        this.finishToken(this.reader)
        this.reader = null
        continue
      }
      const c = text.charCodeAt(i)
      if (isJsonSpace(c)) {
        i++
        continue
      }
      this.step(c)
      if (this.reader === null) i++
    }
  }

  /** The answer once the text has all been pushed; throws when it stopped short. */
  finish(): RpcMapAnswer {
    if (this.reader) {
      this.reader.end()
      if (this.reader.done) {
        this.finishToken(this.reader)
        this.reader = null
      }
    }
    if (this.expect !== 'end') throw new SyntaxError('the answer ended before its JSON did')
    return this.answer
  }

  private step(c: number): void {
    const expect = this.expect
    if (expect === 'open') {
      if (c !== OPEN_BRACE) throw new SyntaxError('the answer is not a JSON-RPC object')
      this.expect = 'key-or-close'
    } else if (expect === 'key-or-close' && c === CLOSE_BRACE) this.close()
    else if (expect === 'key-or-close' || expect === 'key') this.startKey(c)
    else if (expect === 'colon') {
      if (c !== COLON) throw new SyntaxError('expected ":" in the answer')
      this.expect = 'value'
    } else if (expect === 'value') this.startValue(c)
    else if (expect === 'comma-or-close') {
      if (c === COMMA) this.expect = 'key'
      else if (c === CLOSE_BRACE) this.close()
      else throw new SyntaxError('expected "," or "}" in the answer')
    } else throw new SyntaxError('the answer goes on after its JSON')
  }

  private startKey(c: number): void {
    if (c !== QUOTE) throw new SyntaxError('expected a key in the answer')
    this.readingKey = true
    this.reader = new JsonValueReader(true, MAX_VALUE_CHARS)
  }

  private startValue(c: number): void {
    if (this.level === 1 && this.key === 'result') {
      if (c === OPEN_BRACE) {
        this.answer.result = 'map'
        this.level = 2
        this.expect = 'key-or-close'
        return
      }
      // the wrong shape: say what it is, do not keep it
      this.answer.result = c === 0x5b ? 'array' : c === QUOTE ? 'string' : 'other'
      this.reader = new JsonValueReader(false, 0)
      return
    }
    this.reader = new JsonValueReader(true, MAX_VALUE_CHARS)
  }

  private finishToken(reader: JsonValueReader): void {
    if (this.readingKey) {
      this.readingKey = false
      this.key = JSON.parse(reader.text()) as string
      this.expect = 'colon'
      return
    }
    this.expect = 'comma-or-close'
    if (this.level === 2) this.onEntry(this.key, JSON.parse(reader.text()))
    else if (this.key === 'error') this.answer.error = JSON.parse(reader.text())
    else if (this.key !== 'result') JSON.parse(reader.text()) // `jsonrpc`, `id`: checked, not used
  }

  private close(): void {
    if (this.level === 2) {
      this.level = 1
      this.expect = 'comma-or-close'
    } else this.expect = 'end'
  }
}
