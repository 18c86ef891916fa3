export * from './evaluate.js'
export * from './measurement.js'
export * from './participant-address.js'
export * from './round.js'
