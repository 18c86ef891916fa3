import {
  type CheckOutcome,
  createBitswapFetcher,
  createRetrievalChecker,
  createRpcMinerResolver,
  createStaticMinerResolver,
  type MinerResolver,
} from '@spark-swarm/node'
import { describeResult } from '@spark-swarm/protocol'
import { CHECK_EXIT, DEFAULT_INDEXER_URL, DEFAULT_RPC_URL } from './check-defaults.js'

export interface CheckCommandOptions {
  indexer: string
  rpc: string
  rpcToken?: string
  providerId?: string
  bitswap: boolean
  idleTimeout?: number
  hardTimeout?: number
  maxBytes?: number
  json?: boolean
}

function reproduceCommand(cid: string, minerId: string, opts: CheckCommandOptions): string {
  const parts = ['spark-swarm check', cid, minerId]
  if (opts.indexer !== DEFAULT_INDEXER_URL) parts.push('--indexer', opts.indexer)
  if (opts.rpc !== DEFAULT_RPC_URL) parts.push('--rpc', opts.rpc)
  if (opts.providerId) parts.push('--provider-id', opts.providerId)
  if (!opts.bitswap) parts.push('--no-bitswap')
  return parts.join(' ')
}

/**
 * One retrieval check from the command line, the way every checker node performs it: what a
 * storage provider runs to see why its content fails, step by step.
 */
export async function runCheck(
  cid: string,
  minerId: string,
  opts: CheckCommandOptions,
  write: (line: string) => void,
): Promise<{ exitCode: number; outcome: CheckOutcome }> {
  const minerResolver: MinerResolver = opts.providerId
    ? createStaticMinerResolver({ [minerId]: opts.providerId })
    : createRpcMinerResolver({ rpcUrl: opts.rpc, ...(opts.rpcToken ? { token: opts.rpcToken } : {}) })
  const bitswap = opts.bitswap ? await createBitswapFetcher() : undefined
  try {
    const checker = createRetrievalChecker(
      {
        ...(opts.idleTimeout !== undefined ? { idleTimeoutMs: opts.idleTimeout } : {}),
        ...(opts.hardTimeout !== undefined ? { hardTimeoutMs: opts.hardTimeout } : {}),
        ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
      },
      { minerResolver, indexerUrl: opts.indexer, ...(bitswap ? { bitswap } : {}) },
    )
    const outcome = await checker.check({ cid, minerId })
    const exitCode =
      outcome.kind === 'no-measurement'
        ? CHECK_EXIT.noMeasurement
        : outcome.fields.retrievalResult === 'OK'
          ? CHECK_EXIT.ok
          : CHECK_EXIT.failed
    if (opts.json) {
      write(JSON.stringify({ cid, minerId, ...outcome, reproduce: reproduceCommand(cid, minerId, opts) }, null, 2))
      return { exitCode, outcome }
    }
    write(`checking ${cid} at ${minerId}`)
    for (const s of outcome.steps) write(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(15)} ${String(s.ms).padStart(6)} ms  ${s.detail}`)
    if (outcome.kind === 'no-measurement') {
      write(`result: no measurement (${outcome.detail})`)
      write('the provider is not at fault: its peer id could not be looked up; check --rpc or pass --provider-id')
    } else {
      const f = outcome.fields
      const info = describeResult(f.retrievalResult)
      write(`result: ${f.retrievalResult}${info ? ` (${info.description}${info.countsTowardRsr ? '' : ' Not counted toward RSR.'})` : ''}`)
      if (f.retrievalResult === 'OK')
        write(`  ${f.byteLength} bytes, checksum ${f.carChecksum}, first byte after ${(f.firstByteAt ?? 0) - (f.startAt ?? 0)} ms`)
    }
    write(`reproduce: ${reproduceCommand(cid, minerId, opts)}`)
    return { exitCode, outcome }
  } finally {
    await bitswap?.stop()
  }
}
