// libp2p 3 uses Promise.withResolvers, which Node 20 lacks (STACK.md). The node package's polyfill,
// installed for every test file, so that code under test behaves as it does behind a package entry.
import '../packages/node/src/polyfill.js'
