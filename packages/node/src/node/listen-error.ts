/** Stable codes of ListenError: callers branch on them. */
export type ListenErrorCode =
  /** A libp2p listen address's port is taken (EADDRINUSE). */
  | 'LISTEN_ADDRESS_IN_USE'
  /** A libp2p listen address cannot be listened on for another reason (not this host's address, no permission). */
  | 'LISTEN_ADDRESS_FAILED'
  /** The status server's port is taken. */
  | 'STATUS_PORT_IN_USE'
  /** The status server cannot listen for another reason. */
  | 'STATUS_LISTEN_FAILED'

/**
 * A node part could not listen where it was told to. `message` names the address and what to do;
 * `address` is the multiaddr or host:port. Whatever the node had started is stopped again.
 */
export class ListenError extends Error {
  override readonly name = 'ListenError'

  constructor(
    readonly code: ListenErrorCode,
    readonly address: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
  }
}

/**
 * libp2p's UnsupportedListenAddressesError as a ListenError naming the first address that failed,
 * or undefined for any other error. libp2p carries the addresses only in its message, one
 * `  <multiaddr>: <error>` line each, with advice (`transportManager.faultTolerance`) meant for
 * the embedding developer, not for the operator.
 */
export function libp2pListenError(err: unknown): ListenError | undefined {
  if (!(err instanceof Error) || err.name !== 'UnsupportedListenAddressesError') return undefined
  const failed = err.message.match(/^\s+(\/\S+): (.*)$/m)
  const address = failed?.[1] ?? '(unknown address)'
  const why = failed?.[2] ?? err.message
  if (why.includes('EADDRINUSE')) {
    return new ListenError(
      'LISTEN_ADDRESS_IN_USE',
      address,
      `libp2p cannot listen on ${address}: the port is in use (another node?): stop what holds it, or pass another --listen`,
      { cause: err },
    )
  }
  return new ListenError(
    'LISTEN_ADDRESS_FAILED',
    address,
    `libp2p cannot listen on ${address} (${why.replace(/^Error: /, '')}): pass an address of this host with --listen`,
    { cause: err },
  )
}
