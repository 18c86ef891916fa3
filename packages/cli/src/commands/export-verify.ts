import { createWriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CarReader } from '@ipld/car'
import { ExportError, exportRoundCar } from '@spark-swarm/node'
import { verifyRoundBlocks } from '@spark-swarm/protocol'
import { CliError, EXIT } from '../cli-error.js'
import { checkDeposits } from './verify-deposits.js'
import { verdictLine } from './verify-verdict.js'

/** `spark-swarm export [round]`: the round's CAR to a file or stdout. */
export async function runExport(opts: { dataDir: string; round?: number; out?: string }, write: (line: string) => void) {
  let exported: Awaited<ReturnType<typeof exportRoundCar>>
  try {
    exported = await exportRoundCar(opts.dataDir, opts.round)
  } catch (err) {
    if (err instanceof ExportError) throw new CliError(err.message, EXIT.failure)
    throw new CliError(`cannot read the node's data in ${opts.dataDir}: ${(err as Error).message}`, EXIT.failure)
  }
  const target = opts.out && opts.out !== '-' ? createWriteStream(opts.out) : process.stdout
  await pipeline(Readable.from(exported.car), target, { end: target !== process.stdout })
  if (target !== process.stdout) write(`round ${exported.round}: summary ${exported.root} written to ${opts.out}`)
}

/** `spark-swarm verify <car>`: re-checks a round offline from its CAR alone. */
export async function runVerify(
  path: string,
  opts: { json?: boolean; rpc?: string; rpcToken?: string },
  write: (line: string) => void,
): Promise<number> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT.failure)
  }
  let reader: CarReader
  try {
    reader = await CarReader.fromBytes(bytes)
  } catch (err) {
    throw new CliError(`${path} is not a CAR file: ${(err as Error).message}`)
  }
  const [root] = await reader.getRoots()
  if (!root) throw new CliError(`${path} names no root: export a round with \`spark-swarm export\``)
  const blocks = new Map<string, Uint8Array>()
  for await (const block of reader.blocks()) blocks.set(block.cid.toString(), block.bytes)
  let result: ReturnType<typeof verifyRoundBlocks>
  try {
    result = verifyRoundBlocks(root, blocks)
  } catch (err) {
    throw new CliError(`${path} is not a round export: ${(err as Error).message}`)
  }
  if (opts.rpc) result = await checkDeposits(result, { rpcUrl: opts.rpc, ...(opts.rpcToken ? { token: opts.rpcToken } : {}) })
  if (opts.json) {
    write(
      JSON.stringify(
        {
          ok: result.ok,
          summaryCid: result.summaryCid,
          recomputedCid: result.recomputedCid,
          round: result.round,
          network: result.network,
          // the summary block is missing or does not decode: round and network are null
          unreadable: result.round === null,
          problems: result.problems,
          notes: result.notes,
          committees: result.evaluation?.committees.length ?? 0,
          measurements: result.evaluation?.measurements.length ?? 0,
          // version 2: the admission snapshot the summary records (spec §13.7)
          admission: result.admission,
        },
        null,
        2,
      ),
    )
  } else {
    write(verdictLine(result))
    if (result.evaluation)
      write(
        `  ${result.evaluation.measurements.length} signed measurements in ${result.evaluation.committees.length} committees re-evaluated`,
      )
    for (const p of result.problems) write(`  problem: ${p}`)
    for (const n of result.notes) write(`  note: ${n}`)
  }
  return result.ok ? EXIT.ok : EXIT.failure
}
