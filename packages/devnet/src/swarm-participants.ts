import { loadOrCreateIdentity, type SavedBinding } from '@spark-swarm/node'
import { type ProtocolParams, participantOfPrivateKey, sha256, signBinding } from '@spark-swarm/protocol'
import type { OutsideWorld } from './outside-world.js'

/*
 * The participants of a version-2 devnet (spec §13): one per node, whose wallet key is derived from
 * the swarm's seed and the node's index (so a restarted swarm has the same ones), funded on the
 * fake chain from height 0 and bound to the node's station key, as `spark-swarm bind` would.
 */

export interface SwarmParticipant {
  /** The wallet's secp256k1 key: tests sign other bindings with it (e.g. a squatter's). */
  privateKey: Uint8Array
  /** `0x…`. */
  address: string
}

/** The participant of node `index` of a swarm with this seed. */
export function swarmParticipant(seed: string, index: number): SwarmParticipant {
  const privateKey = sha256(`${seed}/participant/${index}`)
  return { privateKey, address: participantOfPrivateKey(privateKey) }
}

/**
 * Funds node `index`'s participant from height 0 (unless `funded` is false: the caller funds it
 * later, `world.chainRpc.deposits.set`) and binds it to the station key in `dataDir` (created when new).
 */
export async function bindNode(init: {
  params: ProtocolParams
  seed: string
  index: number
  dataDir: string
  world: Pick<OutsideWorld, 'chainRpc'>
  funded?: boolean
}): Promise<{ participant: SwarmParticipant; binding: SavedBinding }> {
  const { params } = init
  if (!params.admission) throw new Error('a version-2 swarm needs params.admission')
  const participant = swarmParticipant(init.seed, init.index)
  if (init.funded !== false)
    init.world.chainRpc.deposits.set({
      participant: participant.address,
      balanceAttoFil: params.admission.minDepositAttoFil,
      fromHeight: 0,
    })
  // the same key file the node opens when it starts: the binding names its station
  const identity = await loadOrCreateIdentity(init.dataDir)
  const binding = { network: params.network, participant: participant.address, stationId: identity.stationKey.stationId, fromRound: 0 }
  return { participant, binding: { binding, signature: signBinding(binding, participant.privateKey) } }
}
