import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mainnet } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { createRandomnessSource, DrandUnreachableError } from '../src/node/round/randomness.js'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('drand randomness', () => {
  it('an unreachable drand is DRAND_UNREACHABLE, naming the URL and the error', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const err = await createRandomnessSource(mainnet, { drandUrl: url })
      .roundRandomness(3)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DrandUnreachableError)
    expect((err as DrandUnreachableError).code).toBe('DRAND_UNREACHABLE')
    expect((err as Error).message).toMatch(
      new RegExp(`^the drand beacon cannot be fetched from ${url}/[0-9a-f]+/public/\\d+: .*ECONNREFUSED`),
    )
  })

  it('an error status is DRAND_UNREACHABLE too', async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 503
      res.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const err = await createRandomnessSource(mainnet, { drandUrl: url })
        .roundRandomness(3)
        .catch((e: unknown) => e)
      expect((err as Error).message).toMatch(/drand answered HTTP 503 for round \d+$/)
      expect((err as DrandUnreachableError).code).toBe('DRAND_UNREACHABLE')
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
