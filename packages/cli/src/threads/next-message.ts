import type { Worker } from 'node:worker_threads'
import { CliError, EXIT } from '../cli-error.js'

/** A reading thread's failure (out of memory, say) and the way around it: one line at a time from stdin. */
function threadFailed(why: string): CliError {
  return new CliError(
    `a thread reading the measurements file failed: ${why}; try fewer threads (--threads 1), or read the file line by line from stdin (… evaluate … - < file)`,
    EXIT.failure,
  )
}

/**
 * A worker's next answer; messages of type `progressType` on the way go to `onProgress`. Its
 * error, or an exit before it answers, rejects.
 */
export function nextMessage<T, P extends { type: string } = never>(
  worker: Worker,
  progressType?: P['type'],
  onProgress?: (message: P) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    const onMessage = (value: T | P) => {
      if (progressType !== undefined && (value as P)?.type === progressType) return onProgress?.(value as P)
      cleanup()
      resolve(value as T)
    }
    const onError = (err: Error) => {
      cleanup()
      reject(threadFailed(err.message))
    }
    const onExit = (code: number) => {
      cleanup()
      reject(threadFailed(`it stopped (exit code ${code}) before it answered`))
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
  })
}
