/*
 * libp2p 3 calls Promise.withResolvers, which Node 20 lacks (STACK.md, "Required fixes on
 * Node 20"). Imported first by the package entry so it is in place before libp2p loads.
 */
interface PromiseWithResolversPolyfill {
  withResolvers?: unknown
}

if (typeof (Promise as PromiseWithResolversPolyfill).withResolvers !== 'function') {
  ;(Promise as PromiseWithResolversPolyfill).withResolvers = function withResolvers<T>(this: PromiseConstructor) {
    let resolve!: (value: T | PromiseLike<T>) => void
    let reject!: (reason?: unknown) => void
    const promise = new this<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

export {}
