import { parseTrackerConfig, readConfigText, type TrackerConfig } from './config.js'
import { pollStat, watchDirectory } from './config-follow.js'
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
  /**
   * Called with the config in force and the one just read, before the new one is applied; throws
   * (a TrackerConfigError) to refuse it, e.g. a change of the params in force without notice.
   */
  check?(previous: TrackerConfig, next: TrackerConfig): void
  onReload(config: TrackerConfig): void
  onFailure(error: Error): void
}

export interface ConfigWatcher {
  current(): TrackerConfig
  /** Re-reads the file now; rejects (keeping the last good config) when it is bad. */
  reload(): Promise<void>
  close(): void
}

interface Reloader {
  current(): TrackerConfig
  /** Reads the file after every reload before it; `force` parses it even when its text is unchanged. */
  enqueue(force: boolean): Promise<void>
  close(): void
}

/**
 * The last good config and the reloads that replace it, run one at a time so an older read never
 * overwrites a newer one. A failure is reported (onFailure, a warning) and rethrown to the caller.
 */
function createReloader(options: ConfigWatcherOptions): Reloader {
  const { path, logger } = options
  let config = options.initial
  // the text last read (good or bad): an unchanged file is not parsed or reported again
  let lastText = options.initialText
  let closed = false
  let queue: Promise<unknown> = Promise.resolve()

  const apply = async (force: boolean): Promise<void> => {
    if (closed) return
    const text = await readConfigText(path)
    if (!force && text === lastText) return
    lastText = text
    const next = parseTrackerConfig(text, path)
    if (closed) return
    const previous = config
    options.check?.(previous, next)
    config = next
    options.onReload(next)
    logger.info('tracker config reloaded', {
      path,
      minCheckerVersion: next.minCheckerVersion,
      previousMinCheckerVersion: previous.minCheckerVersion,
      paramsDigest: next.paramsDigest,
      ...(next.upcoming ? { upcomingFromRound: next.upcoming.fromRound, upcomingParamsDigest: next.upcoming.paramsDigest } : {}),
    })
  }

  return {
    current: () => config,
    enqueue: (force) => {
      const run = queue.then(() => apply(force))
      queue = run.catch(() => {})
      return run.catch((err: Error) => {
        if (!closed) {
          options.onFailure(err)
          logger.warn('tracker config reload failed: keeping the last good config', { path, error: err.message })
        }
        throw err
      })
    },
    close: () => {
      closed = true
    },
  }
}

/**
 * Holds the last good config and follows the file: fs.watch on its directory (so a file replaced
 * by rename is still seen), plus a periodic stat as a fallback for file systems where watching
 * is unreliable. Reloads run one at a time, so an older read never overwrites a newer one.
 */
export function watchConfig(options: ConfigWatcherOptions): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 50
  const reloader = createReloader(options)
  let closed = false
  let debounce: NodeJS.Timeout | undefined

  // a watcher-triggered reload reports failures through the logger and metrics, never throws
  const background = () => {
    reloader.enqueue(false).catch(() => {})
  }
  const schedule = () => {
    if (closed) return
    clearTimeout(debounce)
    debounce = setTimeout(background, debounceMs)
    debounce.unref()
  }

  const closeWatch = watchDirectory(options.path, options.logger, schedule)
  const closePoll = options.intervalMs > 0 ? pollStat(options.path, options.intervalMs, background) : () => {}

  return {
    current: reloader.current,
    reload: () => reloader.enqueue(true),
    close: () => {
      closed = true
      reloader.close()
      clearTimeout(debounce)
      closePoll()
      closeWatch()
    },
  }
}
