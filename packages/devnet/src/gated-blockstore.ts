import type { FsBlockstore } from 'blockstore-fs'

type Store = Pick<FsBlockstore, 'has' | 'get' | 'put' | 'delete' | 'putMany' | 'getMany' | 'deleteMany' | 'getAll'>

/**
 * The blockstore helia's bitswap serves from: the provider's own store, except that `has` first
 * asks `mayServe`. Bitswap calls `has` before sending a block (peer-want-lists/ledger.js), so
 * answering "no" there withholds the block exactly as a provider that lost it would (DONT_HAVE
 * when the peer asked for one, silence otherwise), and a delay there delays the block.
 */
export class GatedBlockstore implements Store {
  private readonly store: Store
  private readonly mayServe: (options?: { signal?: AbortSignal }) => Promise<boolean>

  constructor(store: Store, mayServe: (options?: { signal?: AbortSignal }) => Promise<boolean>) {
    this.store = store
    this.mayServe = mayServe
  }

  // Only wants for blocks the provider holds count as requests and consume a flaky decision.
  has: Store['has'] = async (cid, options) => (await this.store.has(cid, options)) && this.mayServe(options)
  get: Store['get'] = (cid, options) => this.store.get(cid, options)
  put: Store['put'] = (cid, bytes, options) => this.store.put(cid, bytes, options)
  delete: Store['delete'] = (cid, options) => this.store.delete(cid, options)
  putMany: Store['putMany'] = (source, options) => this.store.putMany(source, options)
  getMany: Store['getMany'] = (source, options) => this.store.getMany(source, options)
  deleteMany: Store['deleteMany'] = (source, options) => this.store.deleteMany(source, options)
  getAll: Store['getAll'] = (options) => this.store.getAll(options)
}
