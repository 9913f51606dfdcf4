import { join } from 'node:path';
import type { StartedServer } from '@collectflow/cli';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession, packForm } from './support/api-session.js';
import { browserAvailability, type IsolatingBrowser, launchIsolatingBrowser } from './support/chromium.js';
import { smallPdf } from './support/sample-files.js';
import { serveApp } from './support/served-app.js';
import { ADMIN_PASSWORD, debtCase, debtorOf, USER_PASSWORD } from './support/web-fixtures.js';
import { logIn, openPage, poll, SCREENSHOTS } from './support/web-page.js';

const availability = browserAvailability();
const CASE = 'DC-2026-000777';

/** A Windows program's first bytes ("MZ" header), named as what it is. */
const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120)]);

/** Text with Intl's no-break spaces as plain ones. */
const text = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

const bellLabel = (page: Page) => page.getByTestId('notification-bell').getAttribute('aria-label');

describe.skipIf(!availability.run)('team collaboration in Chromium', () => {
  let server: StartedServer;
  let browser: IsolatingBrowser;
  let admin: ApiSession;
  let base: string;
  let caseId: string;

  beforeAll(async () => {
    server = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD });
    base = server.url.replace('localhost', '127.0.0.1');
    admin = await ApiSession.login(base, 'admin', ADMIN_PASSWORD);
    await admin.team('team-east', '华东组', 'East team');
    await admin.team('team-west', '华西组', 'West team');
    await admin.team('team-legal', '法务组', 'Legal team');
    await admin.user('li.na', {
      displayName: 'Li Na',
      roles: ['liaison'],
      teamId: 'team-east',
      password: USER_PASSWORD,
    });
    await admin.user('zhang.fa', {
      displayName: 'Zhang Fa',
      roles: ['legal'],
      teamId: 'team-legal',
      password: USER_PASSWORD,
    });
    // A liaison of another team: cannot see the case, so the @ picker must not offer them.
    await admin.user('wang.west', {
      displayName: 'Wang West',
      roles: ['liaison'],
      teamId: 'team-west',
      password: USER_PASSWORD,
    });
    const bossId = await admin.user('boss.east', {
      displayName: 'Chen Boss',
      roles: ['manager'],
      teamId: 'team-east',
      password: USER_PASSWORD,
    });
    for (const key of [
      'debtor',
      'debt-case',
      'contact-attempt',
      'promise-to-pay',
      'payment',
      'dispute',
      'legal-action',
    ])
      await admin.ensureForm(packForm(key));
    caseId = (await admin.createRecord('debt-case', debtCase(CASE), { ownerTeamId: 'team-east' })).id;
    await admin.createRecord('debtor', debtorOf(CASE), { ownerTeamId: 'team-east' });
    const period = new Date().toISOString().slice(0, 7);
    await admin.must('PUT', '/api/teams/team-east/commission-rule', {
      rule: {
        method: 'marginal',
        tiers: [
          { from: '0', percent: '2' },
          { from: '50000', percent: '3.5' },
        ],
      },
    });
    await admin.must('PUT', '/api/targets', {
      period,
      targets: [
        { scope: 'team', subjectId: 'team-east', amount: '200000.00' },
        { scope: 'user', subjectId: bossId, amount: '1000.00' },
      ],
    });
    browser = await launchIsolatingBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a liaison mentions the legal advisor; the advisor follows the notification, attaches a PDF, and the liaison sees it on the timeline', async () => {
    const liaison = await openPage(browser, 'collab-liaison', { viewport: { width: 1366, height: 768 } });
    const advisor = await openPage(browser, 'collab-advisor', { viewport: { width: 1366, height: 768 } });

    // The liaison writes a comment and picks the legal advisor with the @ picker.
    await logIn(liaison.page, base, 'li.na', USER_PASSWORD, `/cases/${caseId}`);
    const box = liaison.page.getByTestId('comments').locator('textarea');
    await poll(() => box.count()).toBe(1);
    await box.click();
    await box.pressSequentially('@');
    const options = liaison.page.getByTestId('mention-option');
    await poll(() => options.filter({ hasText: 'Zhang Fa' }).count()).toBe(1);
    // Only people who can see the case are offered.
    expect(await options.filter({ hasText: 'Wang West' }).count()).toBe(0);
    await box.pressSequentially('Zha');
    await poll(() => options.count()).toBe(1);
    await options.filter({ hasText: 'Zhang Fa' }).click();
    await poll(() => box.inputValue()).toBe('@zhang.fa ');
    await box.pressSequentially('please review this case for legal action');
    await liaison.page.getByTestId('comment-post').click();
    await poll(() => liaison.page.getByText('Comment saved · 1 notified').count()).toBe(1);
    await poll(() => liaison.page.getByTestId('comment').count()).toBe(1);
    expect(await liaison.page.getByTestId('comment').textContent()).toContain(
      '@zhang.fa please review this case for legal action',
    );
    await poll(() => liaison.page.getByTestId('timeline').textContent()).toContain('Li Na commented');
    expect(await box.inputValue()).toBe('');

    // The legal advisor logs in and sees the bell's unread count.
    await logIn(advisor.page, base, 'zhang.fa', USER_PASSWORD, '/');
    await poll(() => bellLabel(advisor.page)).toBe('Notifications (1 unread)');
    expect(await advisor.page.getByTestId('notification-count').textContent()).toContain('1');
    // The liaison wrote it and is not notified of their own mention.
    expect(await bellLabel(liaison.page)).toBe('Notifications (0 unread)');

    await advisor.page.getByTestId('notification-bell').click();
    const item = advisor.page.getByTestId('notification-panel').getByTestId('notification');
    await poll(() => item.count()).toBe(1);
    expect(await item.getAttribute('data-kind')).toBe('mention');
    expect(await item.textContent()).toContain(`Li Na mentioned you on ${CASE}`);
    expect(await item.textContent()).toContain('Mention');
    await advisor.page.screenshot({ path: join(SCREENSHOTS, 'collab-bell.en.png') });
    await item.click();

    // It opens the case, and it is read now.
    await poll(() => new URL(advisor.page.url()).pathname).toBe(`/cases/${caseId}`);
    await poll(() => bellLabel(advisor.page)).toBe('Notifications (0 unread)');
    await poll(() => advisor.page.getByTestId('comment').textContent()).toContain('please review this case');

    // A program is refused, with a message that says why.
    const fileInput = advisor.page.getByTestId('attachments').locator('input[type=file]');
    await fileInput.setInputFiles({ name: 'invoice.exe', mimeType: 'application/x-msdownload', buffer: exe });
    await poll(() => advisor.page.getByTestId('attachment-error').count()).toBe(1);
    const refusal = await advisor.page.getByTestId('attachment-error').textContent();
    expect(refusal).toContain('invoice.exe was not uploaded');
    expect(refusal).toContain('invoice.exe is an executable program; programs cannot be attached');
    expect(await advisor.page.getByTestId('attachment-list').textContent()).toContain('No attachments yet');

    // A PDF is attached, listed with its size, and previewed in the page.
    const pdf = smallPdf();
    await fileInput.setInputFiles({ name: 'demand-letter.pdf', mimeType: 'application/pdf', buffer: pdf });
    await poll(() => advisor.page.getByText('demand-letter.pdf uploaded').count()).toBe(1);
    expect(await advisor.page.getByTestId('attachment-error').count()).toBe(0);
    const list = advisor.page.getByTestId('attachment-list');
    await poll(() => list.textContent()).toContain('demand-letter.pdf');
    expect(await list.textContent()).toContain(`${pdf.length} B`);
    expect(await list.textContent()).toContain('Zhang Fa');
    const previewResponse = advisor.page.waitForResponse((r) => r.url().includes('/content?inline=1'));
    await advisor.page.getByRole('button', { name: 'Preview demand-letter.pdf' }).click();
    const shown = await previewResponse;
    expect(shown.status()).toBe(200);
    expect(shown.headers()['content-type']).toBe('application/pdf');
    expect(shown.headers()['content-disposition']).toMatch(/^inline;/);
    await poll(() => advisor.page.getByTestId('attachment-preview').getAttribute('src')).toMatch(
      /^\/api\/attachments\/[0-9a-f-]+\/content\?inline=1$/,
    );
    await advisor.page.locator('.ant-modal-close').click();
    await poll(() => advisor.page.getByTestId('attachment-preview').count()).toBe(0);

    // The liaison sees it on the case timeline, and may download it.
    await liaison.page.reload();
    const timeline = liaison.page.getByTestId('timeline');
    await poll(() => timeline.textContent()).toContain('Zhang Fa attached demand-letter.pdf');
    expect(await timeline.textContent()).toContain('Li Na commented');
    const link = timeline.getByRole('link', { name: 'demand-letter.pdf' });
    const href = await link.getAttribute('href');
    const download = await liaison.page.request.get(`${base}${href}`);
    expect(download.status()).toBe(200);
    expect(Buffer.from(await download.body()).equals(pdf)).toBe(true);
    await liaison.page.screenshot({ path: join(SCREENSHOTS, 'collab-case.en.png'), fullPage: true });

    expect(liaison.errors).toEqual([]);
    expect(advisor.errors).toEqual([]);
    await liaison.close();
    await advisor.close();
  }, 180_000);

  it('the author edits a comment, its history shows the earlier text, and deletes it', async () => {
    const { page, errors, close } = await openPage(browser, 'collab-edit', {
      viewport: { width: 1366, height: 768 },
    });
    await logIn(page, base, 'li.na', USER_PASSWORD, `/cases/${caseId}`);
    const box = page.getByTestId('comments').locator('textarea').last();
    await poll(() => page.getByTestId('comment').count()).toBe(1);
    // An empty comment is refused in the page, before any request.
    await page.getByTestId('comment-post').click();
    await poll(() => page.getByText('A comment cannot be empty').count()).toBe(1);

    await box.fill('first draft');
    await page.getByTestId('comment-post').click();
    await poll(() => page.getByTestId('comment').count()).toBe(2);
    const draft = page.getByTestId('comment').filter({ hasText: 'first draft' });
    await poll(() => draft.count()).toBe(1);
    const mine = page.locator(`[data-comment-id="${await draft.getAttribute('data-comment-id')}"]`);
    await mine.getByRole('button', { name: 'Edit' }).click();
    const editor = mine.locator('textarea');
    await editor.fill('second text');
    await mine.getByRole('button', { name: 'Save' }).click();
    const edited = page.getByTestId('comment').filter({ hasText: 'second text' });
    await poll(() => edited.count()).toBe(1);
    await edited.getByRole('button', { name: '(edited)' }).click();
    const history = page.getByRole('dialog');
    await poll(() => history.textContent()).toContain('first draft');
    expect(await history.textContent()).toContain('Version 1');
    expect(await history.textContent()).toContain('second text');
    await history.getByRole('button', { name: 'Close' }).click();
    await poll(() => history.count()).toBe(0);

    await edited.getByRole('button', { name: 'Delete' }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /OK|Yes|确定/ })
      .click();
    await poll(() => page.getByTestId('comment').filter({ hasText: 'second text' }).count()).toBe(0);
    expect(await page.getByTestId('comment').count()).toBe(1);
    // The timeline keeps its place without the text.
    const timeline = page.getByTestId('timeline');
    await poll(() => timeline.textContent()).toContain('A comment by Li Na was deleted');
    expect(await timeline.textContent()).not.toContain('second text');
    expect(errors).toEqual([]);
    await close();
  }, 180_000);

  it('performance pages, notification settings and the case look right at 1366x768 in both languages', async () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const { page, errors, close } = await openPage(browser, `collab-look-${locale}`, {
        viewport: { width: 1366, height: 768 },
        locale,
      });
      await logIn(page, base, 'boss.east', USER_PASSWORD, '/performance');
      await poll(() => page.getByTestId('perf-collected').count()).toBe(1);
      expect(text(await page.getByTestId('perf-collected').textContent())).toContain(
        locale === 'en' ? 'CNY 1,000.00' : '¥1,000.00',
      );
      await page.screenshot({ path: join(SCREENSHOTS, `collab-my-performance.${locale}.png`) });

      await page.getByRole('link', { name: locale === 'en' ? 'Team review' : '团队业绩' }).click();
      await poll(() => page.getByTestId('team-members').count()).toBe(1);
      await poll(async () => text(await page.getByTestId('team-totals').textContent())).toContain(
        locale === 'en' ? 'CNY 200,000.00' : '¥200,000.00',
      );
      expect(await page.getByTestId('commission-rule').textContent()).toContain('3.5%');
      await page.screenshot({ path: join(SCREENSHOTS, `collab-team-review.${locale}.png`) });
      if (locale === 'en') {
        // The manager sets Li Na's target; a bad amount is refused in the form.
        await page.getByRole('button', { name: 'Set targets' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Li Na').fill('12,5');
        await dialog.getByRole('button', { name: 'Save' }).click();
        await poll(() => dialog.locator('.ant-form-item-explain-error').count()).toBe(1);
        await dialog.getByLabel('Li Na').fill('30000.50');
        await dialog.getByRole('button', { name: 'Save' }).click();
        await poll(() => page.getByText('Targets saved').count()).toBe(1);
        const row = page.getByTestId('team-members').locator('tr').filter({ hasText: 'Li Na' });
        await poll(async () => text(await row.textContent())).toContain('CNY 30,000.50');
      }

      await page.goto(`${base}/notifications?tab=preferences`);
      await poll(() => page.getByTestId('notification-preferences').count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, `collab-preferences.${locale}.png`) });

      await page.goto(`${base}/cases/${caseId}`);
      await poll(() => page.getByTestId('attachment-list').textContent()).toContain('demand-letter.pdf');
      await page.screenshot({ path: join(SCREENSHOTS, `collab-case.${locale}.png`) });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(1366);
      expect(errors).toEqual([]);
      await close();
    }
  }, 180_000);

  it('a collector without audit.view has no team review, and turning mentions off is kept', async () => {
    const { page, errors, close } = await openPage(browser, 'collab-prefs', {
      viewport: { width: 1366, height: 768 },
    });
    await logIn(page, base, 'zhang.fa', USER_PASSWORD, '/notifications?tab=preferences');
    expect(await page.getByRole('link', { name: 'Team review' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'My performance' }).count()).toBe(1);
    const mention = page.getByRole('switch', { name: 'Mention: In the app' });
    await poll(() => mention.getAttribute('aria-checked')).toBe('true');
    await mention.click();
    await poll(() => page.getByText('Notification settings saved').count()).toBe(1);
    await page.reload();
    await poll(() =>
      page.getByRole('switch', { name: 'Mention: In the app' }).getAttribute('aria-checked'),
    ).toBe('false');
    const prefs = await ApiSession.login(base, 'zhang.fa', USER_PASSWORD);
    expect((await prefs.must('GET', '/api/notifications/preferences')).inApp.mention).toBe(false);
    expect(errors).toEqual([]);
    await close();
  }, 180_000);
});
