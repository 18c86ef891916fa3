/**
 * Gossip: topics, message validation (measurements, attestations) and the gossipsub service.
 */
export * from './context.js'
export * from './errors.js'
export * from './gossipsub.js'
export * from './ignore-budget.js'
export * from './register-validators.js'
export * from './topics.js'
export * from './validate-attestation.js'
export * from './validate-measurement.js'
