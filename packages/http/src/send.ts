import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'

export interface SendOptions {
  /** Headers every answer of this server carries; written first. */
  common?: OutgoingHttpHeaders
  /** Headers of this answer; written after content-type and content-length, so they can override them. */
  headers?: OutgoingHttpHeaders
  /** A HEAD answer: the same headers (content-length included), no body. */
  head?: boolean
  /**
   * Whether to send `content-length`; default true. Without it Node sends the body chunked: the
   * devnet's fakes answer that way, as the small servers they imitate do.
   */
  contentLength?: boolean
}

/**
 * Writes a whole answer: status, headers in the order `common`, `content-type`, `content-length`,
 * `headers`, then the body. The order is fixed so that servers keep their bytes on the wire.
 */
export function sendHttp(res: ServerResponse, status: number, contentType: string, body: string, options: SendOptions = {}): void {
  const length = options.contentLength === false ? {} : { 'content-length': String(Buffer.byteLength(body)) }
  res.writeHead(status, { ...options.common, 'content-type': contentType, ...length, ...options.headers })
  res.end(options.head ? undefined : body)
}
