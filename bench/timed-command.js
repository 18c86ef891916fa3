/*
 * A whole command timed from outside, for the benches that compare `spark-swarm evaluate` with
 * the parse-only floor: `node --import rss-at-exit.js <args>` with stdout discarded.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { NODE_FLAGS } from '../packages/cli/dist/node-flags.js'

const RSS = fileURLToPath(new URL('./rss-at-exit.js', import.meta.url))

/** `spark-swarm` as its bin runs it: node with NODE_FLAGS, then the CLI (arguments for `timed`). */
export const SPARK_SWARM = Object.freeze([...NODE_FLAGS, fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url))])

/** One run: wall ms, peak RSS (MB) and stderr; `stdin`: a file to feed it. */
export function timed(args, { stdin } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const input = stdin === undefined ? 'ignore' : openSync(stdin, 'r')
    const child = spawn(process.execPath, ['--import', RSS, ...args], { stdio: [input, 'ignore', 'pipe'] })
    if (typeof input === 'number') closeSync(input)
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      const ms = performance.now() - started
      const kb = Number(/bench-max-rss-kb (\d+)/.exec(stderr)?.[1] ?? Number.NaN)
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`))
      else resolve({ ms, rssMb: (kb * 1024) / 1e6, stderr })
    })
  })
}

/** The fastest of `repeat` runs (the others are the same work with more noise). */
export async function best(args, repeat, options) {
  let out
  for (let i = 0; i < repeat; i++) {
    const r = await timed(args, options)
    if (!out || r.ms < out.ms) out = r
  }
  return out
}
