import type { ProtocolParams } from '@spark-swarm/protocol'
import { bindingProblem, type SavedBinding } from './binding-file.js'
import { type ChainEligibility, createChainEligibility } from './chain-eligibility.js'

/*
 * What a node of a version-2 network (spec §13) checks with besides its station key: the binding
 * that says which participant it checks for, and the chain that says who is eligible. A version-1
 * node has neither.
 */

export interface NodeAdmission {
  binding: SavedBinding
  chain: ChainEligibility
}

/**
 * The node's admission for `params`: undefined in version 1; in version 2 both parts, or an error
 * naming what is missing and how to get it (thrown before anything is opened).
 */
export function nodeAdmissionOf(
  params: ProtocolParams,
  init: { binding?: SavedBinding; chainEligibility?: ChainEligibility; rpcUrl?: string },
): NodeAdmission | undefined {
  if (params.protocolVersion === 1) return undefined
  if (params.protocolVersion !== 2 || params.admission === undefined) {
    throw new Error(`this node runs protocol versions 1 and 2; version ${params.protocolVersion} is not supported by it`)
  }
  const missing = [
    ...(init.binding ? [] : ["the station's binding to a participant (create it with `spark-swarm bind`)"]),
    ...(init.chainEligibility || init.rpcUrl ? [] : ['a chain RPC to read deposits from (`--rpc`, a Lotus JSON-RPC URL)']),
  ]
  if (missing.length > 0 || !init.binding) {
    throw new Error(`network ${params.network} runs protocol version 2 (spec §13), which needs ${missing.join(' and ')}`)
  }
  if (init.binding.binding.network !== params.network) {
    throw new Error(
      `the station's binding is for network ${init.binding.binding.network}, not ${params.network}: bind again with \`spark-swarm bind\``,
    )
  }
  const chain = init.chainEligibility ?? createChainEligibility({ rpcUrl: init.rpcUrl as string, admission: params.admission })
  return { binding: init.binding, chain }
}

/** Throws when the binding names another station than the node's own (known once its identity is loaded). */
export function checkBindingOf(admission: NodeAdmission, stationId: string): void {
  const problem = bindingProblem(admission.binding, stationId)
  if (problem) throw new Error(`the station's binding is not usable: ${problem}; bind again with \`spark-swarm bind\``)
}
