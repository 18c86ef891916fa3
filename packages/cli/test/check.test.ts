import { type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../test/cli.js'

let world: OutsideWorld
beforeAll(async () => {
  world = await startOutsideWorld({
    seed: 'cli check',
    blocksPerProvider: 1,
    providers: [
      { minerId: 'f04000', profile: { kind: 'healthy' } },
      { minerId: 'f04001', profile: { kind: 'http-5xx', status: 503 } },
    ],
  })
}, 30_000)
afterAll(async () => world?.stop())

const cidOf = (minerId: string) => world.blocks.find((b) => b.minerId === minerId)!.cid.toString()
const flags = () => ['--indexer', world.ipniUrl, '--rpc', world.rpcUrl, '--idle-timeout', '2000', '--hard-timeout', '5000']

describe('spark-swarm check', () => {
  it('prints every step and OK for a healthy provider, exit 0', async () => {
    const { code, stdout } = await runCli(['check', cidOf('f04000'), 'f04000', ...flags()])
    expect(code).toBe(0)
    for (const step of ['provider-lookup', 'ipni', 'retrieval', 'verification']) expect(stdout).toMatch(new RegExp(`ok +${step}`))
    expect(stdout).toMatch(/^result: OK/m)
    expect(stdout).toContain(`reproduce: spark-swarm check ${cidOf('f04000')} f04000 --indexer ${world.ipniUrl} --rpc ${world.rpcUrl}`)
  })

  it('says why a provider fails, exit 4', async () => {
    const { code, stdout } = await runCli(['check', cidOf('f04001'), 'f04001', ...flags()])
    expect(code).toBe(4)
    expect(stdout).toMatch(/FAIL retrieval/)
    expect(stdout).toMatch(/^result: HTTP_503 \(The provider answered HTTP 503\.\)/m)
  })

  it('prints JSON for scripts', async () => {
    const { code, stdout } = await runCli(['check', cidOf('f04000'), 'f04000', ...flags(), '--json'])
    expect(code).toBe(0)
    const out = JSON.parse(stdout)
    expect(out.kind).toBe('measurement')
    expect(out.fields.retrievalResult).toBe('OK')
    expect(out.fields.providerId).toBe(world.providers[0]?.peerId)
  })

  it('no peer id, no check: exit 1, and the provider is not blamed', async () => {
    const { code, stdout } = await runCli(['check', cidOf('f04000'), 'f09999', ...flags()])
    expect(code).toBe(1)
    expect(stdout).toMatch(/result: no measurement \(RPC_FAILURE/)
    expect(stdout).toMatch(/the provider is not at fault/)
  })
})
