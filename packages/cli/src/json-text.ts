/**
 * A JSON document already written out, in chunks (a command that renders its own output, on
 * several threads, instead of handing one object to JSON.stringify). Compact; `--pretty` parses
 * it once more to indent it.
 */
export class JsonText {
  /** Text, or UTF-8 bytes a thread wrote. */
  constructor(readonly chunks: readonly (string | Uint8Array)[]) {}

  toString(): string {
    return this.chunks.map((c) => (typeof c === 'string' ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('utf8'))).join('')
  }
}
