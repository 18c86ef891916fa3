import { readFile } from 'node:fs/promises'
import { loadOrCreateIdentity, readDataDirNetwork, StoreError, saveBinding } from '@spark-swarm/node'
import {
  bindingText,
  fromHex,
  participantFromAddress,
  participantOfPrivateKey,
  type StationBinding,
  signBinding,
} from '@spark-swarm/protocol'
import { CliError, EXIT } from '../cli-error.js'

/*
 * `spark-swarm bind`: binds this node's station key to the participant it checks for on a
 * version-2 network (spec §13.2). The participant's wallet signs a short text; without
 * `--signature` the command prints that text, with it the command checks the signature and keeps
 * the binding in the data dir. `--participant-key` signs with a key file, for devnets and tests.
 */

export interface BindOptions {
  dataDir: string
  participant: string
  network?: string
  fromRound: number
  signature?: string
  participantKey?: string
  json?: boolean
}

function participantOf(address: string): string {
  try {
    return participantFromAddress(address)
  } catch (err) {
    throw new CliError(`--participant ${address}: ${(err as Error).message}; give a 0x… or f410f… address`, EXIT.usage)
  }
}

async function signatureOf(opts: BindOptions, binding: StationBinding): Promise<Uint8Array | undefined> {
  if (opts.participantKey !== undefined) {
    const text = (
      await readFile(opts.participantKey, 'utf8').catch((err: Error) => {
        throw new CliError(`--participant-key ${opts.participantKey}: ${err.message}`, EXIT.failure)
      })
    ).trim()
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(text))
      throw new CliError(`--participant-key ${opts.participantKey}: must hold 64 hex digits (a secp256k1 key)`)
    const key = fromHex(text.replace(/^0x/, ''))
    if (participantOfPrivateKey(key) !== binding.participant)
      throw new CliError(
        `--participant-key ${opts.participantKey} is the key of ${participantOfPrivateKey(key)}, not of ${binding.participant}`,
      )
    return signBinding(binding, key)
  }
  if (opts.signature === undefined) return undefined
  if (!/^(0x)?[0-9a-fA-F]{130}$/.test(opts.signature)) {
    throw new CliError('--signature must be the wallet signature: 0x and 130 hex digits (65 bytes, r ‖ s ‖ v)')
  }
  return fromHex(opts.signature.replace(/^0x/, '').toLowerCase())
}

export async function runBind(opts: BindOptions, write: (line: string) => void): Promise<void> {
  const participant = participantOf(opts.participant)
  const identity = await loadOrCreateIdentity(opts.dataDir).catch((err: unknown) => {
    if (err instanceof StoreError) throw new CliError(`${err.message} [${err.code}]`, EXIT.failure, err.code)
    throw err
  })
  // the network the data dir belongs to, unless named: a binding names its network
  // (no default: mainnet runs version 1, and a binding for the wrong network is refused by every peer)
  const network = opts.network ?? (await readDataDirNetwork(opts.dataDir))?.network
  if (network === undefined) {
    throw new CliError(
      `${opts.dataDir} belongs to no network yet: name the version-2 network the binding is for with --network (e.g. --network devnet-v2), or start the node once first`,
      EXIT.usage,
    )
  }
  const binding: StationBinding = { network, participant, stationId: identity.stationKey.stationId, fromRound: opts.fromRound }
  const signature = await signatureOf(opts, binding)
  if (signature === undefined) {
    if (opts.json) return write(JSON.stringify({ ...binding, text: bindingText(binding) }, null, 2))
    write(`Sign this text with the wallet of ${participant} (personal_sign, as Station or MetaMask sign a message):`)
    write('')
    for (const line of bindingText(binding).split('\n')) write(`  ${line}`)
    write('')
    write('then give the signature:')
    write(
      `  spark-swarm bind --data-dir ${opts.dataDir} --network ${network} --participant ${participant} --from-round ${opts.fromRound} --signature 0x…`,
    )
    return
  }
  let path: string
  try {
    path = await saveBinding(opts.dataDir, { binding, signature }, identity.stationKey.stationId)
  } catch (err) {
    if (err instanceof StoreError) throw new CliError(`${err.message} [${err.code}]`, EXIT.failure, err.code)
    throw err
  }
  if (opts.json) return write(JSON.stringify({ ...binding, file: path }, null, 2))
  write(`bound station ${binding.stationId.slice(0, 32)}… to participant ${participant} on ${network} from round ${opts.fromRound}`)
  write(`  kept in ${path}`)
}
