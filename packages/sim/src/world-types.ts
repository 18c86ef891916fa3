import type { OutcomeFields } from './outcomes.js'
import type { ProviderModel } from './types.js'

/** What the simulated world knows of a provider: its model, identity, and the failures it draws from. */
export interface ProviderInfo {
  index: number
  model: ProviderModel
  minerId: string
  providerId: string
  providerAddress: string
  /** Per slot: 1 when the slot's inet group is blocked by this provider; null when none is. */
  blocked: Uint8Array | null
  ghost: boolean
  failures: OutcomeFields[]
  failureCumulative: number[]
  trueRate: number
}

/** A catalogue entry and the truth about its content. */
export interface Item {
  provider: ProviderInfo
  byteLength: number
  checksum: string
  /** What coordinated always-ok liars claim without retrieving: wrong, but the same for all of them. */
  fakeChecksum: string
}
