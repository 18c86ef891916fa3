#!/usr/bin/env -S node --max-semi-space-size=4
// The shebang's options are NODE_FLAGS (src/node-flags.ts: why each; a test checks the two agree).
// `env -S` splits them from `node` (GNU, BSD and macOS env; npm's Windows shims read it too); with
// an env without -S (BusyBox's), run `node --max-semi-space-size=4 <this file>` instead.
// The command as npm links it. npm links a package's bins while it installs, before the
// workspace's `prepare` script builds dist/: a bin inside dist/ does not exist yet then, and npm
// silently skips it, so `npx spark-swarm` failed after the first `npm install`. This file is
// committed, so the link is always made; it runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs'
import { register } from 'node:module'
import { fileURLToPath } from 'node:url'

// Node 20: undici 8 (reached through @libp2p/http) crashes on import; resolve `undici` to the
// undici 7 this package depends on. Why, and when to drop it: undici-7-on-node-20.js.
if (Number(process.versions.node.split('.')[0]) < 22) {
  register('./undici-7-on-node-20.js', import.meta.url)
}

const built = new URL('../dist/bin.js', import.meta.url)
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write(`spark-swarm: the CLI is not built (${fileURLToPath(built)} is missing): run \`npm run build\` in the repository\n`)
  process.exit(1)
}
await import(built.href)
