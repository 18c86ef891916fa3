import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

/**
 * Lotus JSON shapes for the two calls a checker makes, trimmed to the fields a client reads but
 * with Lotus's names and types, so a client written against glif.io works here unchanged.
 */
export async function chainHeadJson(height: number): Promise<{ Cids: Array<{ '/': string }>; Blocks: unknown[]; Height: number }> {
  const bytes = dagCbor.encode({ devnetTipset: height })
  const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))
  return { Cids: [{ '/': cid.toString() }], Blocks: [], Height: height }
}

/** `Filecoin.StateGetActor`'s answer for an EVM account (an f410 address) holding `balance` attoFIL. */
export function evmActorJson(f410: string, balance: bigint): unknown {
  return {
    Code: { '/': 'bafk2bzacebj3i5ehw2w6veowqisj2ag4wpp25glmmfsvejbwjj2e7axavonm6' },
    Head: { '/': 'bafy2bzaceaxlmqjifehbkqeqeuzm2ojlklsoycmjrjbm6nrrkqmwexdyqzjp2' },
    Nonce: 0,
    Balance: balance.toString(),
    DelegatedAddress: f410,
  }
}

export function minerInfoJson(minerId: string, peerId: string | null): unknown {
  const n = Number.parseInt(minerId.replace(/^[ft]0/, ''), 10)
  const actor = (offset: number) => `f0${Number.isFinite(n) ? n + offset : 100 + offset}`
  return {
    Owner: actor(1),
    Worker: actor(2),
    NewWorker: '<empty>',
    ControlAddresses: [actor(3)],
    WorkerChangeEpoch: -1,
    PeerId: peerId,
    Multiaddrs: null,
    WindowPoStProofType: 8,
    SectorSize: 34359738368,
    WindowPoStPartitionSectors: 2349,
    ConsensusFaultElapsed: -1,
    PendingOwnerAddress: null,
    Beneficiary: actor(1),
    BeneficiaryTerm: { Quota: '0', UsedQuota: '0', Expiration: 0 },
    PendingBeneficiaryTerm: null,
  }
}

/** The error Lotus returns for a miner address with no actor on chain. */
export function actorNotFound(minerId: string): { code: number; message: string } {
  return {
    code: 1,
    message: `failed to load miner actor: resolution lookup failed (${minerId}): resolve address ${minerId}: actor not found`,
  }
}
