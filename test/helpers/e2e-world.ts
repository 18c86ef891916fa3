import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type OutsideWorld, startOutsideWorld } from '@spark-swarm/devnet'
import { afterAll, beforeAll } from 'vitest'

export interface E2eWorld {
  /** The file's temp dir (data dirs, configs, catalogues), removed after its tests. */
  readonly dir: string
  /** The outside world on loopback: one healthy provider f01000, IPNI and Lotus. */
  readonly world: OutsideWorld
}

/**
 * What most e2e files start with: a temp dir and an outside world, made before the file's tests and
 * taken down after them. `stop` comes first then, for what the tests started (nodes, trackers),
 * so that nothing outlives the world it talks to.
 */
export function e2eWorld(init: { name: string; seed: string; blocksPerProvider: number; stop?: () => Promise<void> }): E2eWorld {
  let dir: string | undefined
  let world: OutsideWorld | undefined
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `spark-swarm-${init.name}-`))
    world = await startOutsideWorld({
      seed: init.seed,
      blocksPerProvider: init.blocksPerProvider,
      providers: [{ minerId: 'f01000', profile: { kind: 'healthy' } }],
    })
  }, 30_000)
  afterAll(async () => {
    try {
      await init.stop?.()
    } finally {
      await world?.stop()
      if (dir) await rm(dir, { recursive: true, force: true })
    }
  }, 30_000)
  return {
    get dir() {
      if (dir === undefined) throw new Error('e2eWorld: dir is made in beforeAll')
      return dir
    },
    get world() {
      if (world === undefined) throw new Error('e2eWorld: the world is started in beforeAll')
      return world
    },
  }
}
