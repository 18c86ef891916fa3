import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { TrackerMetrics } from './metrics.js'
import { rawError, sendError } from './respond.js'
import { ALLOW } from './routes.js'

export interface MalformedOptions {
  metrics: TrackerMetrics
  maxHeaderSize: number
  requestTimeoutMs: number
}

/**
 * Answers, with the tracker's JSON errors, what Node would otherwise answer with an empty body or
 * not at all: unparsable requests, an unmet Expect header, CONNECT.
 */
export function answerMalformed(server: Server, { metrics, maxHeaderSize, requestTimeoutMs }: MalformedOptions): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const code = err.code ?? ''
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
    if (code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy()
      return
    }
    if (code === 'HPE_HEADER_OVERFLOW') {
      metrics.clientError('header_overflow')
      socket.end(
        rawError(431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', `request headers must fit in ${maxHeaderSize} bytes`),
      )
    } else if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      metrics.clientError('timeout')
      socket.end(rawError(408, 'Request Timeout', 'REQUEST_TIMEOUT', `send the whole request within ${requestTimeoutMs} ms`))
    } else {
      metrics.clientError('bad_request')
      socket.end(rawError(400, 'Bad Request', 'BAD_REQUEST', 'the request is not valid HTTP/1.1'))
    }
    // a client that never reads must not keep the socket
    socket.setTimeout(5_000, () => socket.destroy())
  })

  // an Expect header other than 100-continue: Node would answer 417 with an empty body itself
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => {})
    res.on('finish', () => metrics.request('unmatched', res.statusCode))
    res.setHeader('connection', 'close')
    sendError(res, 417, 'EXPECTATION_FAILED', 'the tracker meets no Expect header but "100-continue": leave it out')
  })

  // Node hands a CONNECT request to 'connect' listeners and, when there are none, drops the
  // socket without a word: answer it like any other method the tracker does not serve
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    metrics.request('unmatched', 405)
    socket.on('error', () => {})
    socket.end(rawError(405, 'Method Not Allowed', 'METHOD_NOT_ALLOWED', `the tracker answers ${ALLOW} only`))
    socket.setTimeout(5_000, () => socket.destroy())
  })
}
