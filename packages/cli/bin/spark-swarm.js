#!/usr/bin/env node
// The command as npm links it. npm links a package's bins while it installs, before the
// workspace's `prepare` script builds dist/: a bin inside dist/ does not exist yet then, and npm
// silently skips it, so `npx spark-swarm` failed after the first `npm install`. This file is
// committed, so the link is always made; it runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const built = new URL('../dist/bin.js', import.meta.url)
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write(`spark-swarm: the CLI is not built (${fileURLToPath(built)} is missing): run \`npm run build\` in the repository\n`)
  process.exit(1)
}
await import(built.href)
