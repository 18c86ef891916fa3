import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const shim = fileURLToPath(new URL('../bin/spark-swarm.js', import.meta.url))
const hook = new URL('../bin/undici-7-on-node-20.js', import.meta.url).href
const dirs: string[] = []
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))))

// bin/undici-7-on-node-20.js: on Node 20 an installed CLI must not load @libp2p/http's undici 8
describe('the bin shim and its Node-20 undici hook', () => {
  it('the committed bin runs the built CLI', async () => {
    const { stdout } = await run(process.execPath, [shim, '--help'])
    expect(stdout).toMatch(/^Usage: spark-swarm/)
  })

  it('resolves `undici`, imported from a package with an undici of its own, to the CLI package’s', async () => {
    // a consumer's tree: a package with a nested undici that is not the one the CLI depends on
    const dir = await mkdtemp(join(tmpdir(), 'undici-hook-'))
    dirs.push(dir)
    const pkg = join(dir, 'node_modules', 'needs-undici')
    await mkdir(join(pkg, 'node_modules', 'undici'), { recursive: true })
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'needs-undici', type: 'module', exports: './index.js' }))
    await writeFile(
      join(pkg, 'index.js'),
      "export { Agent } from 'undici'\nexport * as subpath from 'undici/package.json' with { type: 'json' }\n",
    )
    const nested = join(pkg, 'node_modules', 'undici')
    await writeFile(
      join(nested, 'package.json'),
      JSON.stringify({ name: 'undici', version: '8.0.0-nested', exports: { '.': './index.js', './package.json': './package.json' } }),
    )
    await writeFile(join(nested, 'index.js'), "exports.Agent = 'the nested one'\n")
    const consumer = pathToFileURL(join(pkg, 'index.js')).href
    const script = (withHook: boolean) => `
      import { register } from 'node:module'
      ${withHook ? `register(${JSON.stringify(hook)})` : ''}
      const { Agent, subpath } = await import(${JSON.stringify(consumer)})
      console.log(JSON.stringify({ agent: typeof Agent, version: subpath.default.version }))`
    const without = await run(process.execPath, ['--input-type=module', '-e', script(false)])
    expect(JSON.parse(without.stdout)).toEqual({ agent: 'string', version: '8.0.0-nested' })
    const withHook = await run(process.execPath, ['--input-type=module', '-e', script(true)])
    // the repository's undici, the one packages/cli depends on (package.json: 7.30.2)
    expect(JSON.parse(withHook.stdout)).toEqual({ agent: 'function', version: '7.30.2' })
  })
})
