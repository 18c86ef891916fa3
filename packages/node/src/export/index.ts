export { ExportError, exportRoundCar } from './export-round.js'
export { type Block, paramsCid, type ReadBlock, roundBlocks } from './round-blocks.js'
