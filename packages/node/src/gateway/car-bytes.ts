import { CarWriter } from '@ipld/car/writer'
import type { CID } from 'multiformats/cid'
import type { Block } from '../export/index.js'

/** A CARv1 of `blocks` rooted at `root`, as one buffer (the gateway bounds its size before). */
export async function carBytes(root: CID, blocks: readonly Block[]): Promise<Buffer> {
  const { writer, out } = CarWriter.create([root])
  const chunks: Uint8Array[] = []
  // the writer waits for its output to be read: drain it while putting
  const drained = (async () => {
    for await (const chunk of out) chunks.push(chunk)
  })()
  for (const block of blocks) await writer.put(block)
  await writer.close()
  await drained
  return Buffer.concat(chunks)
}
