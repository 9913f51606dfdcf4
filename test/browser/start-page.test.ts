import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StartedServer } from '@collectflow/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailability, launchBrowser } from './support/chromium.js';
import { serveApp } from './support/served-app.js';
import { poll } from './support/web-page.js';

const availability = browserAvailability();
const screenshots = join(import.meta.dirname, '..', '..', 'test-results');

describe.skipIf(!availability.run)('the web app in Chromium', () => {
  let server: StartedServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: 'admin password 1' });
    browser = await launchBrowser();
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the start page asks for a login, then renders the shell and the live system status', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url.replace('localhost', '127.0.0.1'));
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('admin password 1');
    await page.getByRole('button', { name: 'Log in' }).click();
    await poll(() => page.getByTestId('backend').textContent()).toBe('pglite');
    expect(await page.title()).toContain('collectflow');
    await page.screenshot({ path: join(screenshots, 'start-page.png') });
    expect(errors).toEqual([]);
  });

  it('the language switch turns the UI into Chinese and back', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url.replace('localhost', '127.0.0.1'));
    await page.getByText('中文').click();
    await poll(() => page.getByTestId('system-status').textContent()).toContain('系统状态');
    await page.getByText('EN', { exact: true }).click();
    await poll(() => page.getByTestId('system-status').textContent()).toContain('System status');
  });

  it('an unknown client route shows a not-found page with a way back', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url.replace('localhost', '127.0.0.1')}/no/such/page`);
    await poll(() => page.getByText('This page does not exist').count()).toBe(1);
    await page.getByRole('button', { name: 'Back to home' }).click();
    await poll(() => page.getByTestId('backend').count()).toBe(1);
  });
});
