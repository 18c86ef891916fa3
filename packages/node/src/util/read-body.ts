/** The response body as text, or an error once it exceeds `maxBytes` (the rest is not read). */
export async function readBoundedText(res: Response, maxBytes: number): Promise<string> {
  return Buffer.from(await readBoundedBytes(res, maxBytes)).toString('utf8')
}

/** The response body's bytes, or a RangeError once it exceeds `maxBytes` (the rest is not read). */
export async function readBoundedBytes(res: Response, maxBytes: number): Promise<Uint8Array> {
  if (res.body === null) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of res.body) {
    length += chunk.byteLength
    // leaving the loop cancels the stream, so an endless body is not drained
    if (length > maxBytes) throw new RangeError(`response body is larger than ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  const all = Buffer.concat(chunks, length)
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength)
}

/** The response body parsed as JSON, bounded like `readBoundedText`. */
export async function readBoundedJson(res: Response, maxBytes: number): Promise<unknown> {
  return JSON.parse(await readBoundedText(res, maxBytes))
}
