// libp2p 3 calls Promise.withResolvers, which Node 20 lacks (STACK.md, "Required fixes on Node 20").
// index.ts imports this module first so every libp2p host this package starts can rely on it.
// Typed loosely because lib ES2023 does not declare withResolvers.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const promise = new Promise<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    },
  })
}

export {}
