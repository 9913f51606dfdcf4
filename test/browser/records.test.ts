import { readFile } from 'node:fs/promises';
import type { StartedServer } from '@collectflow/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession } from './support/api-session.js';
import { browserAvailability, type IsolatingBrowser, launchIsolatingBrowser } from './support/chromium.js';
import { serveApp } from './support/served-app.js';
import { ADMIN_PASSWORD, USER_PASSWORD, visitNoteForm } from './support/web-fixtures.js';
import { logIn, openPage, poll } from './support/web-page.js';

const availability = browserAvailability();

describe.skipIf(!availability.run)('records in Chromium', () => {
  let server: StartedServer;
  let browser: IsolatingBrowser;
  let admin: ApiSession;
  let liaison: ApiSession;
  let base: string;

  beforeAll(async () => {
    server = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD });
    base = server.url.replace('localhost', '127.0.0.1');
    admin = await ApiSession.login(base, 'admin', ADMIN_PASSWORD);
    await admin.team('team-east', '华东组', 'East team');
    await admin.user('zhao.min', {
      displayName: 'Zhao Min',
      roles: ['liaison'],
      teamId: 'team-east',
      password: USER_PASSWORD,
    });
    await admin.publishForm(visitNoteForm);
    liaison = await ApiSession.login(base, 'zhao.min', USER_PASSWORD);
    browser = await launchIsolatingBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a record and edits it with the same renderer; a label with <script> is shown as text', async () => {
    const { page, errors, close } = await openPage(browser, 'records-create-edit');
    await logIn(page, base, 'zhao.min', USER_PASSWORD, '/forms');
    await page
      .getByRole('row', { name: /Visit note/ })
      .getByRole('button', { name: 'New record' })
      .click();
    await page.getByLabel('Case number').fill('DC-2026-000201');
    await page.getByLabel('Summary').fill('Met the debtor at home');
    // The label is the literal text, and its script never ran.
    await page.getByLabel('<script>window.__labelXss = 1</script>Visitor').fill('Zhao Min');
    expect(
      await page.evaluate(() => (window as unknown as { __labelXss?: number }).__labelXss),
    ).toBeUndefined();
    await page.getByLabel('Amount discussed').fill('1200.00');
    await page.getByRole('button', { name: 'Save' }).click();

    await poll(() => page.getByTestId('record-details').count()).toBe(1);
    const details = page.getByTestId('record-details');
    expect(await details.textContent()).toContain('Met the debtor at home');
    expect(await details.textContent()).toContain('<script>window.__labelXss = 1</script>Visitor');
    expect(await page.getByText('Version 1', { exact: true }).count()).toBe(1);

    await page.getByRole('button', { name: 'Edit' }).click();
    await poll(() => page.getByLabel('Summary').inputValue()).toBe('Met the debtor at home');
    await page.getByLabel('Summary').fill('Met the debtor at home; promised to pay on Friday');
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('Version 2', { exact: true }).count()).toBe(1);
    expect(await page.getByTestId('record-details').textContent()).toContain('promised to pay on Friday');
    expect(
      await page.evaluate(() => (window as unknown as { __labelXss?: number }).__labelXss),
    ).toBeUndefined();
    expect(errors).toEqual([]);
    await close();
  });

  it('a client-side problem is shown under its field before anything is sent', async () => {
    const { page, close } = await openPage(browser, 'records-client-validation');
    await logIn(page, base, 'zhao.min', USER_PASSWORD, '/forms/visit-note/new');
    await page.getByLabel('Case number').fill('DC-2026-000202');
    await page.getByLabel('Summary').fill('ok');
    await page.getByRole('button', { name: 'Save' }).click();
    const field = page.locator('.cf-field', { has: page.getByLabel('Summary') });
    await poll(() => field.locator('.cf-field-errors').textContent()).toContain('at least 3 characters');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('root_summary');
    await close();
  });

  it('an edit that lost the race shows the newer data and can be reapplied on top of it', async () => {
    const record = await liaison.createRecord('visit-note', {
      caseNumber: 'DC-2026-000203',
      summary: 'First visit',
    });
    const { page, errors, close } = await openPage(browser, 'records-conflict');
    await logIn(page, base, 'zhao.min', USER_PASSWORD, `/records/${record.id}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Summary').fill('First visit: nobody at home');

    // Someone else saves first.
    await admin.must('PUT', `/api/records/${record.id}`, {
      version: 1,
      data: { caseNumber: 'DC-2026-000203', summary: 'First visit (neighbour says moved away)' },
    });

    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByTestId('conflict').count()).toBe(1);
    expect(await page.getByTestId('conflict').textContent()).toContain(
      'You edited version 1; it is now at version 2',
    );
    expect(await page.getByTestId('newer-data').textContent()).toContain('neighbour says moved away');
    await page.getByRole('button', { name: 'Keep my changes on top of the newer version' }).click();
    await poll(() => page.getByLabel('Summary').inputValue()).toBe('First visit: nobody at home');
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('Version 3', { exact: true }).count()).toBe(1);
    const stored = await admin.must('GET', `/api/records/${record.id}`);
    expect(stored.data.summary).toBe('First visit: nobody at home');
    expect(errors).toEqual([]);
    await close();
  });

  it('lists records with a filter, a sort, pages and a CSV export, in both languages', async () => {
    for (let i = 1; i <= 23; i++) {
      await liaison.createRecord('visit-note', {
        caseNumber: `DC-2026-0003${String(i).padStart(2, '0')}`,
        summary: i % 2 ? `Visit ${i}: promised` : `Visit ${i}: refused`,
        amountDiscussed: `${i * 100}.00`,
      });
    }
    const { page, errors, close } = await openPage(browser, 'records-list');
    await logIn(page, base, 'zhao.min', USER_PASSWORD, '/forms/visit-note/records');
    const table = page.getByTestId('records-table');
    await poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(20);
    await page.getByRole('button', { name: /Next page/ }).click();
    await poll(() => table.locator('tbody tr.ant-table-row').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: /Previous page/ }).click();
    await poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(20);

    // Sort by amount, descending (two clicks on the column header), on the server.
    await page.getByRole('columnheader', { name: 'Amount discussed' }).click();
    await page.getByRole('columnheader', { name: 'Amount discussed' }).click();
    await poll(() => table.locator('tbody tr.ant-table-row').first().textContent()).toContain('2,300.00');

    // Filter: summary contains "refused".
    await page.getByLabel('Field', { exact: true }).click();
    await page.locator('.ant-select-item-option[title="Summary"]').click();
    await page.getByLabel('Condition').click();
    await page.locator('.ant-select-item-option[title="contains"]').click();
    await page.getByLabel('Value', { exact: true }).fill('refused');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(11);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const csv = await readFile(file, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toContain('"Summary"');
    expect(lines.slice(1).every((l) => l.includes('refused'))).toBe(true);

    await page.getByText('中文', { exact: true }).click();
    await poll(() => page.getByRole('columnheader', { name: '摘要' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '导出 CSV' }).count()).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });
});
