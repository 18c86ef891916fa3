import { writeFile } from 'node:fs/promises'
import { type BuiltCatalogue, buildCatalogueFromChain, type CatalogueProgress, RetrievalError } from '@spark-swarm/node'
import { catalogueCid } from '@spark-swarm/protocol'
import { CliError, EXIT } from '../cli-error.js'
import { catalogueText } from './catalogue-text.js'

export interface CatalogueBuildOptions {
  rpc?: string
  rpcToken?: string
  out?: string
  json?: boolean
}

/** What `--json` prints: enough to compare two builds and to see why deals were left out. */
export interface CatalogueBuildStats {
  height: number
  dealsRead: number
  kept: number
  dropped: Record<string, number>
  /** Verified-registry claims (DDO, and verified market deals' own): none becomes an entry, each is counted by why. */
  claimsRead: number | null
  claimsDropped: Record<string, number>
  /** Only when the endpoint would not give the claims: why (claimsRead is then null). */
  claimsUnread?: string
  miners: number
  minersWithoutPeerId: number
  catalogueCid: string
}

/**
 * `spark-swarm catalogue build`: a catalogue of the chain's eligible deals (docs/operators.md,
 * "A catalogue from the chain"). The catalogue goes to --out or stdout; progress and the summary
 * to stderr, so stdout stays one document (the catalogue, or with --json the stats).
 */
export async function runCatalogueBuild(
  opts: CatalogueBuildOptions,
  write: (text: string) => void,
  progress: (line: string) => void,
): Promise<void> {
  if (!opts.rpc)
    throw new CliError('catalogue build needs --rpc <lotus-url> (or SPARK_SWARM_RPC_URL), e.g. https://api.node.glif.io/rpc/v1')
  if (opts.json && !opts.out) throw new CliError('--json prints the stats on stdout: give --out <file> for the catalogue')
  const rpcUrl = opts.rpc
  if (!isHttpUrl(rpcUrl))
    throw new CliError(`--rpc ${rpcUrl} is not an http(s) URL: give a Lotus endpoint, e.g. https://api.node.glif.io/rpc/v1`)
  let built: BuiltCatalogue
  try {
    built = await buildCatalogueFromChain({
      rpcUrl,
      ...(opts.rpcToken ? { token: opts.rpcToken } : {}),
      onProgress: progressPrinter(progress),
    })
  } catch (err) {
    throw chainError(rpcUrl, err)
  }
  if (built.tasks.length === 0) {
    throw new CliError(
      `no deal on ${rpcUrl} at height ${built.height} is eligible (${built.dealsRead} read, ${describeDrops(built.dropped)}); a catalogue cannot be empty`,
      EXIT.failure,
      'CATALOGUE_EMPTY',
    )
  }
  const cid = (await catalogueCid(built.catalogue)).toString()
  const text = catalogueText(built.catalogue)
  if (opts.out) {
    try {
      await writeFile(opts.out, text)
    } catch (err) {
      throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`, EXIT.failure)
    }
  } else write(text)
  const stats: CatalogueBuildStats = {
    height: built.height,
    dealsRead: built.dealsRead,
    kept: built.tasks.length,
    dropped: built.dropped,
    claimsRead: built.claimsRead,
    claimsDropped: built.claimsDropped,
    ...(built.claimsUnread ? { claimsUnread: built.claimsUnread } : {}),
    miners: built.miners,
    minersWithoutPeerId: built.minersWithoutPeerId,
    catalogueCid: cid,
  }
  if (opts.json) write(`${JSON.stringify(stats, null, 2)}\n`)
  progress(
    `catalogue ${cid}: ${stats.kept} entries from ${stats.dealsRead} deals at height ${stats.height} (${describeDrops(stats.dropped)}); ${claimsSummary(stats)}; ${stats.minersWithoutPeerId} of ${stats.miners} miners without a peer id`,
  )
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol)
  } catch {
    return false
  }
}

function claimsSummary(stats: CatalogueBuildStats): string {
  return stats.claimsRead === null ? 'claims not read' : `${stats.claimsRead} claims, none an entry (${describeDrops(stats.claimsDropped)})`
}

function describeDrops(dropped: Record<string, number>): string {
  const parts = Object.entries(dropped).map(([reason, n]) => `${n} ${reason}`)
  return parts.length === 0 ? 'none dropped' : `dropped: ${parts.join(', ')}`
}

/** A progress line per phase, and for the long reads one per 64 MiB of deals or claims and 10% of miners. */
function progressPrinter(line: (text: string) => void): (p: CatalogueProgress) => void {
  let nextBytes = 64 * 1024 * 1024
  let nextClaimBytes = 64 * 1024 * 1024
  let nextMinerTenth = 1
  return (p) => {
    if (p.phase === 'head') line(`chain head at height ${p.height}; reading the market's deals (StateMarketDeals)…`)
    else if (p.phase === 'deals' && p.bytes >= nextBytes) {
      line(`read ${Math.floor(p.bytes / (1024 * 1024))} MiB of deals…`)
      nextBytes += 64 * 1024 * 1024
    } else if (p.phase === 'selected')
      line(`${p.dealsRead} deals read, ${p.kept} tasks kept; reading the verified registry's claims (StateGetAllClaims)…`)
    else if (p.phase === 'claims' && p.bytes >= nextClaimBytes) {
      line(`read ${Math.floor(p.bytes / (1024 * 1024))} MiB of claims…`)
      nextClaimBytes += 64 * 1024 * 1024
    } else if (p.phase === 'claims-counted')
      line(
        p.unread
          ? `claims not read (${p.unread}): the catalogue is the deals' alone; reading miners' peer ids (StateMinerInfo)…`
          : `${p.claimsRead} claims read; reading miners' peer ids (StateMinerInfo)…`,
      )
    else if (p.phase === 'miners' && p.done * 10 >= nextMinerTenth * p.total) {
      line(`miners ${p.done}/${p.total}`)
      while (p.done * 10 >= nextMinerTenth * p.total && nextMinerTenth <= 10) nextMinerTenth++
    }
  }
}

/** An RPC failure as the operator should read it: what went wrong, and what to try. */
function chainError(rpcUrl: string, err: unknown): Error {
  if (!(err instanceof RetrievalError)) return err as Error
  const message = err.message
  if (err.meta.retryable === true) {
    return new CliError(
      `cannot read the chain from ${rpcUrl}: ${message}; check that --rpc is a reachable Lotus JSON-RPC endpoint (e.g. https://api.node.glif.io/rpc/v1) and try again`,
      EXIT.failure,
      'CHAIN_UNREACHABLE',
    )
  }
  return new CliError(
    `${rpcUrl} did not answer as a Lotus full node: ${message}; check that --rpc points at Lotus' /rpc/v1 (or /rpc/v0) and that the node serves the state methods`,
    EXIT.failure,
    'CHAIN_BAD_ANSWER',
  )
}
