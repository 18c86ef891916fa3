import { type FileHandle, open } from 'node:fs/promises'

/**
 * fsync a directory so that a new entry in it (a renamed or linked file) survives a power loss;
 * a no-op where the platform or file system does not support it.
 */
export async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err
  } finally {
    await handle?.close()
  }
}
