/** The response body as text, or an error once it exceeds `maxBytes` (the rest is not read). */
export async function readBoundedText(res: Response, maxBytes: number): Promise<string> {
  if (res.body === null) return ''
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of res.body) {
    length += chunk.byteLength
    // leaving the loop cancels the stream, so an endless body is not drained
    if (length > maxBytes) throw new RangeError(`response body is larger than ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, length).toString('utf8')
}

/** The response body parsed as JSON, bounded like `readBoundedText`. */
export async function readBoundedJson(res: Response, maxBytes: number): Promise<unknown> {
  return JSON.parse(await readBoundedText(res, maxBytes))
}
