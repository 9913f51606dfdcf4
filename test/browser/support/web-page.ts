import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type ExpectStatic, expect, onTestFailed } from 'vitest';
import type { IsolatingBrowser } from './chromium.js';

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', '..', 'test-results');

/**
 * A fresh page (own cookies: a new browser context) that saves a screenshot into test-results/
 * when the test using it fails, and collects uncaught page errors.
 */
export async function openPage(
  browser: IsolatingBrowser,
  name: string,
  options: { locale?: string; viewport?: { width: number; height: number } } = {},
): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  onTestFailed(async () => {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.failed.png`), fullPage: true }).catch(() => {});
  });
  return { page, errors, close: () => context.close() };
}

/** Logs in through the login page, in whichever language the page shows. */
export async function logIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  path = '/',
): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel(/^(User name|用户名)$/).fill(username);
  await page.getByLabel(/^(Password|密码)$/).fill(password);
  await page.getByRole('button', { name: /^(Log in|登录)$/ }).click();
  await poll(() => page.getByTestId('current-user').count()).toBe(1);
}

/** Presses Tab until the focused element satisfies `match` (keyboard-only navigation). */
export async function tabTo(
  page: Page,
  match: (el: { id: string; text: string; label: string; tag: string; type: string }) => boolean,
  max = 60,
): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const label = el?.id
        ? (document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent ?? '')
        : '';
      return {
        id: el?.id ?? '',
        text: (el?.textContent ?? '').trim(),
        label: label.replace(/^\*/, '').trim() || (el?.closest('label')?.textContent ?? '').trim(),
        tag: el?.tagName.toLowerCase() ?? '',
        type: (el as HTMLInputElement | null)?.type ?? '',
      };
    });
    if (match(focused)) return;
  }
  throw new Error('Tab never reached the wanted element');
}

/**
 * expect.poll with room for a loaded 2-core machine: the UI gets 20 s to reach the state (a wait,
 * never an assertion about time).
 */
export const poll: ExpectStatic['poll'] = (fn, options) =>
  expect.poll(fn, { timeout: 20_000, interval: 100, ...(typeof options === 'object' ? options : {}) });
