import type { ServerResponse } from 'node:http'
import { sendHttp } from '@spark-swarm/http'

/** Every tracker answer: never cached, never sniffed. */
const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }
export const JSON_TYPE = 'application/json; charset=utf-8'
export const TEXT_TYPE = 'text/plain; charset=utf-8'

export function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  sendHttp(res, status, contentType, body, { common: COMMON_HEADERS, headers })
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON_TYPE, JSON.stringify(body), headers)
}

/** The tracker's error body, `{error, message}` (TrackerErrorBody): a stable code and what to do. */
export function sendError(res: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, message }, headers)
}

/** A raw JSON error response for a socket whose request could not be parsed. */
export function rawError(status: number, reason: string, error: string, message: string): string {
  const body = JSON.stringify({ error, message })
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n' +
    body
  )
}
