import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { participantOfPrivateKey, personalMessageDigest, sha256, toHex } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'

/*
 * `spark-swarm bind` as an operator uses it (spec §13.2): the command prints the text the wallet
 * signs; the operator signs it in the wallet and gives the signature back; the node keeps the
 * binding. The signature here is made over the printed text itself, the way a wallet makes it
 * (EIP-191 personal_sign), not by the project's own signBinding.
 */

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-bind-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const walletKey = sha256(new TextEncoder().encode('bind e2e wallet'))
const participant = participantOfPrivateKey(walletKey)

/** A wallet's personal_sign: 65 bytes r ‖ s ‖ v as 0x-hex. */
function walletSign(text: string, key = walletKey): string {
  const sig = secp256k1.Signature.fromBytes(
    secp256k1.sign(personalMessageDigest(text), key, { prehash: false, format: 'recovered' }),
    'recovered',
  )
  return `0x${toHex(sig.toBytes('compact'))}${(27 + (sig.recovery as number)).toString(16)}`
}

describe('spark-swarm bind', () => {
  it('prints the text to sign, then keeps the binding the wallet signed', async () => {
    const dataDir = join(dir, 'a')
    const asked = await runCli(['bind', '--data-dir', dataDir, '--participant', participant, '--network', 'devnet', '--from-round', '7'])
    expect(asked.code).toBe(0)
    const lines = asked.stdout.split('\n')
    const first = lines.findIndex((l) => l.trim() === 'spark-swarm station binding')
    const text = lines
      .slice(first, first + 5)
      .map((l) => l.trim())
      .join('\n')
    expect(text).toMatch(
      new RegExp(
        `^spark-swarm station binding\nnetwork: devnet\nparticipant: ${participant}\nstation: 302a3005[0-9a-f]{80}\nfrom round: 7$`,
      ),
    )
    expect(asked.stdout).toContain('--signature 0x…')

    const bound = await runCli([
      'bind',
      '--data-dir',
      dataDir,
      '--participant',
      participant,
      '--network',
      'devnet',
      '--from-round',
      '7',
      '--signature',
      walletSign(text),
    ])
    expect(bound.stderr).toBe('')
    expect(bound.code).toBe(0)
    expect(bound.stdout).toContain(`to participant ${participant} on devnet from round 7`)
    const file = join(dataDir, 'participant-binding.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(file, 'utf8')).binding).toMatchObject({ network: 'devnet', participant, fromRound: 7 })
  })

  it("refuses another wallet's signature and a signature of other text, naming what to sign, and keeps nothing", async () => {
    const dataDir = join(dir, 'b')
    const json = JSON.parse(
      (await runCli(['bind', '--data-dir', dataDir, '--participant', participant, '--network', 'devnet-v2', '--json'])).stdout,
    ) as {
      text: string
    }
    const other = sha256(new TextEncoder().encode('someone else'))
    for (const signature of [walletSign(json.text, other), walletSign(`${json.text}\n`)]) {
      const refused = await runCli([
        'bind',
        '--data-dir',
        dataDir,
        '--participant',
        participant,
        '--network',
        'devnet-v2',
        '--signature',
        signature,
      ])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(`the signature is not ${participant}'s over the binding text`)
      expect(refused.stderr).toContain('[BINDING_INVALID]')
    }
    await expect(stat(join(dataDir, 'participant-binding.json'))).rejects.toThrow(/ENOENT/)
  })

  it('signs with a key file on devnets, and refuses a key of another wallet', async () => {
    const dataDir = join(dir, 'c')
    const keyFile = join(dir, 'wallet.key')
    await writeFile(keyFile, `0x${toHex(walletKey)}\n`, { mode: 0o600 })
    // a data dir of no network yet: the binding must name one
    const unnamed = await runCli(['bind', '--data-dir', dataDir, '--participant', participant, '--participant-key', keyFile])
    expect(unnamed.code).toBe(2)
    expect(unnamed.stderr).toMatch(/belongs to no network yet: name the version-2 network .* with --network/)
    const ok = await runCli([
      'bind',
      '--data-dir',
      dataDir,
      '--participant',
      participant,
      '--network',
      'devnet-v2',
      '--participant-key',
      keyFile,
      '--json',
    ])
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ participant, network: 'devnet-v2', fromRound: 0 })
    const wrong = await runCli([
      'bind',
      '--data-dir',
      dataDir,
      '--participant',
      `0x${'12'.repeat(20)}`,
      '--network',
      'devnet-v2',
      '--participant-key',
      keyFile,
    ])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain(`is the key of ${participant}, not of 0x${'12'.repeat(20)}`)
  })

  it('takes an f410f address for the same wallet, and refuses what is not an address (exit 2)', async () => {
    const f410 = await runCli([
      'bind',
      '--data-dir',
      join(dir, 'd'),
      '--participant',
      'f410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa',
      '--network',
      'devnet-v2',
      '--json',
    ])
    expect(JSON.parse(f410.stdout).participant).toBe('0x52963ef50e27e06d72d59fcb4f3c2a687be3cfef')
    const bad = await runCli(['bind', '--data-dir', join(dir, 'd'), '--participant', 'f1abc'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--participant f1abc: .*give a 0x… or f410f… address/)
  })
})
