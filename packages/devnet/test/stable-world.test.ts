import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadWorldState, providerKeyFromSeed, startOutsideWorld, WORLD_STATE_FILE } from '../src/index.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-devnet-stable-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const providers = [{ minerId: 'f01000', profile: { kind: 'healthy' as const } }]

describe('stable identities', () => {
  it('derive one peer id per seed and miner id', async () => {
    const a = await providerKeyFromSeed('s', 'f01000')
    expect((await providerKeyFromSeed('s', 'f01000')).publicKey.equals(a.publicKey)).toBe(true)
    expect((await providerKeyFromSeed('s', 'f02000')).publicKey.equals(a.publicKey)).toBe(false)
    expect((await providerKeyFromSeed('t', 'f01000')).publicKey.equals(a.publicKey)).toBe(false)
  })

  it('give the same peer ids and catalogue on a restart with the same data dir; fresh ones without', async () => {
    const start = (stableIdentities: boolean) =>
      startOutsideWorld({ seed: 'stable', providers, blocksPerProvider: 2, stableIdentities, dataDir: join(dir, 'world') })
    const first = await start(true)
    await first.stop()
    const second = await start(true)
    await second.stop()
    expect(second.providers[0]?.peerId).toBe(first.providers[0]?.peerId)
    expect(second.catalogue).toEqual(first.catalogue)
    const fresh = await start(false)
    await fresh.stop()
    expect(fresh.providers[0]?.peerId).not.toBe(first.providers[0]?.peerId)
  })
})

describe('loadWorldState', () => {
  it('creates the state once and reads it back unchanged', async () => {
    const worldDir = join(dir, 'state')
    const created = await loadWorldState(worldDir, 1_700_000_000_123)
    expect(created.genesisTime).toBe(1_700_000_001_000)
    expect(await loadWorldState(worldDir, 1_800_000_000_000)).toEqual(created)
    expect(JSON.parse(await readFile(join(worldDir, WORLD_STATE_FILE), 'utf8'))).toEqual(created)
  })

  it('refuses a file that is not a state, naming it', async () => {
    const worldDir = join(dir, 'broken')
    await loadWorldState(worldDir)
    await writeFile(join(worldDir, WORLD_STATE_FILE), '{"seed": 3}')
    await expect(loadWorldState(worldDir)).rejects.toThrow(/world\.json is not a devnet world state/)
  })
})
