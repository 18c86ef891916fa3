/*
 * Finds where one JSON value ends in text that arrives in pieces, without parsing it: the piece
 * boundaries may fall anywhere, even inside a string or an escape. The value is then parsed on
 * its own with JSON.parse, so an answer far larger than one string can be read value by value.
 */

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c

export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

export class JsonValueReader {
  /** Set once the value's last character has been read. */
  done = false
  /** The value's first character: `{`, `[`, `"`, or that of a number, `true`, `false`, `null`. */
  first = ''
  private readonly parts: string[] = []
  private size = 0
  private depth = 0
  private inString = false
  private escape = false
  private scalar = false

  /** `keep: false` only finds the end (for a value that is not needed); kept text is bounded by `maxChars`. */
  constructor(
    private readonly keep: boolean,
    private readonly maxChars: number,
  ) {}

  /**
   * Reads from `text[start]` (not white space, for a value not yet begun). Returns the index after
   * the value's last character, or `text.length` when the value goes on in the next piece. A
   * number or literal ends at the character after it, which is left for the caller.
   */
  read(text: string, start: number): number {
    let i = start
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (this.inString) {
        if (this.escape) this.escape = false
        else if (c === BACKSLASH) this.escape = true
        else if (c === QUOTE) {
          this.inString = false
          if (this.depth === 0) {
            i++
            this.done = true
            break
          }
        }
      } else if (this.first === '') {
        this.first = text[i] as string
        if (c === QUOTE) this.inString = true
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth = 1
        else this.scalar = true
      } else if (this.scalar) {
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isJsonSpace(c)) {
          this.done = true
          break
        }
      } else if (c === QUOTE) this.inString = true
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--
        if (this.depth === 0) {
          i++
          this.done = true
          break
        }
      }
    }
    if (this.keep) {
      this.size += i - start
      if (this.size > this.maxChars) throw new RangeError(`a JSON value is larger than ${this.maxChars} characters`)
      this.parts.push(text.slice(start, i))
    }
    return i
  }

  /** A number or literal at the very end of the text has no character after it: it ends there. */
  end(): void {
    if (this.scalar) this.done = true
  }

  text(): string {
    return this.parts.join('')
  }
}
