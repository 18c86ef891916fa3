export { BINDING_FILE, bindingProblem, readBinding, type SavedBinding, saveBinding } from './binding-file.js'
export { type ChainEligibility, type ChainEligibilityInit, createChainEligibility } from './chain-eligibility.js'
