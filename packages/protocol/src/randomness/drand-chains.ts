/**
 * drand quicknet (League of Entropy): unchained beacons every 3 s, BLS signatures on G1
 * (scheme bls-unchained-g1-rfc9380), public key on G2. Public chain info.
 */
export const QUICKNET = Object.freeze({
  chainHash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  publicKey:
    '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  genesisTime: 1692803367,
  period: 3,
})

/** Domain separation tag of the bls-unchained-g1-rfc9380 scheme (RFC 9380 hash to G1). */
export const QUICKNET_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_'

/** Filecoin mainnet genesis (2020-08-24T22:00:00Z) and epoch length, as Spark used them. */
export const FILECOIN_GENESIS_MS = Date.UTC(2020, 7, 24, 22, 0, 0)
export const FILECOIN_EPOCH_MS = 30_000
