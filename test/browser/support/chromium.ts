import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether browser tests can run. Outside CI a missing Chromium skips them, loudly; in CI
 * (CI set) a missing Chromium fails them, because a skipped browser suite proves nothing.
 */
export function browserAvailability(): { run: boolean; reason?: string } {
  if (existsSync(CHROMIUM_PATH)) return { run: true };
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(`browser tests must run in CI, but there is ${reason}`);
  process.stderr.write(`\n!!! BROWSER TESTS SKIPPED: ${reason} !!!\n\n`);
  return { run: false, reason };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium with a fresh profile, so no test sees another's cookies or storage. */
export async function launchBrowser(options: { locale?: string } = {}): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'collectflow-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1366, height: 768 },
    locale: options.locale ?? 'en-US',
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface IsolatingBrowser {
  /** A new context (its own cookies and storage, like a fresh profile) with one page. */
  newContext(options?: {
    locale?: string;
    viewport?: { width: number; height: number };
  }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * The same Chromium, launched so that each test can open several independent contexts: two users
 * at once, or a fresh session per test without sharing cookies and local storage.
 */
export async function launchIsolatingBrowser(): Promise<IsolatingBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
  return {
    newContext: (options = {}) =>
      browser.newContext({
        viewport: options.viewport ?? { width: 1366, height: 768 },
        locale: options.locale ?? 'en-US',
      }),
    close: () => browser.close(),
  };
}
