import type { RoundVerification } from '@spark-swarm/protocol'

/**
 * The first line `verify` prints. A summary block that is missing or does not decode leaves the
 * round and network unknown: say so in words (the problems below say why) rather than print
 * "round null of null".
 */
export function verdictLine(result: RoundVerification): string {
  const verdict = result.ok ? 'verified' : 'NOT verified'
  if (result.round === null) return `${verdict}: summary ${result.summaryCid} cannot be read, so its round and network are unknown`
  return `${verdict}: round ${result.round} of ${result.network}, summary ${result.summaryCid}`
}
