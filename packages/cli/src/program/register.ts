import type { Command } from 'commander'
import type { CliEnv } from '../config/env.js'

/**
 * Adds one command (or a pair that belong together) to the `spark-swarm` tree. `env` holds the
 * environment variables the CLI honours, read once in `config/env.ts`.
 */
export type RegisterCommand = (program: Command, env: CliEnv) => void
