import { type Browser, chromium } from 'playwright-core'

/** Debian's Chromium, which `.ci/run` installs; playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Headless Chromium as the machine allows it: no sandbox (root), no GPU, and none of the
 * background connections a closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
