import type { Worker } from 'node:worker_threads'

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
      reject(err)
    }
    const onExit = (code: number) => {
      cleanup()
      reject(new Error(`a reading thread of evaluate stopped (exit code ${code}) before it answered`))
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
  })
}
