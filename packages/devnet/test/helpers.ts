import { CarBlockIterator } from '@ipld/car'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

export const CAR = 'application/vnd.ipld.car'
export const RAW = 'application/vnd.ipld.raw'

export function blockUrl(gatewayUrl: string, cid: CID | string, query = 'dag-scope=block'): string {
  return `${gatewayUrl}/ipfs/${cid}?${query}`
}

export function getCar(gatewayUrl: string, cid: CID | string, init: RequestInit = {}): Promise<Response> {
  return fetch(blockUrl(gatewayUrl, cid), { ...init, headers: { accept: CAR }, signal: init.signal ?? AbortSignal.timeout(5_000) })
}

export async function readCar(bytes: Uint8Array): Promise<{ roots: CID[]; blocks: Array<{ cid: CID; bytes: Uint8Array }> }> {
  const iterator = await CarBlockIterator.fromBytes(bytes)
  const roots = await iterator.getRoots()
  const blocks: Array<{ cid: CID; bytes: Uint8Array }> = []
  for await (const block of iterator) blocks.push(block)
  return { roots, blocks }
}

export async function hashesTo(cid: CID, bytes: Uint8Array): Promise<boolean> {
  const digest = await sha256.digest(bytes)
  return Buffer.from(digest.bytes).equals(Buffer.from(cid.multihash.bytes))
}

export async function body(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer())
}
