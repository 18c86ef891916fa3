import { varint } from 'multiformats'
import { afterEach, describe, expect, it } from 'vitest'
import { queryIndex } from '../src/index.js'
import { closedPort, type Handler, type LocalServer, startServer } from './helpers/local-server.js'

// Spark's ipni-client test vector (test/ipni-client.test.js @3c5219c)
const KNOWN_CID = 'bafkreih25dih6ug3xtj73vswccw423b56ilrwmnos4cbwhrceudopdp5sq'
const FRISBII = '12D3KooWC8gXxg9LoJ9h3hy3jzBkEAxamyHEQJKtRmAuBuvoMzpr'
const OTHER = '12D3KooWsomebodyelse'

/** Base64 IPNI metadata starting with a transport code (payload bytes after it, as real ones have). */
function metadata(code: number, payload: number[] = []): string {
  const prefix = new Uint8Array(varint.encodingLength(code))
  varint.encodeTo(code, prefix)
  return Buffer.from([...prefix, ...payload]).toString('base64')
}
const HTTP = metadata(0x0920, [0x00])
const BITSWAP = metadata(0x0900)
const GRAPHSYNC = metadata(0x0910, [0xa3, 0x68])
const GRAPHSYNC_BOOST = metadata(0x3f0000)

const record = (id: string, meta: string, addrs: unknown = [`/dns/${id.slice(-6).toLowerCase()}.example/tcp/443/https`]) => ({
  ContextID: 'AXESIA==',
  Metadata: meta,
  Provider: { ID: id, Addrs: addrs },
})
const answer = (...groups: unknown[][]) => ({ MultihashResults: groups.map((ProviderResults) => ({ Multihash: 'EiA=', ProviderResults })) })

