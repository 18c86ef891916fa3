/*
 * Fuzzing (`npm run fuzz`, also the last step of `npm run bench`): see bench/README.md, "Fuzzing".
 *
 * Every decoder and validator a peer or a file can reach gets random and mutated inputs (over
 * 100,000 in all); each input must be accepted or rejected with a code of the decoder's documented
 * error. Crashes and hangs are listed with their inputs and make the exit code 1.
 *
 * Knobs (environment): FUZZ_SEED (default 20261121), FUZZ_SCALE (multiplies every target's runs,
 * default 1), FUZZ_ONLY (run the targets whose name contains this text).
 */
import { createFuzzPlan, runTarget } from '@spark-swarm/fuzz'
import { printTable } from './table.js'

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_121)
const SCALE = Number(process.env.FUZZ_SCALE ?? 1)
const ONLY = process.env.FUZZ_ONLY

const plan = []
for (const entry of await createFuzzPlan()) {
  if (!ONLY || entry.target.name.includes(ONLY)) plan.push(entry)
  // a target left out must still let go of what it holds (the tracker's port, temp dirs)
  else await entry.target.close?.()
}

const rows = []
const failures = []
const total = { inputs: 0, accepted: 0, rejected: 0, crashes: 0, hangs: 0, slowestMs: 0, codes: new Set() }
const started = performance.now()
for (const { target, benchRuns } of plan) {
  const runs = Math.max(1, Math.round(benchRuns * SCALE))
  process.stderr.write(`fuzz: ${target.name}: ${runs.toLocaleString('en-US')} inputs…\n`)
  const t0 = performance.now()
  let s
  try {
    s = await runTarget(target, { runs, seed: SEED })
  } finally {
    await target.close?.()
  }
  process.stderr.write(`  ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
  rows.push([
    target.name,
    s.inputs.toLocaleString('en-US'),
    s.accepted.toLocaleString('en-US'),
    s.rejected.toLocaleString('en-US'),
    s.crashes,
    s.hangs,
    s.slowestMs.toFixed(1),
    s.codes.size,
  ])
  for (const f of s.failures) failures.push({ target: target.name, ...f })
  total.inputs += s.inputs
  total.accepted += s.accepted
  total.rejected += s.rejected
  total.crashes += s.crashes
  total.hangs += s.hangs
  total.slowestMs = Math.max(total.slowestMs, s.slowestMs)
  for (const code of s.codes.keys()) total.codes.add(code)
}
rows.push([
  'total',
  total.inputs.toLocaleString('en-US'),
  total.accepted.toLocaleString('en-US'),
  total.rejected.toLocaleString('en-US'),
  total.crashes,
  total.hangs,
  total.slowestMs.toFixed(1),
  total.codes.size,
])

printTable(
  `Fuzzing: ${total.inputs.toLocaleString('en-US')} inputs in ${((performance.now() - started) / 1000).toFixed(0)} s (seed ${SEED})`,
  ['target', 'inputs', 'accepted', 'rejected (with code)', 'crashes', 'hangs', 'slowest input ms', 'distinct codes'],
  rows,
  ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
)
for (const f of failures) console.log(`\n${f.outcome.toUpperCase()} in ${f.target}: ${f.error}\n  input: ${f.input}`)
if (total.crashes + total.hangs > 0) {
  console.log(`\n${total.crashes} crashes and ${total.hangs} hangs: replay with FUZZ_SEED=${SEED} FUZZ_ONLY="<target>"`)
  process.exitCode = 1
}
