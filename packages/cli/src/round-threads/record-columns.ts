import { fromHex, type MeasurementRecord, type SignedMeasurement, toHex } from '@spark-swarm/protocol'

/*
 * Records on their way from a reading thread to the main thread, as columns. A structured clone of
 * measurement objects cost both threads 8–12 µs a record, and the main thread then interned their
 * strings again, all while the reading threads wanted both cores. Here a thread numbers each
 * distinct string once (a round has far fewer station ids, tasks and groups than measurements) and
 * sends the numbers in typed arrays, moved without a copy; the main thread keeps the columns and
 * rebuilds a record only when the evaluation reads it.
 */

/** A record's string fields, in column order; null is −1. The binding signature travels as its hex. */
const TEXT = [
  'network',
  'taskCid',
  'taskMinerId',
  'stationId',
  'inetGroup',
  'checkerVersion',
  'retrievalResult',
  'indexerResult',
  'protocol',
  'providerId',
  'providerAddress',
  'carChecksum',
  'participant',
  'bindingSignature',
] as const
const T = Object.fromEntries(TEXT.map((name, i) => [name, i])) as Record<(typeof TEXT)[number], number>

/** A record's numbers, in column order; null is NaN (never a valid integer). */
const NUMBERS = [
  'protocolVersion',
  'round',
  'statusCode',
  'headStatusCode',
  'byteLength',
  'startAt',
  'firstByteAt',
  'endAt',
  'bindingFromRound',
] as const
const N = Object.fromEntries(NUMBERS.map((name, i) => [name, i])) as Record<(typeof NUMBERS)[number], number>

const TIMEOUT = 1
const CAR_TOO_LARGE = 2
const SIGNATURE_VALID = 4
const VERSION_2 = 8

/** One batch: the strings the thread met first in it, and each record's fields by number. */
export interface RecordColumns {
  length: number
  /** Appended, in order, to the strings of the thread's earlier batches. */
  strings: string[]
  cids: string[]
  text: Int32Array
  numbers: Float64Array
  flags: Uint8Array
}

/** The buffers of a batch, for `postMessage`'s transfer list. */
export const columnBuffers = (c: RecordColumns): ArrayBuffer[] => [c.text.buffer, c.numbers.buffer, c.flags.buffer] as ArrayBuffer[]

/** A reading thread's side: records in, batches out. */
export class RecordColumnsWriter {
  private readonly numbering = new Map<string, number>()
  private strings: string[] = []
  private cids: string[] = []
  private text: Int32Array
  private numbers: Float64Array
  private flags: Uint8Array

  /** `batch`: records per batch; the columns are made that long once. */
  constructor(private readonly batch: number) {
    this.text = new Int32Array(batch * TEXT.length)
    this.numbers = new Float64Array(batch * NUMBERS.length)
    this.flags = new Uint8Array(batch)
  }

  get length(): number {
    return this.cids.length
  }

  private number(s: string | null | undefined): number {
    if (s === null || s === undefined) return -1
    let n = this.numbering.get(s)
    if (n === undefined) {
      n = this.numbering.size
      this.numbering.set(s, n)
      this.strings.push(s)
    }
    return n
  }

  /** `valid`: whether the signature is the station's. The signature itself is not sent. */
  push(cid: string, m: SignedMeasurement, valid: boolean): void {
    const i = this.cids.length
    if (i === this.batch) throw new Error('a full batch: take() it first')
    const v2 = m.bindingSignature !== undefined
    this.cids.push(cid)
    const x = this.text
    const t = i * TEXT.length
    x[t + T.network] = this.number(m.network)
    x[t + T.taskCid] = this.number(m.task.cid)
    x[t + T.taskMinerId] = this.number(m.task.minerId)
    x[t + T.stationId] = this.number(m.stationId)
    x[t + T.inetGroup] = this.number(m.inetGroup)
    x[t + T.checkerVersion] = this.number(m.checkerVersion)
    x[t + T.retrievalResult] = this.number(m.retrievalResult)
    x[t + T.indexerResult] = this.number(m.indexerResult)
    x[t + T.protocol] = this.number(m.protocol)
    x[t + T.providerId] = this.number(m.providerId)
    x[t + T.providerAddress] = this.number(m.providerAddress)
    x[t + T.carChecksum] = this.number(m.carChecksum)
    x[t + T.participant] = this.number(m.participant)
    x[t + T.bindingSignature] = v2 ? this.number(toHex(m.bindingSignature as Uint8Array)) : -1
    const y = this.numbers
    const n = i * NUMBERS.length
    const num = (v: number | null | undefined) => (v === null || v === undefined ? Number.NaN : v)
    y[n + N.protocolVersion] = m.protocolVersion
    y[n + N.round] = m.round
    y[n + N.statusCode] = num(m.statusCode)
    y[n + N.headStatusCode] = num(m.headStatusCode)
    y[n + N.byteLength] = num(m.byteLength)
    y[n + N.startAt] = num(m.startAt)
    y[n + N.firstByteAt] = num(m.firstByteAt)
    y[n + N.endAt] = num(m.endAt)
    y[n + N.bindingFromRound] = num(m.bindingFromRound)
    this.flags[i] = (m.timeout ? TIMEOUT : 0) | (m.carTooLarge ? CAR_TOO_LARGE : 0) | (valid ? SIGNATURE_VALID : 0) | (v2 ? VERSION_2 : 0)
  }

