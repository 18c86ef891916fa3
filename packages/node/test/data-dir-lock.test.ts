import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DATA_DIR_LOCK_FILE, lockDataDir, StoreError } from '../src/store/index.js'

let dir: string
let lockPath: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-lock-'))
  lockPath = join(dir, DATA_DIR_LOCK_FILE)
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A pid no process has any more. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number
}

describe('lockDataDir', () => {
  it('writes our pid, refuses a second claim naming it, and removes the file on release', async () => {
    const lock = await lockDataDir(dir)
    expect(await readFile(lockPath, 'utf8')).toBe(`${process.pid}\n`)
    const refused = await lockDataDir(dir).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(StoreError)
    expect(refused).toMatchObject({ code: 'DATA_DIR_IN_USE', path: dir })
    expect((refused as Error).message).toContain(`in use by another node (pid ${process.pid})`)
    await lock.release()
    await lock.release()
    expect(existsSync(lockPath)).toBe(false)
  })

  it('refuses a dir whose lock names a live process', async () => {
    // the test runner's parent is alive for as long as the test runs
    await writeFile(lockPath, `${process.ppid}\n`)
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE' })
    expect(await readFile(lockPath, 'utf8')).toBe(`${process.ppid}\n`)
  })

  it.each([
    ['a pid that is gone', () => `${deadPid()}\n`],
    ['our own pid from a previous run (a container restarted under the same pid)', () => `${process.pid}\n`],
    ['a half-written file', () => ''],
  ])('takes over a stale lock: %s', async (_name, content) => {
    await writeFile(lockPath, content())
    const lock = await lockDataDir(dir)
    expect(await readFile(lockPath, 'utf8')).toBe(`${process.pid}\n`)
    await lock.release()
  })

  it('does not remove a lock another node took over meanwhile', async () => {
    const lock = await lockDataDir(dir)
    await writeFile(lockPath, `${process.ppid}\n`)
    await lock.release()
    expect(await readFile(lockPath, 'utf8')).toBe(`${process.ppid}\n`)
  })
})
