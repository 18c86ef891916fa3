#!/usr/bin/env node
import { setMaxListeners } from 'node:events'
// the predicate alone: the node's whole stack loads only with the commands that run a node
import { isLibp2pClosingStreamError } from '@spark-swarm/node/libp2p-races'
import { ProtocolError } from '@spark-swarm/protocol'
import { CommanderError } from 'commander'
import { CliError, cliErrorLine, EXIT } from './cli-error.js'
import { createProgram } from './program.js'

// libp2p's connection manager closes every connection with one shared abort signal when it stops:
// a node with many peers trips Node's default of 10 listeners per signal, a warning, not a leak.
setMaxListeners(100)

// libp2p throws one known error from an event listener while connections close
// (libp2p/js-libp2p#3415): harmless, and without this it ends the process mid-shutdown.
process.on('uncaughtException', (err) => {
  if (isLibp2pClosingStreamError(err)) return
  process.stderr.write(`spark-swarm: uncaught exception: ${err?.stack ?? err}\n`)
  process.exit(EXIT.failure)
})

const program = createProgram()

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // commander already printed its message; --help and --version end here with code 0
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage
  } else if (err instanceof CliError) {
    process.stderr.write(`spark-swarm: ${cliErrorLine(err)}\n`)
    process.exitCode = err.exitCode
  } else if (err instanceof ProtocolError) {
    process.stderr.write(`spark-swarm: ${err.message} [${err.code}]\n`)
    process.exitCode = EXIT.usage
  } else {
    process.stderr.write(`spark-swarm: unexpected error: ${(err as Error)?.stack ?? err}\n`)
    process.exitCode = EXIT.failure
  }
}
