import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { sha256 } from '@noble/hashes/sha2.js'

/**
 * A fake provider's libp2p key, derived from the world's seed and its miner id: the same seed gives
 * the same peer id on every run, so a catalogue that names providers by peer id (and the chain
 * RPC's StateMinerInfo) stays valid after a restart. Fake providers only: the key is as secret
 * as the seed, which is not.
 */
export async function providerKeyFromSeed(seed: string, minerId: string): Promise<PrivateKey> {
  const bytes = sha256(new TextEncoder().encode(`spark swarm devnet provider key/${seed}/${minerId}`))
  return generateKeyPairFromSeed('Ed25519', bytes)
}
