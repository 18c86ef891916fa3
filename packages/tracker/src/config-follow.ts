import { type FSWatcher, watch } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import type { TrackerLogger } from './logger.js'

/*
 * The two ways the tracker notices its config file changed. Each calls `onChange` and leaves the
 * reading to the watcher, which skips an unchanged file.
 */

/**
 * fs.watch on the file's directory, so a file replaced by rename is still seen. Returns its
 * close(); a watch that fails (now or later) is logged and dropped, leaving the stat poll.
 */
export function watchDirectory(path: string, logger: TrackerLogger, onChange: () => void): () => void {
  let watcher: FSWatcher | undefined
  try {
    const file = basename(path)
    watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
      if (filename === null || filename.toString() === file) onChange()
    })
    watcher.on('error', (err) => {
      logger.warn('tracker config watch failed: falling back to polling', { path, error: err.message })
      watcher?.close()
      watcher = undefined
    })
  } catch (err) {
    logger.warn('tracker config cannot be watched: falling back to polling', { path, error: (err as Error).message })
  }
  return () => {
    watcher?.close()
    watcher = undefined
  }
}

async function signature(path: string): Promise<string> {
  try {
    const s = await stat(path)
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`
  } catch (err) {
    return `missing:${(err as NodeJS.ErrnoException).code ?? ''}`
  }
}

/**
 * A periodic stat, for file systems where watching is unreliable: `onChange` when inode, size or
 * times differ from the last poll. The first poll always differs, so the file is re-read once (a
 * cheap no-op when unchanged). Returns its close().
 */
export function pollStat(path: string, intervalMs: number, onChange: () => void): () => void {
  let lastStat = ''
  let statting = false
  let closed = false
  const interval = setInterval(async () => {
    if (statting || closed) return
    statting = true
    try {
      const s = await signature(path)
      if (s !== lastStat) {
        lastStat = s
        onChange()
      }
    } finally {
      statting = false
    }
  }, intervalMs)
  interval.unref()
  return () => {
    closed = true
    clearInterval(interval)
  }
}
