import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { bundledChromium } from './bundled-chromium.js'

/** The system's Chromium, used where it is installed (Debian's package puts it here). */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium'

/**
 * Which Chromium the browser tests drive: `SPARK_SWARM_TEST_CHROMIUM=bundled` forces the one
 * shipped in the npm package `@sparticuz/chromium` (CI does, to prove a machine without a browser
 * needs nothing installed by hand), `=system` forces the system's; by default the system's where
 * present, else the bundled one. playwright-core never downloads a browser.
 */
async function pickChromium(): Promise<{ executablePath: string; env?: Record<string, string> }> {
  const choice = process.env.SPARK_SWARM_TEST_CHROMIUM ?? 'auto'
  if (choice === 'system' || (choice === 'auto' && existsSync(SYSTEM_CHROMIUM))) return { executablePath: SYSTEM_CHROMIUM }
  if (choice !== 'bundled' && choice !== 'auto') {
    throw new Error(`SPARK_SWARM_TEST_CHROMIUM=${choice}: use "bundled", "system" or leave it unset`)
  }
  return bundledChromium()
}

/**
 * Headless Chromium as the machine allows it: no sandbox (root), no GPU, and none of the
 * background connections a closed network refuses.
 */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, env } = await pickChromium()
  return chromium.launch({
    executablePath,
    ...(env ? { env: { ...process.env, ...env } } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
