import { execFile } from 'node:child_process'
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createCheckerNode, StoreError } from '@spark-swarm/node'
import { devnet } from '@spark-swarm/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN } from './cli.js'

/*
 * A data dir the node cannot write: the library's start() and `spark-swarm start` fail at once
 * with DATA_DIR_NOT_WRITABLE, naming the dir and saying what to do, and leave nothing behind.
 * Root ignores permission bits, so when the tests run as root the read-only case runs in a child
 * process as nobody (uid 65534) on a dir that nobody owns; the "parent is a regular file" case
 * stops root as well.
 */

const NODE_ENTRY = pathToFileURL(fileURLToPath(new URL('../packages/node/dist/index.js', import.meta.url))).href
const NOBODY = 65534
const asRoot = process.getuid?.() === 0
let dir: string
let catalogue: string

const CATALOGUE = { entries: [{ cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', minerId: 'f01000', providerId: 'x' }] }

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spark-swarm-data-dir-'))
  await chmod(dir, 0o755) // nobody must reach the dirs below
  catalogue = join(dir, 'catalogue.json')
  await writeFile(catalogue, JSON.stringify(CATALOGUE), { mode: 0o644 })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A data dir the test's user (or nobody, for root) may read but not write. */
async function readOnlyDir(name: string): Promise<string> {
  const path = join(dir, name)
  await mkdir(path)
  if (asRoot) await chown(path, NOBODY, NOBODY)
  await chmod(path, 0o500)
  return path
}

/** A data dir whose parent is a regular file: nobody, root included, can create it. */
async function dirUnderAFile(name: string): Promise<string> {
  const file = join(dir, `${name}.file`)
  await writeFile(file, 'not a directory\n')
  return join(file, 'data')
}

function nodeInit(dataDir: string) {
  return { dataDir, params: devnet, catalogue: CATALOGUE, indexerUrl: 'http://127.0.0.1:9', inetGroup: '192.0.2.0/24' }
}

const LIBRARY_START = `
const { createCheckerNode } = await import(process.argv[1])
const node = createCheckerNode(JSON.parse(process.argv[2]))
try { await node.start(); console.log(JSON.stringify({ started: true })); await node.stop() }
catch (err) { console.log(JSON.stringify({ name: err.name, code: err.code, path: err.path, message: err.message })) }
`

/** Runs a node process, as nobody when the tests run as root (so that permissions apply). */
function run(args: string[], { asNobody }: { asNobody: boolean }) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const ids = asNobody ? { uid: NOBODY, gid: NOBODY } : {}
    execFile(process.execPath, args, { timeout: 20_000, ...ids }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('a data dir the node cannot write', () => {
  it('library: start() on a read-only data dir fails with DATA_DIR_NOT_WRITABLE naming the dir', async () => {
    const dataDir = await readOnlyDir('lib-ro')
    let result: { name?: string; code?: string; path?: string; message?: string; started?: boolean }
    if (asRoot) {
      const out = await run(['--input-type=module', '-e', LIBRARY_START, NODE_ENTRY, JSON.stringify(nodeInit(dataDir))], { asNobody: true })
      result = JSON.parse(out.stdout.trim())
    } else {
      result = await createCheckerNode(nodeInit(dataDir))
        .start()
        .then(() => ({ started: true }))
        .catch((err: StoreError) => ({ name: err.name, code: err.code, path: err.path, message: err.message }))
    }
    expect(result).toMatchObject({ name: 'StoreError', code: 'DATA_DIR_NOT_WRITABLE', path: dataDir })
    expect(result.message).toContain(dataDir)
    expect(result.message).toMatch(/EACCES.*writable data dir/)
    await chmod(dataDir, 0o700)
    expect(await readdir(dataDir)).toEqual([]) // no key, no database, no probe file left
  })

  it('library: start() on a data dir under a regular file fails with DATA_DIR_NOT_WRITABLE naming the dir', async () => {
    const dataDir = await dirUnderAFile('lib-file')
    const err = await createCheckerNode(nodeInit(dataDir))
      .start()
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(err).toBeInstanceOf(StoreError)
    expect(err).toMatchObject({ code: 'DATA_DIR_NOT_WRITABLE', path: dataDir })
    expect((err as Error).message).toContain(dataDir)
    expect((err as Error).message).toMatch(/ENOTDIR|EEXIST/)
  })

  it('spark-swarm start on a read-only data dir or one under a file: exit 1, the dir and the code on stderr', async () => {
    for (const [dataDir, asNobody] of [
      [await readOnlyDir('cli-ro'), asRoot],
      [await dirUnderAFile('cli-file'), false],
    ] as const) {
      const args = [BIN, 'start', '--data-dir', dataDir, '--network', 'devnet', '--catalogue', catalogue, '--api-port', '0']
      const { code, stdout, stderr } = await run(args, { asNobody })
      expect(code, stderr).toBe(1)
      expect(stdout).toBe('')
      expect(stderr).toContain(`spark-swarm: the data dir could not be written to ${dataDir}`)
      expect(stderr).toMatch(/writable data dir.*\[DATA_DIR_NOT_WRITABLE\]/)
      expect(stderr).not.toMatch(/unexpected error|at .*\.js:\d+/) // a message, not a stack trace
    }
  })
})
