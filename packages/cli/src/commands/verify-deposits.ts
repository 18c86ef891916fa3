import { createChainEligibility } from '@spark-swarm/node'
import { type RoundVerification, roundStartTime } from '@spark-swarm/protocol'
import { CliError, EXIT } from '../cli-error.js'

/**
 * `verify --rpc`: the one part of a version-2 round the blocks cannot show, whether the
 * participants the summary lists as eligible held the deposit at its height (spec §13.7), read
 * from Lotus. Each one that did not is a problem; the offline note is replaced by what was read.
 */
export async function checkDeposits(result: RoundVerification, rpc: { rpcUrl: string; token?: string }): Promise<RoundVerification> {
  const { admission, params } = result
  if (!admission || !params?.admission || result.round === null) return result
  const chain = createChainEligibility({ rpcUrl: rpc.rpcUrl, ...(rpc.token ? { token: rpc.token } : {}), admission: params.admission })
  let eligible: ReadonlySet<string>
  try {
    ;({ eligible } = await chain.snapshot(roundStartTime(params, result.round), admission.eligible))
  } catch (err) {
    throw new CliError(
      `cannot read deposits from ${rpc.rpcUrl}: ${(err as Error).message}; check --rpc, or verify without it`,
      EXIT.failure,
    )
  }
  const short = admission.eligible.filter((p) => !eligible.has(p))
  const problems = [
    ...result.problems,
    ...short.map(
      (p) =>
        `participant ${p} is listed eligible but held less than ${params.admission?.minDepositAttoFil} attoFIL at height ${admission.height}`,
    ),
  ]
  const notes = result.notes.filter((n) => !n.startsWith('the deposits of'))
  notes.push(
    `deposits read from ${rpc.rpcUrl}: ${admission.eligible.length - short.length} of ${admission.eligible.length} listed participants held one at height ${admission.height}`,
  )
  return { ...result, problems, notes, ok: result.ok && short.length === 0 }
}
