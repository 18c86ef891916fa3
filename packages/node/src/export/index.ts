export { ExportError, exportRoundCar } from './export-round.js'
