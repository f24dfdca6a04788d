import fs from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

/** Debian's chromium (`.ci/run` installs it when missing); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Headless Chromium. playwright-core starts it with a fresh temporary profile (its own
 * --user-data-dir, removed on close) and downloads nothing: the browser is the system's.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(`no browser at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}

/** A separate browser profile in the same browser: its own storage, like another device. */
export function newDevice(browser: Browser, viewport = { width: 1600, height: 1000 }): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale: "ru-RU", timezoneId: "Asia/Almaty" });
}
