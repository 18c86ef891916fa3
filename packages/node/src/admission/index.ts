export { type ChainEligibility, type ChainEligibilityInit, createChainEligibility, type EligibilitySnapshot } from './chain-eligibility.js'
