import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CarWriter } from '@ipld/car/writer'
import { buildRoundFixture, type RoundFixture } from '@spark-swarm/fuzz'
import { devnet, roundStartTime } from '@spark-swarm/protocol'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'

// A devnet round long after genesis: 700,001 rounds of 10 s is 81 days. `verify` once recomputed
// the local beacon by walking the chain from genesis and gave up past 200,000 rounds (issue 11).
const OLD_ROUND = 700_001

async function writeCar(path: string, root: CID, blocks: Map<string, Uint8Array>) {
  const { writer, out } = CarWriter.create([root])
  const chunks: Uint8Array[] = []
  const collected = (async () => {
    for await (const chunk of out) chunks.push(chunk)
  })()
  for (const [cid, bytes] of blocks) await writer.put({ cid: CID.parse(cid), bytes })
  await writer.close()
  await collected
  await writeFile(path, Buffer.concat(chunks))
}

describe('spark-swarm verify on a devnet round long after genesis', () => {
  let dir: string
  let round: RoundFixture
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spark-verify-old-'))
    round = buildRoundFixture(devnet, OLD_ROUND)
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('re-checks the round offline and names it', async () => {
    const daysAfterGenesis = (roundStartTime(devnet, OLD_ROUND) - devnet.genesisTime) / 86_400_000
    expect(daysAfterGenesis).toBeGreaterThan(80)
    const car = join(dir, 'round.car')
    await writeCar(car, round.summary.root, round.summary.blocks)
    const verified = await runCli(['verify', car, '--json'])
    expect(verified.stderr).toBe('')
    const json = JSON.parse(verified.stdout)
    expect(json).toMatchObject({ ok: true, round: OLD_ROUND, network: 'devnet', problems: [] })
    expect(verified.code).toBe(0)
  })

  it('a tampered measurement fails, and the verdict still names the round and network', async () => {
    const blocks = new Map<string, Uint8Array>(round.summary.blocks)
    const first = round.measurementBytes[0] as Uint8Array
    const cid = [...blocks].find(([, bytes]) => bytes === first)?.[0]
    expect(cid).toBeDefined()
    const tampered = Uint8Array.from(first)
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1
    blocks.set(cid as string, tampered)
    const car = join(dir, 'tampered.car')
    await writeCar(car, round.summary.root, blocks)
    const failed = await runCli(['verify', car])
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain(`NOT verified: round ${OLD_ROUND} of devnet`)
    expect(failed.stdout).toContain(`block ${cid} does not hash to its CID`)
  })
})
