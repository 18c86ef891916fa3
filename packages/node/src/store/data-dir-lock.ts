import { open, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { StoreError, writeError } from './errors.js'

/** The file a running node keeps in its data dir: its pid, so a second node can name it. */
export const DATA_DIR_LOCK_FILE = 'node.lock'

/** Lock files this process holds: our own pid in a lock we do not hold is a previous run's (a container restarted under the same pid). */
const held = new Set<string>()

/** The data dir held by this process until `release()` (idempotent). */
export interface DataDirLock {
  readonly path: string
  release(): Promise<void>
}

/**
 * Claims the data dir for this process: two nodes on one dir would interleave writes to one store
 * and one identity, and the second one's LevelDB/SQLite fail with errors that name neither the dir
 * nor the other node. The lock file is created exclusively; one left by a process that is gone (a
 * `kill -9`, a crash) is stale and taken over. DATA_DIR_IN_USE names the pid that holds it.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, DATA_DIR_LOCK_FILE)
  const mine = `${process.pid}\n`
  // two tries: the second after removing a stale lock (another node may win that race: it holds the dir then)
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600)
      try {
        await handle.writeFile(mine)
      } finally {
        await handle.close()
      }
      held.add(path)
      return heldLock(path, mine)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(err, path, 'the data dir lock')
    }
    const holder = await lockHolder(path)
    const ours = holder === process.pid
    if (holder !== undefined && (ours ? held.has(path) : isAlive(holder))) {
      throw new StoreError(
        'DATA_DIR_IN_USE',
        dataDir,
        `data dir ${dataDir} is in use by another node (pid ${holder}): stop that node, or pass another --data-dir`,
      )
    }
    if (attempt > 0) throw new StoreError('DATA_DIR_IN_USE', dataDir, `data dir ${dataDir} is being taken by another node: try again`)
    await unlink(path).catch(() => {})
  }
}

function heldLock(path: string, mine: string): DataDirLock {
  let released: Promise<void> | undefined
  return {
    path,
    release() {
      released ??= (async () => {
        // only our own lock: a dir taken over meanwhile belongs to the node that took it
        const content = await readFile(path, 'utf8').catch(() => undefined)
        if (content === mine) await unlink(path).catch(() => {})
        held.delete(path)
      })()
      return released
    },
  }
}

/** The pid in a lock file, or undefined when it is unreadable (a crash mid-write: stale). */
async function lockHolder(path: string): Promise<number | undefined> {
  const content = await readFile(path, 'utf8').catch(() => '')
  const pid = Number(content.trim())
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
