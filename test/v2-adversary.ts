import { randomBytes } from 'node:crypto'
import type { RoguePeer, RogueRoundView } from '@spark-swarm/devnet'
import {
  encodeAttestation,
  encodeSignedMeasurement,
  type Measurement,
  type ProtocolParams,
  participantOfPrivateKey,
  type RetrievalTask,
  signAttestation,
  signBinding,
  signMeasurement,
} from '@spark-swarm/protocol'
import type { CID } from 'multiformats/cid'

/*
 * What an adversary of a version-2 devnet does with a rogue peer (spec §13): wallets minted at
 * will, each binding the rogue's station key with a valid EIP-191 signature, and measurements and
 * attestations as well-formed and well-signed as an honest node's.
 */

export interface Wallet {
  privateKey: Uint8Array
  address: string
}

/** A fresh wallet. */
export function mintWallet(): Wallet {
  // any 32 bytes below the curve order are a key; random ones are, with overwhelming odds
  const privateKey = new Uint8Array(randomBytes(32))
  return { privateKey, address: participantOfPrivateKey(privateKey) }
}

/** Mints wallets until `count` of them are assigned `task` in the round (the grinding of spec §13's rationale). */
export function mintAssigned(params: ProtocolParams, view: RogueRoundView, task: RetrievalTask, count: number): Wallet[] {
  const found: Wallet[] = []
  for (let tries = 0; found.length < count; tries++) {
    if (tries > 10_000) throw new Error('no wallet assigned the task in 10,000 tries')
    const w = mintWallet()
    if (view.selector.pick(w.address, params.maxTasksPerNode).some((t) => t.cid === task.cid && t.minerId === task.minerId)) found.push(w)
  }
  return found
}

/** The rogue's signed measurement of `task` for `wallet`, carrying the wallet's valid binding of the rogue's station from round 0. */
export function boundBytes(
  rogue: RoguePeer,
  params: ProtocolParams,
  round: number,
  task: RetrievalTask,
  wallet: Wallet,
  overrides: Partial<Measurement> = {},
): Uint8Array {
  const binding = { network: params.network, participant: wallet.address, stationId: rogue.key.stationId, fromRound: 0 }
  const m = rogue.measurement(round, task, {
    participant: wallet.address,
    bindingFromRound: 0,
    bindingSignature: signBinding(binding, wallet.privateKey),
    ...overrides,
  })
  return encodeSignedMeasurement(signMeasurement(m, rogue.key))
}

/**
 * The rogue's signed attestation of `committee` for the task, as `wallet`'s station (spec §13.3a):
 * carrying the wallet's valid binding of the rogue's station from round 0, as its measurements do.
 */
export function attestationBytes(
  rogue: RoguePeer,
  params: ProtocolParams,
  round: number,
  task: RetrievalTask,
  committee: CID,
  wallet: Wallet,
): Uint8Array {
  const binding = { network: params.network, participant: wallet.address, stationId: rogue.key.stationId, fromRound: 0 }
  const a = {
    protocolVersion: params.protocolVersion,
    network: params.network,
    round,
    task: { cid: task.cid, minerId: task.minerId },
    stationId: rogue.key.stationId,
    committee,
    participant: wallet.address,
    bindingFromRound: 0,
    bindingSignature: signBinding(binding, wallet.privateKey),
  }
  return encodeAttestation(signAttestation(a, rogue.key))
}
