import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendHttp } from '@spark-swarm/http'
import { ChainDeposits, type Deposit } from './chain-deposits.js'
import { type Listener, LOOPBACK, startListener } from './listener.js'
import { actorNotFound, chainHeadJson, evmActorJson, minerInfoJson } from './lotus-json.js'
import type { MarketDealJson } from './market-deals.js'
import type { ClaimJson } from './verified-claims.js'

export type ChainRpcMode =
  | { kind: 'normal' }
  /** Every request answers HTTP `status` (5xx), as a failing glif.io does. */
  | { kind: 'error'; status: number }
  /** The port is closed: connections are refused. */
  | { kind: 'down' }
  /** The next `failFirst` requests answer HTTP 503, then normal again: for retry/backoff tests. */
  | { kind: 'flaky'; failFirst: number }

export interface RpcCall {
  method: string | undefined
  params: unknown
  /** What the fake answered: `result`, `error` (JSON-RPC error) or `http-<status>`. */
  answer: string
}

export interface FakeChainRpc {
  /** The endpoint, `http://127.0.0.1:<port>/rpc/v1`. */
  readonly url: string
  readonly mode: ChainRpcMode
  readonly calls: RpcCall[]
  setMode(mode: ChainRpcMode): Promise<void>
  /** Add or change a miner; `null` models a miner actor that has no PeerId set. */
  setMiner(minerId: string, peerId: string | null): void
  /** Replace the storage market deals StateMarketDeals answers. */
  setDeals(deals: Record<string, MarketDealJson>): void
  /** Replace the verified-registry claims StateGetAllClaims answers. */
  setClaims(claims: Record<string, ClaimJson> | null): void
  /** The participants' balances by height (spec §13), as StateGetActor answers them. */
  readonly deposits: ChainDeposits
  /** The head height now. */
  height(): number
  /** The most requests this fake was answering at once (set `latencyMs` to make them overlap). */
  readonly peakInFlight: number
  stop(): Promise<void>
}

export interface FakeChainRpcOptions {
  /** Miner actor id → libp2p peer id reported by StateMinerInfo. */
  miners: Record<string, string | null>
  /** Storage market deals by deal id, as StateMarketDeals answers them (see market-deals.ts). Default none. */
  deals?: Record<string, MarketDealJson>
  /**
   * Verified-registry claims by claim id, as StateGetAllClaims answers them (see verified-claims.ts).
   * Default none; null: a Lotus older than 1.26, which has no such method.
   */
  claims?: Record<string, ClaimJson> | null
  /** The ChainHead height. Default 4_000_000; ignored with `clock`. */
  height?: number
  /** A chain that grows with time: the head is epoch `floor((now − genesisTime) / epochDurationMs)`. */
  clock?: { genesisTime: number; epochDurationMs: number; now?: () => number }
  /** Participants' balances (spec §13): StateGetActor at a tipset answers the balance at its height. */
  deposits?: readonly Deposit[]
  /** Each answer waits this long, as a remote Lotus' would: concurrent calls overlap. Default 0. */
  latencyMs?: number
  host?: string
}

type JsonRpcRequest = { jsonrpc?: string; id?: unknown; method?: unknown; params?: unknown }

/**
 * A Lotus JSON-RPC 2.0 endpoint (POST /rpc/v1) answering `Filecoin.ChainHead` and
 * `Filecoin.StateMinerInfo`, the two calls that map a miner id to its peer id, and
 * `Filecoin.ChainGetTipSetByHeight` and `Filecoin.StateGetActor`, the two that read a participant's
 * balance at a height (spec §13.4), and `Filecoin.StateMarketDeals` and `Filecoin.StateGetAllClaims`,
 * the market and the verified registry a tracker builds its catalogue from.
 */
