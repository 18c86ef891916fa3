/*
 * The ceiling for signature checks on this machine: raw `crypto.verify` (digest and KeyObject made
 * in advance) on one thread per CPU at once, for `bench/evaluate-ours.js`. Run as a module it is
 * the thread: it verifies what it is given when told to start and reports its time.
 */
import { verify } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { publicKeyObject } from '../packages/protocol/dist/index.js'

/**
 * Signatures per second of all `threads` together, over `items` ({stationId, digest, signature})
 * split between them.
 */
export async function rawVerifyRate(items, threads) {
  const share = Math.ceil(items.length / threads)
  const workers = Array.from(
    { length: threads },
    (_, k) => new Worker(new URL(import.meta.url), { workerData: items.slice(k * share, (k + 1) * share) }),
  )
  try {
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))))
    const started = performance.now()
    const done = workers.map((w) => new Promise((resolve) => w.once('message', resolve)))
    for (const w of workers) w.postMessage('go')
    const counts = await Promise.all(done)
    const ms = performance.now() - started
    return { rate: (counts.reduce((a, b) => a + b, 0) * 1000) / ms, ms, n: items.length }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

if (!isMainThread) {
  const items = workerData.map((i) => ({ ...i, key: publicKeyObject(i.stationId) }))
  // warm-up: JIT and OpenSSL's first calls are not part of the rate
  for (const i of items.slice(0, 200)) verify(null, i.digest, i.key, i.signature)
  parentPort.once('message', () => {
    let ok = 0
    for (const i of items) if (verify(null, i.digest, i.key, i.signature)) ok++
    if (ok !== items.length) throw new Error(`only ${ok} of ${items.length} signatures verified`)
    parentPort.postMessage(ok)
  })
  parentPort.postMessage('ready')
}
