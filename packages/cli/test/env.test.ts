import { describe, expect, it } from 'vitest'
import { ENV_KEYS, readCliEnv } from '../src/config/env.js'

describe('readCliEnv', () => {
  it('reads the variables the commands honour, and nothing else', () => {
    const env = readCliEnv({
      SPARK_SWARM_DATA_DIR: '/var/lib/spark-swarm',
      SPARK_SWARM_INDEXER_URL: 'http://127.0.0.1:3000',
      SPARK_SWARM_RPC_TOKEN: '',
      SPARK_SWARM_API_PORT: '9191',
      HOME: '/home/someone',
    })
    expect(env.dataDir).toBe('/var/lib/spark-swarm')
    expect(env.indexerUrl).toBe('http://127.0.0.1:3000')
    // an empty value is set: the flag's default becomes ''
    expect(env.rpcToken).toBe('')
    expect(env.rpcUrl).toBeUndefined()
    expect(env.api).toBeUndefined()
    expect(Object.keys(env.nodeConfig).sort()).toEqual(Object.keys(ENV_KEYS).sort())
    expect(env.nodeConfig.SPARK_SWARM_API_PORT).toBe('9191')
    expect(env.nodeConfig).not.toHaveProperty('HOME')
  })
})
