import { type FSWatcher, watch } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { parseTrackerConfig, readConfigText, type TrackerConfig } from './config.js'
import type { TrackerLogger } from './logger.js'

export interface ConfigWatcherOptions {
  path: string
  initial: TrackerConfig
  initialText: string
  logger: TrackerLogger
  /** Period of the stat fallback; 0 turns it off. */
  intervalMs: number
  /** Debounce of fs.watch events, so a file written in several steps is read once. */
  debounceMs?: number
  onReload(config: TrackerConfig): void
  onFailure(error: Error): void
}

export interface ConfigWatcher {
  current(): TrackerConfig
  /** Re-reads the file now; rejects (keeping the last good config) when it is bad. */
  reload(): Promise<void>
  close(): void
}

/**
 * Holds the last good config and follows the file: fs.watch on its directory (so a file replaced
 * by rename is still seen), plus a periodic stat as a fallback for file systems where watching
 * is unreliable. Reloads run one at a time, so an older read never overwrites a newer one.
 */
export function watchConfig(options: ConfigWatcherOptions): ConfigWatcher {
  const { path, logger } = options
  const debounceMs = options.debounceMs ?? 50
  let config = options.initial
  // the text last read (good or bad): an unchanged file is not parsed or reported again
  let lastText = options.initialText
  // '' until the first poll, which then re-reads the file once (a cheap no-op when unchanged)
  let lastStat = ''
  let closed = false
  let queue: Promise<unknown> = Promise.resolve()
  let debounce: NodeJS.Timeout | undefined
  let watcher: FSWatcher | undefined
  let interval: NodeJS.Timeout | undefined
  let statting = false

  const apply = async (force: boolean): Promise<void> => {
    if (closed) return
    const text = await readConfigText(path)
    if (!force && text === lastText) return
    lastText = text
    const next = parseTrackerConfig(text, path)
    if (closed) return
    const previous = config
    config = next
    options.onReload(next)
    logger.info('tracker config reloaded', {
      path,
      minCheckerVersion: next.minCheckerVersion,
      previousMinCheckerVersion: previous.minCheckerVersion,
      paramsDigest: next.paramsDigest,
    })
  }

  const enqueue = (force: boolean): Promise<void> => {
    const run = queue.then(() => apply(force))
    queue = run.catch(() => {})
    return run.catch((err: Error) => {
      if (!closed) {
        options.onFailure(err)
        logger.warn('tracker config reload failed: keeping the last good config', { path, error: err.message })
      }
      throw err
    })
  }

  // a watcher-triggered reload reports failures through the logger and metrics, never throws
  const background = () => {
    enqueue(false).catch(() => {})
  }

  const schedule = () => {
    if (closed) return
    clearTimeout(debounce)
    debounce = setTimeout(background, debounceMs)
    debounce.unref()
  }

  const signature = async (): Promise<string> => {
    try {
      const s = await stat(path)
      return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`
    } catch (err) {
      return `missing:${(err as NodeJS.ErrnoException).code ?? ''}`
    }
  }

  try {
    const file = basename(path)
    watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
      if (filename === null || filename.toString() === file) schedule()
    })
    watcher.on('error', (err) => {
      logger.warn('tracker config watch failed: falling back to polling', { path, error: err.message })
      watcher?.close()
      watcher = undefined
    })
  } catch (err) {
    logger.warn('tracker config cannot be watched: falling back to polling', { path, error: (err as Error).message })
  }

  if (options.intervalMs > 0) {
    interval = setInterval(async () => {
      if (statting || closed) return
      statting = true
      try {
        const s = await signature()
        if (s !== lastStat) {
          lastStat = s
          background()
        }
      } finally {
        statting = false
      }
    }, options.intervalMs)
    interval.unref()
  }

  return {
    current: () => config,
    reload: () => enqueue(true),
    close: () => {
      closed = true
      clearTimeout(debounce)
      clearInterval(interval)
      watcher?.close()
      watcher = undefined
    },
  }
}
