import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { createBrotliDecompress } from 'node:zlib'

/*
 * The Chromium that `npm install` brings: `@sparticuz/chromium` ships a headless Chromium for
 * x86-64 Linux in its npm tarball (brotli files), with the shared libraries it needs that a bare
 * Debian lacks (NSS, NSPR: its `al2023` set), fonts and a software GL. The package unpacks them
 * only on AWS Lambda and into /tmp; this unpacks all of them once into the repository's
 * node_modules/.cache, so that a machine without a browser runs the browser tests with nothing
 * installed by hand.
 */

const require = createRequire(import.meta.url)
/** The package's directory: its entry is `build/cjs/index.cjs` (its exports hide package.json). */
function packageDir(): string {
  let dir = dirname(require.resolve('@sparticuz/chromium'))
  while (!existsSync(join(dir, 'bin', 'chromium.br'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('@sparticuz/chromium has no bin/chromium.br: run `npm install`')
    dir = up
  }
  return dir
}
const PACKAGE = packageDir()
const CACHE = fileURLToPath(new URL('../node_modules/.cache/spark-swarm-chromium/', import.meta.url))

/** Decompresses one brotli file to `to`. */
async function unbrotli(from: string, to: string): Promise<void> {
  await pipeline(createReadStream(from), createBrotliDecompress(), createWriteStream(to))
}

/** Unpacks a brotli tarball into `dir` with the system's tar (every Linux has one), from a file: tar stops reading at the archive's end. */
async function untar(from: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  const tarFile = `${dir}.tar`
  await unbrotli(from, tarFile)
  const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    const tar = spawn('tar', ['-x', '-f', tarFile, '-C', dir], { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    tar.stderr.on('data', (chunk) => {
      err += chunk
    })
    tar.on('error', reject)
    tar.on('close', (c) => resolve({ code: c ?? 1, stderr: err }))
  })
  await rm(tarFile, { force: true })
  if (code !== 0) throw new Error(`tar -x of ${from} failed (${code}): ${stderr.trim()}`)
}

/**
 * Unpacks the package into `dir`: chromium and the software GL side by side, as Chromium looks
 * for them. `final` is where `dir` will be renamed to, which the font configuration names.
 */
async function unpack(dir: string, final: string): Promise<void> {
  const bin = join(PACKAGE, 'bin')
  await unbrotli(join(bin, 'chromium.br'), join(dir, 'chromium'))
  await chmod(join(dir, 'chromium'), 0o755)
  await untar(join(bin, 'swiftshader.tar.br'), dir)
  await untar(join(bin, 'al2023.tar.br'), join(dir, 'al2023'))
  await untar(join(bin, 'fonts.tar.br'), join(dir, 'fonts'))
  // the package's fonts.conf names Lambda's directories (/var/task, /tmp/fonts): name ours
  const conf = `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(final, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(final, 'fonts', 'cache')}</cachedir>\n</fontconfig>\n`
  await writeFile(join(dir, 'fonts', 'fonts.conf'), conf)
}

/**
 * The bundled Chromium's path and the environment it needs (its libraries first on the library
 * path, its fonts). Unpacked once per package version; test files run in parallel, so each
 * unpacks into a directory of its own and renames it into place, and a loser of that race uses
 * the winner's.
 */
export async function bundledChromium(): Promise<{ executablePath: string; env: Record<string, string> }> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the bundled Chromium is for x86-64 Linux, not ${process.platform}/${process.arch}: install Chromium at /usr/bin/chromium`,
    )
  }
  const { version } = JSON.parse(await readFile(join(PACKAGE, 'package.json'), 'utf8')) as { version: string }
  const dir = join(CACHE, version)
  if (!existsSync(join(dir, 'chromium'))) {
    await mkdir(CACHE, { recursive: true })
    const scratch = await mkdtemp(join(CACHE, `.unpack-${version}-`))
    try {
      await unpack(scratch, dir)
      await rename(scratch, dir).catch((err: NodeJS.ErrnoException) => {
        // another test file unpacked it first: keep theirs
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err
      })
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  }
  return {
    executablePath: join(dir, 'chromium'),
    env: {
      LD_LIBRARY_PATH: [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: join(dir, 'fonts'),
    },
  }
}
