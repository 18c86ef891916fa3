/** The networks the demo runs: version 2 (admission by deposit, spec §13) by default, or version 1. */
export const DEMO_NETWORKS = ['devnet-v2', 'devnet'] as const
export type DemoNetwork = (typeof DEMO_NETWORKS)[number]
