import { defineConfig } from 'vitest/config'

/**
 * libp2p 3's one known uncaught error (libp2p/js-libp2p#3415, open): a DHT query that aborts its
 * stream on a connection already closing throws from an event listener, out of reach of any
 * catch. Nothing is lost. The node's docs require every app that embeds nodes to ignore exactly
 * this error (`isLibp2pClosingStreamError`, packages/node/src/node/peers/libp2p-races.ts), and the
 * CLI does; tests that run nodes in their own process, and kill their peers, are such an app.
 * Vitest hands the error over serialised, so it is matched by name and message, as there.
 */
function isLibp2pClosingStreamError(error: { name?: string; message?: string }): boolean {
  return error.name === 'StreamStateError' && /^Cannot write to a stream that is (closing|closed)$/.test(error.message ?? '')
}

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    onUnhandledError: (error) => (isLibp2pClosingStreamError(error) ? false : undefined),
  },
})
