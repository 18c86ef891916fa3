import { randomBytes } from 'node:crypto'
import { mkdir, open, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { StoreError, writeError } from './errors.js'

/**
 * Creates the data dir (mode 0700) if needed and proves this process can write in it, by creating
 * and removing a small file. A node on a read-only dir, a dir of another user, or a path under a
 * regular file fails here, before it opens anything, with DATA_DIR_NOT_WRITABLE naming the dir
 * (STORE_DISK_FULL when the disk is full).
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
  } catch (err) {
    throw unusable(err, dataDir)
  }
  const probe = join(dataDir, `.write-test.${process.pid}.${randomBytes(4).toString('hex')}`)
  try {
    const handle = await open(probe, 'wx', 0o600)
    try {
      await handle.writeFile('spark-swarm\n')
    } finally {
      await handle.close()
    }
  } catch (err) {
    throw unusable(err, dataDir)
  } finally {
    await unlink(probe).catch(() => {})
  }
}

function unusable(err: unknown, dataDir: string): StoreError {
  const error = writeError(err, dataDir, 'the data dir')
  if (error.code !== 'STORE_WRITE_FAILED') return error
  return new StoreError('DATA_DIR_NOT_WRITABLE', dataDir, `${error.message}, or use another data dir`, { cause: err })
}
