import { actorNotFound, chainHeadJson, minerInfoJson, type ProviderRecord, toProviderResultJson } from '@spark-swarm/devnet'
import { createRpcMinerResolver, isPeerIdText, multiaddrToHttpUrl, queryIndex, RetrievalError } from '@spark-swarm/node'
import * as fc from 'fast-check'
import { jsonTextInputs, toJsonText } from '../inputs.js'
import { mutatedText } from '../mutate-bytes.js'
import { mutatedValue } from '../mutate-value.js'
import { codeWhenInstance, type FuzzTarget, invariant } from '../target.js'

/** One HTTP answer of a remote service: a status and a body, or a failed connection. */
export interface HttpAnswer {
  status: number
  body: string
  unreachable: boolean
}

const status = fc.oneof({ weight: 8, arbitrary: fc.constant(200) }, fc.constantFrom(201, 301, 400, 404, 429, 500, 502, 503, 599))

export function httpAnswer(bodies: fc.Arbitrary<string>): fc.Arbitrary<HttpAnswer> {
  return fc.record({ status, body: bodies, unreachable: fc.nat(19).map((n) => n === 0) })
}

/** A `fetch` that answers with `answer` (a real Response: the code under test reads it as it reads the network). */
export function answering(answer: (url: string, init?: RequestInit) => HttpAnswer): typeof fetch {
  return async (input, init) => {
    const a = answer(String(input), init)
    if (a.unreachable)
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })
    return new Response(a.body, { status: a.status, headers: { 'content-type': 'application/json' } })
  }
}

const PEER = '12D3KooWC8gXxg9LoJ9h3hy3jzBkEAxamyHEQJKtRmAuBuvoMzpr'
const OTHER_PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/

function ipniAnswer(records: ProviderRecord[]): unknown {
  return {
    MultihashResults: [
      { Multihash: 'EiDtTv4kpa1bVXzNUxnGPlU3bjthkfDXGcHe/5WL5TOEPg==', ProviderResults: records.map(toProviderResultJson) },
    ],
  }
}

const VALID_IPNI = [
  ipniAnswer([
    { peerId: OTHER_PEER, addrs: ['/ip4/127.0.0.2/tcp/80/http'], protocol: 'http' },
    { peerId: PEER, addrs: ['/ip4/127.0.0.1/tcp/4001'], protocol: 'bitswap' },
    { peerId: PEER, addrs: ['/ip4/127.0.0.1/tcp/8080/http'], protocol: 'http' },
  ]),
  ipniAnswer([{ peerId: PEER, addrs: ['/ip4/127.0.0.1/tcp/4001'], protocol: 'graphsync' }]),
  ipniAnswer([{ peerId: PEER, addrs: ['/dns/sp.example/tcp/443/https'], protocol: 'http', metadata: Uint8Array.of(0x80, 0x80) }]),
  { MultihashResults: [] },
]

/** `queryIndex`: IPNI's answer about who serves a CID (cid.contact, or whoever answers there). */
export function ipniTarget(): FuzzTarget<HttpAnswer> {
  return {
    name: 'IPNI answer',
    arbitrary: httpAnswer(jsonTextInputs(VALID_IPNI)),
    run: async (answer) => {
      const result = await queryIndex('bafyfuzztask0', PEER, {
        indexerUrl: 'http://127.0.0.1:1',
        fetch: answering(() => answer),
        retries: 0,
      })
      if (result.indexerResult !== 'OK') {
        invariant(
          result.indexerResult !== 'HTTP_NOT_ADVERTISED' || result.provider?.protocol === 'graphsync',
          'HTTP_NOT_ADVERTISED without a graphsync provider',
        )
        return result.indexerResult
      }
      // what a measurement will carry: an address it can hold, of a protocol the check can use
      const p = result.provider
      invariant(p && (p.protocol === 'http' || p.protocol === 'bitswap'), `OK with provider ${JSON.stringify(p)}`)
      invariant(p.address.length <= 512 && PRINTABLE_ASCII.test(p.address), 'OK with an address a measurement cannot hold')
      return undefined
    },
    // queryIndex classifies every answer; it throws only when its caller aborts
    codeOf: () => undefined,
    codes: ['HTTP_NOT_ADVERTISED', 'NO_VALID_ADVERTISEMENT', 'ERROR_*'],
  }
}

export interface RpcAnswers {
  head: HttpAnswer
  info: HttpAnswer
}

/** `createRpcMinerResolver().resolve`: a Lotus node's answers to ChainHead and StateMinerInfo. */
export async function minerInfoTarget(): Promise<FuzzTarget<RpcAnswers>> {
  const envelope = (result: unknown) => ({ jsonrpc: '2.0', id: 1, result })
  const heads = [envelope(await chainHeadJson(4_000_000))]
  const infos = [
    envelope(minerInfoJson('f01234', PEER)),
    envelope(minerInfoJson('f01234', null)),
    { jsonrpc: '2.0', id: 2, error: actorNotFound('f01234') },
  ]
  return {
    name: 'Lotus RPC (miner info)',
    arbitrary: fc.record({ head: httpAnswer(jsonTextInputs(heads)), info: httpAnswer(jsonTextInputs(infos)) }),
    run: async (answers) => {
      const fetch = answering((_url, init) => (String(init?.body).includes('ChainHead') ? answers.head : answers.info))
      const resolver = createRpcMinerResolver({ rpcUrl: 'http://127.0.0.1:1/rpc/v1', fetch, retries: 0 })
      const peerId = await resolver.resolve('f01234')
      invariant(isPeerIdText(peerId), `resolved to ${JSON.stringify(peerId)}, not a peer id`)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, RetrievalError),
    codes: ['RPC_FAILURE'],
  }
}

const VALID_ADDRS = [
  '/ip4/127.0.0.1/tcp/8080/http',
  '/dns/frisbii.fly.dev/tcp/443/https',
  '/ip6/::1/tcp/80/http',
  '/dns4/sp.example/https/http-path/%2Fipfs%2Fgateway',
  '/dns6/sp.example/http',
]

/** `multiaddrToHttpUrl`: the address an IPNI record advertises, turned into a gateway URL. */
export function multiaddrTarget(): FuzzTarget<string> {
  const base = fc.constantFrom(...VALID_ADDRS)
  return {
    name: 'IPNI multiaddr',
    arbitrary: fc.oneof(
      base,
      fc.string({ unit: 'binary', maxLength: 80 }),
      { weight: 3, arbitrary: mutatedText(base) },
      // component-level: parts removed, swapped, replaced
      {
        weight: 3,
        arbitrary: mutatedValue(base.map((a) => a.split('/'))).map((v) =>
          Array.isArray(v) ? v.map((p) => (typeof p === 'string' ? p : toJsonText(p))).join('/') : toJsonText(v),
        ),
      },
    ),
    run(addr) {
      multiaddrToHttpUrl(addr)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, RetrievalError),
    codes: [
      'UNSUPPORTED_MULTIADDR_HOST_TYPE',
      'UNSUPPORTED_MULTIADDR_PROTO',
      'UNSUPPORTED_MULTIADDR_SCHEME',
      'MULTIADDR_HAS_TOO_MANY_PARTS',
      'INVALID_HTTP_PATH',
    ],
  }
}
