import { FILECOIN_ADMISSION, type ProtocolParams } from '@spark-swarm/protocol'
import { describe, expect, it } from 'vitest'
import { TypedEventTarget } from '../src/index.js'
import { createAdmissionReader } from '../src/node/admission/chain-watch.js'
import { LocalFaults } from '../src/node/health/local-faults.js'
import { params as v1 } from './helpers/node-fixtures.js'

const params: ProtocolParams = { ...v1, protocolVersion: 2, admission: FILECOIN_ADMISSION }

describe('the chain as the node reads it (version 2)', () => {
  it('a failed read sets LOTUS_UNREACHABLE once and throws; the next read that succeeds clears it', async () => {
    let down = true
    let reads = 0
    const chain = {
      snapshot: async (_at: number, participants: Iterable<string>) => {
        reads++
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:1234')
        return { height: 10, eligible: new Set(participants) }
      },
      depositAtHead: async () => {
        throw new Error('the reader never asks the head')
      },
      depositAt: async () => {
        throw new Error('the reader never asks a height')
      },
      known: () => false,
      eligibleKnown: () => [],
    }
    const events = new TypedEventTarget()
    const changes: string[] = []
    events.addEventListener('local-fault', (e) => changes.push(`${e.detail.state} ${e.detail.code}`))
    const faults = new LocalFaults(events, () => 0)
    const reader = createAdmissionReader(params, chain, faults, new AbortController().signal)

    await expect(reader.snapshot(3, ['0xa'])).rejects.toThrow(/ECONNREFUSED/)
    // a burst for one participant is one read
    await Promise.allSettled([reader.eligible(3, '0xb'), reader.eligible(3, '0xb')])
    expect([reads, faults.has('LOTUS_UNREACHABLE')]).toEqual([2, true])
    down = false
    expect(await reader.eligible(4, '0xb')).toBe(true)
    expect(changes).toEqual(['set LOTUS_UNREACHABLE', 'cleared LOTUS_UNREACHABLE'])
  })
})
