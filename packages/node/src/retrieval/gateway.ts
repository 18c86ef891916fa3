import { STATUS } from '@spark-swarm/protocol'
import { verifyCarBlock } from './car.js'
import { createCarChecksum } from './checksum.js'
import { HARD_TIMEOUT_MS, IDLE_TIMEOUT_MS, MAX_CAR_BYTES } from './constants.js'
import { describeError, isConnectTimeout, mapErrorToStatusCode } from './errors.js'
import { probeHead } from './head.js'
import type { TokenBucket } from './limits.js'
import { multiaddrToHttpUrl } from './multiaddr.js'
import { RetrievalTimers } from './retrieval-timers.js'
import type { FetchLike, RetrievalFields, StepLog } from './types.js'

export interface GatewayFetchOptions {
  /** The provider's HTTP multiaddr, as IPNI gave it. */
  address: string
  cid: string
  /** Aborting it rejects the call (a cancelled check is no measurement). */
  signal?: AbortSignal
  idleTimeoutMs?: number
  hardTimeoutMs?: number
  headTimeoutMs?: number
  maxBytes?: number
  /** The node's bandwidth limit; time spent waiting on it counts against neither time limit. */
  bandwidth?: TokenBucket
  fetch?: FetchLike
  /** Unix milliseconds for startAt/firstByteAt/endAt. */
  clock?: () => number
}

export interface GatewayResult {
  fields: RetrievalFields
  /** 'retrieval', then 'verification' when a whole 2xx body was read, then 'head'. */
  steps: StepLog[]
}

/** `{base}/ipfs/{cid}?dag-scope=block`: the root block only (Spark #48: retrieval testing, not load testing). */
export function retrievalUrl(address: string, cid: string): string {
  // encoding changes no valid CID; it keeps a malformed task CID from rewriting the path or query
  return `${multiaddrToHttpUrl(address)}/ipfs/${encodeURIComponent(cid)}?dag-scope=block`
}

const is2xx = (status: number) => status >= 200 && status < 300

/**
 * Retrieves the root block of `cid` from a trustless HTTP gateway, as Spark's `fetchCAR` then
 * `testHeadRequest` do, and reports the measurement fields. Failures are fields, not exceptions:
 * a multiaddr Spark cannot use is 70x, a refused connection 802, a name that does not resolve
 * 801, a bad CAR 90x, anything else 600; an HTTP status other than 2xx is kept as it is.
 *
 * The body is streamed: `firstByteAt` at the first chunk, the idle limit reset by each chunk, the
 * SHA-256 `carChecksum` updated per chunk, reading stopped past `maxBytes` (`carTooLarge`).
 */
export async function fetchFromGateway(options: GatewayFetchOptions): Promise<GatewayResult> {
  const { signal } = options
  signal?.throwIfAborted()
  const clock = options.clock ?? Date.now
  const steps: StepLog[] = []
  const fields: RetrievalFields = {
    statusCode: null,
    headStatusCode: null,
    timeout: false,
    carTooLarge: false,
    byteLength: 0,
    carChecksum: null,
    startAt: clock(),
    firstByteAt: null,
    endAt: null,
  }

  let url: string
  try {
    url = retrievalUrl(options.address, options.cid)
  } catch (err) {
    // Spark's HEAD probe threw here and lost the measurement; we report the 70x for both requests
    fields.statusCode = fields.headStatusCode = mapErrorToStatusCode(err)
    fields.endAt = clock()
    steps.push({ step: 'retrieval', ok: false, detail: `${fields.statusCode}: ${describeError(err)}`, ms: 0 })
    return { fields, steps }
  }

  await getCar(url, options, fields, steps)
  const head = await probeHead(url, { signal, timeoutMs: options.headTimeoutMs, fetch: options.fetch })
  fields.headStatusCode = head.headStatusCode
  steps.push(head.step)
  return { fields, steps }
}

async function getCar(url: string, options: GatewayFetchOptions, fields: RetrievalFields, steps: StepLog[]): Promise<void> {
  const { signal, bandwidth } = options
  const fetch = options.fetch ?? globalThis.fetch
  const clock = options.clock ?? Date.now
  const maxBytes = options.maxBytes ?? MAX_CAR_BYTES
  const controller = new AbortController()
  const abortFromCaller = () => controller.abort(signal?.reason)
  signal?.addEventListener('abort', abortFromCaller, { once: true })
  const timers = new RetrievalTimers(options.idleTimeoutMs ?? IDLE_TIMEOUT_MS, options.hardTimeoutMs ?? HARD_TIMEOUT_MS, () => {
    fields.timeout = true
    controller.abort(new Error('the retrieval timed out'))
  })
  const checksum = createCarChecksum()
  const chunks: Uint8Array[] = []
  let byteLength = 0
  let began = performance.now()
  const step = (name: 'retrieval' | 'verification', ok: boolean, detail: string) => {
    steps.push({ step: name, ok, detail, ms: Math.round(performance.now() - began) })
    began = performance.now()
  }

  try {
    fields.startAt = clock()
    timers.start()
    const res = await fetch(url, { headers: { accept: 'application/vnd.ipld.car' }, signal: controller.signal })
    fields.statusCode = res.status
    if (!res.ok) {
      await res.body?.cancel()
      step('retrieval', false, `HTTP ${res.status}`)
      return
    }
    timers.progress()
    // a 2xx without a body (204) is an empty CAR: it fails verification rather than passing as OK
    for await (const chunk of res.body ?? []) {
      if (chunk.byteLength === 0) continue
      fields.firstByteAt ??= clock()
      byteLength += chunk.byteLength
      fields.byteLength = byteLength
      // leaving the loop cancels the stream: the rest is never downloaded
      if (byteLength > maxBytes) {
        fields.carTooLarge = true
        break
      }
      checksum.update(chunk)
      chunks.push(chunk)
      if (bandwidth && !bandwidth.unlimited) {
        timers.pause()
        await bandwidth.take(chunk.byteLength, { signal: controller.signal })
        timers.resume()
      } else {
        timers.progress()
      }
    }
    // verification is the node's own work: the provider's clock stops here
    timers.stop()
    if (fields.carTooLarge) {
      step('retrieval', false, `HTTP ${res.status}, more than ${maxBytes} bytes`)
      return
    }
    step('retrieval', true, `HTTP ${res.status}, ${byteLength} bytes`)
    await verifyCarBlock(options.cid, Buffer.concat(chunks, byteLength), { signal })
    fields.carChecksum = checksum.digest()
    step('verification', true, `block ${options.cid} verified`)
  } catch (err) {
    if (signal?.aborted) throw signal.reason
    // Spark keeps a non-2xx status; a failure after a 2xx (body, CAR) replaces it. Spark only
    // replaced 200, which let a 206 with a bad CAR count as OK.
    if (fields.statusCode === null || is2xx(fields.statusCode)) fields.statusCode = mapErrorToStatusCode(err)
    if (fields.statusCode === STATUS.UNKNOWN_FETCH_ERROR && isConnectTimeout(err)) fields.timeout = true
    const detail = fields.timeout ? 'timed out' : `${fields.statusCode}: ${describeError(err)}`
    const failedStep = steps.some((s) => s.step === 'retrieval') ? 'verification' : 'retrieval'
    step(failedStep, false, detail)
  } finally {
    timers.stop()
    signal?.removeEventListener('abort', abortFromCaller)
    fields.endAt = clock()
  }
}