let server: LocalServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function serve(handler: Handler): Promise<string> {
  server = await startServer(handler)
  return server.url
}
const json =
  (body: unknown, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
const fast = { retries: 5, minBackoffMs: 5, maxBackoffMs: 20 }

describe('queryIndex', () => {
  it("answers Spark's known vector: the provider's http record, others' ignored", async () => {
    const indexerUrl = await serve(
      json(
        answer([
          record(OTHER, HTTP),
          record(FRISBII, BITSWAP, ['/ip4/1.2.3.4/tcp/24001']),
          record(FRISBII, HTTP, ['/dns/frisbii.fly.dev/tcp/443/https', '/ip4/1.2.3.4/tcp/80/http']),
        ]),
      ),
    )
    expect(await queryIndex(KNOWN_CID, FRISBII, { indexerUrl })).toEqual({
      indexerResult: 'OK',
      provider: { address: '/dns/frisbii.fly.dev/tcp/443/https', protocol: 'http' },
    })
    expect(await queryIndex(KNOWN_CID, OTHER.replace('else', 'new'), { indexerUrl })).toEqual({ indexerResult: 'NO_VALID_ADVERTISEMENT' })
    const [req] = server?.requests ?? []
    expect(req?.method).toBe('GET')
    expect(req?.url).toBe(`/cid/${KNOWN_CID}`)
    expect(req?.headers.accept).toBe('application/json')
  })

  it('encodes the CID into the path and tolerates a trailing slash in the indexer URL', async () => {
    const indexerUrl = await serve(json(answer([])))
    await queryIndex('a/b?c', FRISBII, { indexerUrl: `${indexerUrl}/` })
    expect(server?.requests[0]?.url).toBe('/cid/a%2Fb%3Fc')
  })

  it('prefers http over bitswap over graphsync, across all multihash results', async () => {
    const indexerUrl = await serve(
      json(
        answer(
          [record(FRISBII, GRAPHSYNC, ['/ip4/1.1.1.1/tcp/1']), record(FRISBII, BITSWAP, ['/ip4/2.2.2.2/tcp/2'])],
          [record(FRISBII, HTTP, ['/ip4/3.3.3.3/tcp/3/http'])],
        ),
      ),
    )
    const result = await queryIndex(KNOWN_CID, FRISBII, { indexerUrl })
    expect(result).toEqual({ indexerResult: 'OK', provider: { address: '/ip4/3.3.3.3/tcp/3/http', protocol: 'http' } })
  })

  it('picks bitswap when there is no http record, naming the peer in the address', async () => {
    const indexerUrl = await serve(
      json(answer([record(FRISBII, GRAPHSYNC, ['/ip4/1.1.1.1/tcp/1']), record(FRISBII, BITSWAP, ['/ip4/2.2.2.2/tcp/2'])])),
    )
    expect(await queryIndex(KNOWN_CID, FRISBII, { indexerUrl })).toEqual({
      indexerResult: 'OK',
      provider: { address: `/ip4/2.2.2.2/tcp/2/p2p/${FRISBII}`, protocol: 'bitswap' },
    })
    // without bitswap, Spark's choice: graphsync, HTTP_NOT_ADVERTISED
    expect(await queryIndex(KNOWN_CID, FRISBII, { indexerUrl, bitswap: false })).toEqual({
      indexerResult: 'HTTP_NOT_ADVERTISED',
      provider: { address: `/ip4/1.1.1.1/tcp/1/p2p/${FRISBII}`, protocol: 'graphsync' },
    })
  })

  it('treats both graphsync codes (0x0910, 0x3F0000) as graphsync: HTTP_NOT_ADVERTISED', async () => {
    const indexerUrl = await serve(json(answer([record(FRISBII, GRAPHSYNC_BOOST, ['/ip4/4.4.4.4/tcp/4'])])))
    expect(await queryIndex(KNOWN_CID, FRISBII, { indexerUrl })).toEqual({
      indexerResult: 'HTTP_NOT_ADVERTISED',
      provider: { address: `/ip4/4.4.4.4/tcp/4/p2p/${FRISBII}`, protocol: 'graphsync' },
    })
  })

  it('skips records without a usable address or with unknown or broken metadata', async () => {
    const indexerUrl = await serve(
      json(
        answer([
          record(FRISBII, HTTP, []),
          record(FRISBII, HTTP, null),
          record(FRISBII, HTTP, ['/dns/evil\n.example/https']),
          record(FRISBII, HTTP, [`/dns/${'x'.repeat(600)}/https`]),
          record(FRISBII, metadata(0x0123), ['/ip4/5.5.5.5/tcp/80/http']),
          record(FRISBII, '', ['/ip4/5.5.5.5/tcp/80/http']),
          record(FRISBII, Buffer.from([0x80]).toString('base64'), ['/ip4/5.5.5.5/tcp/80/http']),
          { Metadata: HTTP },
          null,
        ]),
      ),
    )
    expect(await queryIndex(KNOWN_CID, FRISBII, { indexerUrl })).toEqual({ indexerResult: 'NO_VALID_ADVERTISEMENT' })
  })

  it('reports ERROR_<status> for a non-2xx answer without retrying 4xx', async () => {
    const indexerUrl = await serve(json({ error: 'not found' }, 404))
    expect(await queryIndex(KNOWN_CID, FRISBII, { indexerUrl, ...fast })).toEqual({ indexerResult: 'ERROR_404' })
    expect(server?.requests).toHaveLength(1)
  })

  it('retries 5xx with backoff, then answers', async () => {
    let calls = 0
    const indexerUrl = await serve((req, res, body) => {
      calls++
      if (calls <= 2) res.writeHead(503).end('busy')
      else json(answer([record(FRISBII, HTTP)]))(req, res, body)
    })
    expect((await queryIndex(KNOWN_CID, FRISBII, { indexerUrl, ...fast })).indexerResult).toBe('OK')
    expect(calls).toBe(3)
  })

  it('gives up after `retries` retries of a 5xx: ERROR_<status>', async () => {
    const indexerUrl = await serve((_req, res) => res.writeHead(502).end())
    expect(await queryIndex(KNOWN_CID, FRISBII, { indexerUrl, ...fast, retries: 2 })).toEqual({ indexerResult: 'ERROR_502' })
    expect(server?.requests).toHaveLength(3)
  })

  it('reports ERROR_FETCH for bad JSON, a wrong shape, a refused connection and a hung request', async () => {
    let indexerUrl = await serve((_req, res) => res.writeHead(200).end('{"MultihashResults": ['))
    expect((await queryIndex(KNOWN_CID, FRISBII, { indexerUrl })).indexerResult).toBe('ERROR_FETCH')
    await server?.close()

    indexerUrl = await serve(json({ hello: 'world' }))
    expect((await queryIndex(KNOWN_CID, FRISBII, { indexerUrl })).indexerResult).toBe('ERROR_FETCH')
    await server?.close()

    const refused = await queryIndex(KNOWN_CID, FRISBII, { indexerUrl: `http://127.0.0.1:${await closedPort()}`, ...fast })
    expect(refused.indexerResult).toBe('ERROR_FETCH')
    expect(refused.error).toContain('ECONNREFUSED')

    indexerUrl = await serve(() => {}) // never answers
    const began = Date.now()
    expect((await queryIndex(KNOWN_CID, FRISBII, { indexerUrl, attemptTimeoutMs: 100 })).indexerResult).toBe('ERROR_FETCH')
    expect(Date.now() - began).toBeLessThan(2_000)
  })

  it('rejects when its signal aborts', async () => {
    const indexerUrl = await serve(() => {})
    const controller = new AbortController()
    const pending = queryIndex(KNOWN_CID, FRISBII, { indexerUrl, signal: controller.signal })
    setTimeout(() => controller.abort(new Error('shutting down')), 20)
    await expect(pending).rejects.toThrow('shutting down')
  })
})
