import { loadOrCreateIdentity, readBinding, type SavedBinding } from '@spark-swarm/node'
import type { ProtocolParams } from '@spark-swarm/protocol'
import { CliError, EXIT } from '../cli-error.js'

/*
 * On a version-2 network (spec §13) a node checks for the participant its station is bound to:
 * `start` reads `<dataDir>/participant-binding.json`, which `spark-swarm bind` wrote, and refuses
 * to start without one, saying how to make it.
 */

/** The station's binding on a version-2 network; undefined in version 1. */
export async function startBinding(dataDir: string, params: ProtocolParams): Promise<SavedBinding | undefined> {
  if (params.protocolVersion !== 2) return undefined
  const identity = await loadOrCreateIdentity(dataDir)
  const binding = await readBinding(dataDir, identity.stationKey.stationId)
  if (!binding) {
    throw new CliError(
      `network ${params.network} runs protocol version 2: this station checks for no participant yet; bind it to a funded wallet with \`spark-swarm bind --participant 0x…\` (docs/operators.md, "Binding the station to a wallet") [BINDING_MISSING]`,
      EXIT.failure,
      'BINDING_MISSING',
    )
  }
  return binding
}