export async function startFakeChainRpc(options: FakeChainRpcOptions): Promise<FakeChainRpc> {
  const miners = new Map(Object.entries(options.miners))
  const fixedHeight = options.height ?? 4_000_000
  const clock = options.clock
  const height = () =>
    clock ? Math.max(0, Math.floor(((clock.now ?? Date.now)() - clock.genesisTime) / clock.epochDurationMs)) : fixedHeight
  const deposits = new ChainDeposits(options.deposits)
  let deals = options.deals ?? {}
  let claims = options.claims === undefined ? {} : options.claims
  // tipset key CID → height, for the tipsets this fake has handed out
  const tipsets = new Map<string, number>()
  const tipset = async (h: number) => {
    const json = await chainHeadJson(h)
    tipsets.set((json.Cids[0] as { '/': string })['/'], h)
    return json
  }
  const calls: RpcCall[] = []
  let mode: ChainRpcMode = { kind: 'normal' }
  let failuresLeft = 0

  const answer = async (request: JsonRpcRequest): Promise<object> => {
    const base = { jsonrpc: '2.0', id: request.id ?? null }
    const record = (kind: string) =>
      calls.push({ method: typeof request.method === 'string' ? request.method : undefined, params: request.params, answer: kind })
    const params = Array.isArray(request.params) ? request.params : []
    if (request.method === 'Filecoin.ChainHead') {
      record('result')
      return { ...base, result: await tipset(height()) }
    }
    if (request.method === 'Filecoin.ChainGetTipSetByHeight') {
      const h = params[0]
      if (typeof h !== 'number' || !Number.isSafeInteger(h) || h < 0) {
        record('error')
        return { ...base, error: { code: -32602, message: 'ChainGetTipSetByHeight expects [height, tipSetKey]' } }
      }
      if (h > height()) {
        record('error')
        return { ...base, error: { code: 1, message: 'looking for tipset with height greater than start point' } }
      }
      record('result')
      return { ...base, result: await tipset(h) }
    }
    if (request.method === 'Filecoin.StateGetActor') {
      const [address, key] = params as [unknown, unknown]
      const cid = Array.isArray(key) ? (key[0] as { '/': unknown } | undefined)?.['/'] : undefined
      const at = typeof cid === 'string' ? tipsets.get(cid) : undefined
      if (typeof address !== 'string' || at === undefined) {
        record('error')
        return { ...base, error: { code: 1, message: 'StateGetActor expects [address, tipSetKey] of a known tipset' } }
      }
      const balance = deposits.balanceAt(address, at)
      record(balance === undefined ? 'error' : 'result')
      return balance === undefined
        ? { ...base, error: { code: 1, message: `resolution lookup failed (${address}): actor not found` } }
        : { ...base, result: evmActorJson(address, balance) }
    }
    if (request.method === 'Filecoin.StateMarketDeals') {
      // Lotus takes [tipSetKey] (null: the head); this fake's market does not change with the height
      if (params[0] !== null && !Array.isArray(params[0])) {
        record('error')
        return { ...base, error: { code: -32602, message: 'StateMarketDeals expects [tipSetKey]' } }
      }
      record('result')
      return { ...base, result: deals }
    }
    if (request.method === 'Filecoin.StateGetAllClaims' && claims !== null) {
      // as StateMarketDeals: [tipSetKey], and the registry does not change with the height
      if (params[0] !== null && !Array.isArray(params[0])) {
        record('error')
        return { ...base, error: { code: -32602, message: 'StateGetAllClaims expects [tipSetKey]' } }
      }
      record('result')
      return { ...base, result: claims }
    }
    if (request.method === 'Filecoin.StateMinerInfo') {
      const minerId = params[0]
      if (typeof minerId !== 'string') {
        record('error')
        return { ...base, error: { code: -32602, message: 'StateMinerInfo expects [minerAddress, tipSetKey]' } }
      }
      const peerId = miners.get(minerId)
      record(peerId === undefined ? 'error' : 'result')
      return peerId === undefined ? { ...base, error: actorNotFound(minerId) } : { ...base, result: minerInfoJson(minerId, peerId) }
    }
    record('error')
    return { ...base, error: { code: -32601, message: `method '${String(request.method)}' not found` } }
  }

  let inFlight = 0
  let peakInFlight = 0
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    inFlight++
    peakInFlight = Math.max(peakInFlight, inFlight)
    try {
      await answerHttp(req, res)
    } finally {
      inFlight--
    }
  }
  const answerHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req)
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs))
    if (mode.kind === 'error' || (mode.kind === 'flaky' && failuresLeft > 0)) {
      const status = mode.kind === 'error' ? mode.status : 503
      if (mode.kind === 'flaky') failuresLeft--
      calls.push({ method: methodOf(body), params: undefined, answer: `http-${status}` })
      return send(res, status, 'text/plain', `devnet chain RPC ${mode.kind} mode\n`)
    }
    if (req.method !== 'POST') return send(res, 405, 'text/plain', 'use POST\n')
    if (new URL(req.url ?? '/', 'http://rpc.invalid').pathname !== '/rpc/v1') return send(res, 404, 'text/plain', 'not found\n')
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      return send(
        res,
        200,
        'application/json',
        JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }),
      )
    }
    const reply = Array.isArray(parsed) ? await Promise.all(parsed.map((r) => answer(asRequest(r)))) : await answer(asRequest(parsed))
    send(res, 200, 'application/json', JSON.stringify(reply))
  }

  const listener: Listener = await startListener(handle, options.host ?? LOOPBACK)
  return {
    url: `${listener.url}/rpc/v1`,
    get mode() {
      return mode
    },
    calls,
    async setMode(next) {
      mode = next
      failuresLeft = next.kind === 'flaky' ? next.failFirst : 0
      if (next.kind === 'down') await listener.refuse()
      else await listener.accept()
    },
    setMiner(minerId, peerId) {
      miners.set(minerId, peerId)
    },
    setDeals(next) {
      deals = next
    },
    setClaims(next) {
      claims = next
    },
    deposits,
    height,
    get peakInFlight() {
      return peakInFlight
    },
    stop: () => listener.close(),
  }
}

function asRequest(value: unknown): JsonRpcRequest {
  return typeof value === 'object' && value !== null ? (value as JsonRpcRequest) : {}
}

function methodOf(body: string): string | undefined {
  try {
    const method = asRequest(JSON.parse(body)).method
    return typeof method === 'string' ? method : undefined
  } catch {
    return undefined
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    // Lotus requests are small; refuse to buffer anything absurd sent to the fake.
    if (size > 1024 * 1024) throw new Error('request body over 1 MiB')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The fakes answer without content-length (chunked), as they always have. */
function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  sendHttp(res, status, contentType, body, { contentLength: false })
}