  /** The records pushed since the last batch, in columns of their own, and the strings new in them. */
  take(): RecordColumns {
    const length = this.cids.length
    const batch: RecordColumns = {
      length,
      strings: this.strings,
      cids: this.cids,
      text: this.text.slice(0, length * TEXT.length),
      numbers: this.numbers.slice(0, length * NUMBERS.length),
      flags: this.flags.slice(0, length),
    }
    this.strings = []
    this.cids = []
    return batch
  }
}

// shared by every record rebuilt: the evaluation never reads signatures once they are judged
const NO_SIGNATURE = new Uint8Array(0)

/** The main thread's side, one per reading thread: batches in, records out, in the thread's order. */
export class RecordColumnsReader {
  private readonly strings: string[] = []
  private readonly batches: RecordColumns[] = []
  // one array per distinct binding signature, as the strings are shared
  private readonly bindings = new Map<number, Uint8Array>()
  length = 0

  add(batch: RecordColumns): void {
    for (const s of batch.strings) this.strings.push(s)
    this.batches.push({ ...batch, strings: [] })
    this.length += batch.length
  }

  /** Every record, rebuilt as the reading thread validated it, but for its signature (left out). */
  *records(): Generator<MeasurementRecord> {
    const str = this.strings
    const text = (t: Int32Array, at: number): string | null => {
      const n = t[at] as number
      return n < 0 ? null : (str[n] as string)
    }
    const num = (x: number): number | null => (Number.isNaN(x) ? null : x)
    for (const b of this.batches) {
      for (let i = 0; i < b.length; i++) {
        const t = i * TEXT.length
        const n = i * NUMBERS.length
        const flags = b.flags[i] as number
        const x = b.text
        const y = b.numbers
        const measurement: SignedMeasurement = {
          protocolVersion: y[n + N.protocolVersion] as number,
          network: text(x, t + T.network) as string,
          round: y[n + N.round] as number,
          task: { cid: text(x, t + T.taskCid) as string, minerId: text(x, t + T.taskMinerId) as string },
          stationId: text(x, t + T.stationId) as string,
          inetGroup: text(x, t + T.inetGroup) as string,
          checkerVersion: text(x, t + T.checkerVersion) as string,
          indexerResult: text(x, t + T.indexerResult),
          protocol: text(x, t + T.protocol),
          providerId: text(x, t + T.providerId),
          providerAddress: text(x, t + T.providerAddress),
          statusCode: num(y[n + N.statusCode] as number),
          headStatusCode: num(y[n + N.headStatusCode] as number),
          timeout: (flags & TIMEOUT) !== 0,
          carTooLarge: (flags & CAR_TOO_LARGE) !== 0,
          byteLength: num(y[n + N.byteLength] as number),
          carChecksum: text(x, t + T.carChecksum),
          startAt: num(y[n + N.startAt] as number),
          firstByteAt: num(y[n + N.firstByteAt] as number),
          endAt: num(y[n + N.endAt] as number),
          retrievalResult: text(x, t + T.retrievalResult) as string,
        } as SignedMeasurement
        if ((flags & VERSION_2) !== 0) {
          // added in `signedView`'s order: records of a version share one hidden class
          const hex = x[t + T.bindingSignature] as number
          let binding = this.bindings.get(hex)
          if (binding === undefined) {
            binding = fromHex(str[hex] as string)
            this.bindings.set(hex, binding)
          }
          measurement.participant = text(x, t + T.participant) as string
          measurement.bindingFromRound = y[n + N.bindingFromRound] as number
          measurement.bindingSignature = binding
        }
        measurement.signature = NO_SIGNATURE
        yield { cid: b.cids[i] as string, measurement, signatureValid: (flags & SIGNATURE_VALID) !== 0 }
      }
    }
  }
}
