import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadOrCreateIdentity, saveBinding } from '@spark-swarm/node'
import { devnet, participantOfPrivateKey, presets, sha256, signBinding } from '@spark-swarm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { startBinding } from '../src/commands/start-binding.js'

describe('start on a version-2 network', () => {
  const dirs: string[] = []
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
  })

  it('reads the binding `spark-swarm bind` saved, and without one refuses, pointing at bind', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'spark-swarm-start-binding-'))
    dirs.push(dataDir)
    const v2 = presets['devnet-v2']
    expect(await startBinding(dataDir, devnet)).toBeUndefined()
    await expect(startBinding(dataDir, v2)).rejects.toThrow(
      /checks for no participant yet; bind it .*`spark-swarm bind --participant 0x…`.*\[BINDING_MISSING\]$/,
    )
    const key = sha256('start binding wallet')
    const { stationKey } = await loadOrCreateIdentity(dataDir)
    const binding = { network: v2.network, participant: participantOfPrivateKey(key), stationId: stationKey.stationId, fromRound: 0 }
    await saveBinding(dataDir, { binding, signature: signBinding(binding, key) }, stationKey.stationId)
    expect((await startBinding(dataDir, v2))?.binding).toEqual(binding)
  })
})
