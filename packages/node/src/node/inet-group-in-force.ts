import { UNKNOWN_INET_GROUP } from '@spark-swarm/protocol'

/** Where the group in force came from: the operator, the peers' observations (spec §5.5), or neither yet. */
export type InetGroupSource = 'configured' | 'observed' | 'unknown'

/**
 * The inet group this node signs into its measurements. A configured one is final (the operator's
 * override); otherwise `unknown` until peers agree, then the last group they agreed on: it does not
 * revert when they leave, since the node's address did not change because they did (spec §5.5).
 */
export class InetGroupInForce {
  #group: string
  #source: InetGroupSource

  constructor(configured: string | undefined) {
    this.#group = configured ?? UNKNOWN_INET_GROUP
    this.#source = configured === undefined ? 'unknown' : 'configured'
  }

  get group(): string {
    return this.#group
  }

  get source(): InetGroupSource {
    return this.#source
  }

  /** Takes the group the observations agree on; true when that changed the group in force. */
  adopt(group: string): boolean {
    if (this.#source === 'configured' || (this.#source === 'observed' && group === this.#group)) return false
    this.#group = group
    this.#source = 'observed'
    return true
  }
}
