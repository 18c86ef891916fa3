import { verify } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { publicKeyObject, stationKeyFromSeed, toHex } from '@spark-swarm/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { identityFromSeed, loadOrCreateIdentity, StoreError } from '../src/store/index.js'

const isPosix = process.platform !== 'win32'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-identity-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const fixedSeed = (byte: number) => () => new Uint8Array(32).fill(byte)

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError)
    return err as StoreError
  }
  throw new Error('expected a rejection')
}

describe('loadOrCreateIdentity', () => {
  it('creates the data dir (0700) and a 0600 key file, and reloads the same identity', async () => {
    const dataDir = join(dir, 'nested', 'data')
    const created = await loadOrCreateIdentity(dataDir)
    const keyPath = join(dataDir, 'identity.key')
    if (isPosix) {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700)
      expect((await stat(keyPath)).mode & 0o777).toBe(0o600)
    }
    const file = JSON.parse(await readFile(keyPath, 'utf8'))
    expect(file).toEqual({ version: 1, type: 'ed25519', seed: toHex(created.seed) })
    expect(await readdir(dataDir)).toEqual(['identity.key']) // no temp file left behind

    const reloaded = await loadOrCreateIdentity(dataDir, {
      randomBytes: () => {
        throw new Error('not called')
      },
    })
    expect(reloaded.peerId).toBe(created.peerId)
    expect(reloaded.stationKey.stationId).toBe(created.stationKey.stationId)
    expect(reloaded.seed).toEqual(created.seed)
    expect(reloaded.peerId).toMatch(/^12D3KooW/)
  })

  it('uses the injected randomBytes for a new key', async () => {
    const identity = await loadOrCreateIdentity(dir, { randomBytes: fixedSeed(7) })
    expect(identity.seed).toEqual(new Uint8Array(32).fill(7))
    expect(identity.stationKey.stationId).toBe(stationKeyFromSeed(new Uint8Array(32).fill(7)).stationId)
  })

  it('is one key: the libp2p public key is the station key, and libp2p signatures verify under the station id', async () => {
    const identity = await loadOrCreateIdentity(dir)
    expect(identity.privateKey.type).toBe('Ed25519')
    expect(identity.privateKey.publicKey.raw).toEqual(identity.stationKey.publicKey)
    expect(identity.peerId).toBe(peerIdFromPublicKey(publicKeyFromRaw(identity.stationKey.publicKey)).toString())
    const data = new TextEncoder().encode('spark-swarm')
    const signature = await identity.privateKey.sign(data)
    expect(verify(null, data, publicKeyObject(identity.stationKey.stationId), signature)).toBe(true)
  })

  it('does not show the seed when the identity is logged or serialised', async () => {
    const identity = await loadOrCreateIdentity(dir, { randomBytes: fixedSeed(0xab) })
    const hex = toHex(identity.seed)
    expect(JSON.stringify(identity)).not.toContain(hex)
    expect(inspect(identity, { depth: 10 })).not.toMatch(/171, 171, 171|abababab/)
    expect(Object.keys(identity).sort()).toEqual(['peerId', 'stationKey'])
  })

  it.runIf(isPosix)('refuses a key file readable by group or others, naming the chmod fix', async () => {
    await loadOrCreateIdentity(dir)
    const keyPath = join(dir, 'identity.key')
    const before = await readFile(keyPath, 'utf8')
    for (const mode of [0o644, 0o640, 0o604, 0o620]) {
      await chmod(keyPath, mode)
      const err = await rejection(loadOrCreateIdentity(dir))
      expect(err.code).toBe('IDENTITY_KEY_PERMISSIONS')
      expect(err.message).toContain(`chmod 600 ${keyPath}`)
      expect(err.path).toBe(keyPath)
    }
    expect(await readFile(keyPath, 'utf8')).toBe(before)
    await chmod(keyPath, 0o400)
    await expect(loadOrCreateIdentity(dir)).resolves.toBeDefined()
  })

  it.runIf(isPosix)('refuses a data dir that group or others can write, and warns about one they can read', async () => {
    const dataDir = join(dir, 'shared')
    const created = await loadOrCreateIdentity(dataDir)
    for (const mode of [0o777, 0o770, 0o1777, 0o702]) {
      await chmod(dataDir, mode)
      const err = await rejection(loadOrCreateIdentity(dataDir))
      expect(err.code).toBe('IDENTITY_KEY_PERMISSIONS')
      expect(err.path).toBe(dataDir)
      expect(err.message).toContain(`chmod 700 ${dataDir}`)
      expect((await stat(dataDir)).mode & 0o7777).toBe(mode) // never chmod-ed behind the operator's back
    }
    await chmod(dataDir, 0o755)
    const warnings: string[] = []
    const loaded = await loadOrCreateIdentity(dataDir, { warn: (m) => warnings.push(m) })
    expect(loaded.peerId).toBe(created.peerId)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`chmod 700 ${dataDir}`)
    await chmod(dataDir, 0o700)
    warnings.length = 0
    await loadOrCreateIdentity(dataDir, { warn: (m) => warnings.push(m) })
    expect(warnings).toEqual([])
  })

  it('refuses a corrupt key file without replacing it or quoting it', async () => {
    const keyPath = join(dir, 'identity.key')
    const seedHex = 'cd'.repeat(32)
    const cases = [
      `{"version":1,"type":"ed25519","seed":"${seedHex}"`, // truncated
      '',
      '[]',
      `{"version":2,"type":"ed25519","seed":"${seedHex}"}`,
      `{"version":1,"type":"secp256k1","seed":"${seedHex}"}`,
      `{"version":1,"type":"ed25519","seed":"${seedHex.slice(2)}"}`,
      `{"version":1,"type":"ed25519","seed":"${seedHex.slice(2)}zz"}`,
      `{"version":1,"type":"ed25519"}`,
      // the key in the wrong field: the message must not quote it back
      `{"version":"${seedHex}","type":"ed25519","seed":"${seedHex}"}`,
      `{"version":1,"type":"${seedHex}","seed":"${seedHex}"}`,
      `{"version":1,"type":"${Buffer.from(seedHex, 'hex').toString('base64')}"}`,
    ]
    for (const text of cases) {
      await writeFile(keyPath, text, { mode: 0o600 })
      const err = await rejection(loadOrCreateIdentity(dir))
      expect(err.code, text).toBe('IDENTITY_KEY_INVALID')
      expect(err.message).toContain(keyPath)
      expect(err.message).not.toContain(seedHex.slice(0, 16))
      expect(err.message).not.toContain(Buffer.from(seedHex, 'hex').toString('base64').slice(0, 16))
      expect(await readFile(keyPath, 'utf8')).toBe(text)
    }
  })

  it('refuses a key path that is not a regular file', async () => {
    await mkdir(join(dir, 'identity.key'), { mode: 0o700 })
    const err = await rejection(loadOrCreateIdentity(dir))
    expect(['IDENTITY_KEY_INVALID', 'IDENTITY_KEY_IO']).toContain(err.code)
    expect(err.message).toContain(join(dir, 'identity.key'))
  })

  it('gives concurrent first starts one identity', async () => {
    const ids = await Promise.all([1, 2, 3, 4].map((b) => loadOrCreateIdentity(dir, { randomBytes: fixedSeed(b) })))
    expect(new Set(ids.map((id) => id.peerId)).size).toBe(1)
    expect(await readdir(dir)).toEqual(['identity.key'])
    expect((await loadOrCreateIdentity(dir)).peerId).toBe(ids[0]?.peerId)
  })

  it('rejects a randomBytes that returns the wrong length', async () => {
    const err = await rejection(loadOrCreateIdentity(dir, { randomBytes: () => new Uint8Array(16) }))
    expect(err.code).toBe('IDENTITY_KEY_IO')
    expect(await readdir(dir)).toEqual([])
  })
})

describe('identityFromSeed', () => {
  it('is deterministic and matches the key file path', async () => {
    const a = await identityFromSeed(new Uint8Array(32).fill(1))
    const b = await loadOrCreateIdentity(dir, { randomBytes: fixedSeed(1) })
    expect(a.peerId).toBe(b.peerId)
    expect(a.stationKey.stationId).toBe(b.stationKey.stationId)
  })
})
