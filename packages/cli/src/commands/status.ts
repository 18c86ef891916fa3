import type { CheckerNodeStatus } from '@spark-swarm/node'
import { CliError, EXIT } from '../cli-error.js'

/** Where the node's inet group came from, as `status` says it (spec §5.5). */
const INET_GROUP_SOURCE: Record<string, string> = {
  configured: 'set by --inet-group',
  observed: 'observed by peers',
  unknown: 'until peers in two networks agree on it',
}

/** `spark-swarm status`: asks a running node's status API (127.0.0.1 by default). */
export async function runStatus(opts: { api: string; json?: boolean }, write: (line: string) => void): Promise<void> {
  const url = `${opts.api.replace(/\/$/, '')}/api/status`
  let status: CheckerNodeStatus
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) })
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    status = (await res.json()) as CheckerNodeStatus
  } catch (err) {
    throw new CliError(
      `no node answers at ${url} (${(err as Error).message}): is \`spark-swarm start\` running, and on which --api-port?`,
      EXIT.failure,
    )
  }
  if (opts.json) {
    write(JSON.stringify(status, null, 2))
    return
  }
  const left = Math.max(0, Math.round((status.roundEndsAt - Date.now()) / 1000))
  write(`node ${status.peerId} on ${status.network}${status.outdated ? '  OUTDATED: update this checker' : ''}`)
  write(`round ${status.round} (${left} s left), ${status.peers} peers, ${status.jobsCompleted} checks done`)
  write(`inet group ${status.inetGroup ?? 'not set'} (${INET_GROUP_SOURCE[status.inetGroupSource] ?? 'source not given'})`)
  write(`reachability: ${status.reachability.summary}`)
  for (const t of status.tasks)
    write(`  task …${t.cid.slice(-12)} ${t.minerId.padEnd(10)} ${t.status.padEnd(15)} ${t.retrievalResult ?? ''}`)
  const last = status.rounds[0]
  if (last) {
    const confirmed = last.committees.filter((c) => c.confirmed).length
    write(`last anchored round ${last.round}: summary ${last.summaryCid}, ${last.committees.length} committees (${confirmed} confirmed)`)
  }
}
