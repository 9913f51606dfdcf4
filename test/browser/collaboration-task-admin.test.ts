import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { StartedServer } from '@collectflow/cli';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiSession } from './support/api-session.js';
import { browserAvailability, type IsolatingBrowser, launchIsolatingBrowser } from './support/chromium.js';
import { smallPdf } from './support/sample-files.js';
import { serveApp } from './support/served-app.js';
import {
  ADMIN_PASSWORD,
  setUpCallFlow,
  startCall,
  USER_PASSWORD,
  type WebWorld,
} from './support/web-fixtures.js';
import { logIn, openPage, poll, SCREENSHOTS } from './support/web-page.js';

const availability = browserAvailability();

/** A form of non-case records, for files on a record's own page. */
const visitReportForm = {
  key: 'visit-report',
  title: { 'zh-CN': '外访报告', en: 'Visit report' },
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['address'],
    properties: {
      address: {
        type: 'string',
        title: 'Address',
        'x-i18n': { 'zh-CN': { title: '地址' }, en: { title: 'Address' } },
      },
    },
  },
};

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Text with Intl's no-break spaces as plain ones. */
const text = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

/** A team-chat robot stand-in: /ok answers like a WeCom robot, /down like a broken one. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
async function chatRobot(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/ok')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      } else {
        res.writeHead(500).end('robot is down');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** The error antd shows under the form field labelled `label`, within `scope`. */
const fieldError = (page: Page, scope: Locator, label: string) =>
  scope
    .locator('.ant-form-item')
    .filter({ has: page.getByLabel(label, { exact: true }) })
    // A message being replaced fades out beside its successor: only the one staying counts.
    .locator('.ant-form-item-explain-error:not([class*="-leave"])');

/**
 * Waits for antd's motion to end (loading veils, dialogs opening or closing, field messages
 * fading in) so a screenshot shows the page as the user sees it once it is still.
 */
async function settled(page: Page): Promise<void> {
  await poll(() =>
    page.evaluate(() => {
      const moving = [
        ...document.querySelectorAll(
          '.ant-spin-spinning, .ant-spin-blur, [class*="-appear-active"], [class*="-enter-active"], [class*="-leave-active"]',
        ),
      ];
      const fading = [
        ...document.querySelectorAll('.ant-form-item-explain-error, .ant-message-notice'),
      ].filter((e) => getComputedStyle(e).opacity !== '1');
      // Hidden parts (a closed dialog kept rendered) never finish their motion; they are not seen.
      // A button's spinner shrinking away can stall at width 0 (antd): nothing to see there either.
      return [...moving, ...fading]
        .filter((e) => e.checkVisibility() && !e.classList.contains('ant-btn-loading-icon'))
        .map((e) => e.className);
    }),
  ).toEqual([]);
}

describe.skipIf(!availability.run)('task conversations, webhooks and commission rules in Chromium', () => {
  let server: StartedServer;
  let browser: IsolatingBrowser;
  let world: WebWorld;
  let admin: ApiSession;
  let base: string;
  let taskId: string;
  let robot: Awaited<ReturnType<typeof chatRobot>>;

  beforeAll(async () => {
    // Webhook sends and SLA sweeps every second, so a queued test message goes out promptly.
    const before = process.env.COLLECTFLOW_COLLABORATION_INTERVAL_SECONDS;
    process.env.COLLECTFLOW_COLLABORATION_INTERVAL_SECONDS = '1';
    try {
      server = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD });
    } finally {
      if (before === undefined) delete process.env.COLLECTFLOW_COLLABORATION_INTERVAL_SECONDS;
      else process.env.COLLECTFLOW_COLLABORATION_INTERVAL_SECONDS = before;
    }
    base = server.url.replace('localhost', '127.0.0.1');
    world = await setUpCallFlow(base);
    admin = world.admin;
    await admin.user('wu.east', {
      displayName: 'Wu East',
      roles: ['liaison'],
      teamId: 'team-east',
      password: USER_PASSWORD,
    });
    await admin.user('boss.east', {
      displayName: 'Chen Boss',
      roles: ['manager'],
      teamId: 'team-east',
      password: USER_PASSWORD,
    });
    taskId = (await startCall(admin, 'DC-2026-000901', false)).taskIds[0]!;
    robot = await chatRobot();
    browser = await launchIsolatingBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => robot?.server.close(resolve));
  });

  it("on the task page a liaison mentions a colleague and attaches a PDF; the colleague follows the notification to the task's thread and file", async () => {
    const liaison = await openPage(browser, 'task-collab-liaison', {
      viewport: { width: 1366, height: 768 },
    });
    const colleague = await openPage(browser, 'task-collab-colleague', {
      viewport: { width: 1366, height: 768 },
    });
    await logIn(liaison.page, base, world.liaison.username, USER_PASSWORD, `/tasks/${taskId}`);
    // Below the form: it loads when scrolled to.
    await liaison.page.getByTestId('task-conversation').scrollIntoViewIfNeeded();
    const comments = liaison.page.getByTestId('comments');
    await poll(() => comments.textContent()).toContain('No comments yet');
    const box = comments.locator('textarea');
    await box.click();
    await box.pressSequentially('@Wu');
    const option = liaison.page.getByTestId('mention-option').filter({ hasText: 'Wu East' });
    await poll(() => option.count()).toBe(1);
    await option.click();
    await poll(() => box.inputValue()).toBe('@wu.east ');
    await box.pressSequentially('the debtor asks for a call after 6pm');
    await liaison.page.getByTestId('comment-post').click();
    await poll(() => liaison.page.getByText('Comment saved · 1 notified').count()).toBe(1);
    await poll(() => comments.getByTestId('comment').textContent()).toContain(
      '@wu.east the debtor asks for a call after 6pm',
    );

    const pdf = smallPdf();
    const files = liaison.page.getByTestId('attachments');
    await files.locator('input[type=file]').setInputFiles({
      name: 'payment-plan.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    await poll(() => liaison.page.getByText('payment-plan.pdf uploaded').count()).toBe(1);
    await poll(() => files.getByTestId('attachment-list').textContent()).toContain('payment-plan.pdf');
    // Stored on the task itself, where the API lists it.
    const onTask = await admin.must('GET', `/api/tasks/${taskId}/attachments`);
    expect(onTask.items.map((a: { fileName: string; subject: unknown }) => [a.fileName, a.subject])).toEqual([
      ['payment-plan.pdf', { type: 'task', id: taskId }],
    ]);
    // A full-page shot from the top, where the sticky header belongs.
    await liaison.page.evaluate(() => window.scrollTo(0, 0));
    await settled(liaison.page);
    await liaison.page.screenshot({ path: join(SCREENSHOTS, 'collab-task.en.png'), fullPage: true });

    // The colleague's bell leads to the task, where the comment and the file are.
    await logIn(colleague.page, base, 'wu.east', USER_PASSWORD, '/');
    await poll(() => colleague.page.getByTestId('notification-bell').getAttribute('aria-label')).toBe(
      'Notifications (1 unread)',
    );
    await colleague.page.getByTestId('notification-bell').click();
    const item = colleague.page.getByTestId('notification-panel').getByTestId('notification');
    await poll(() => item.count()).toBe(1);
    await item.click();
    await poll(() => new URL(colleague.page.url()).pathname).toBe(`/tasks/${taskId}`);
    await colleague.page.getByTestId('task-conversation').scrollIntoViewIfNeeded();
    await poll(() => colleague.page.getByTestId('comment').textContent()).toContain('after 6pm');
    const list = colleague.page.getByTestId('attachment-list');
    await poll(() => list.textContent()).toContain('payment-plan.pdf');
    const shown = colleague.page.waitForResponse((r) => r.url().includes('/content?inline=1'));
    await colleague.page.getByRole('button', { name: 'Preview payment-plan.pdf' }).click();
    expect((await shown).headers()['content-type']).toBe('application/pdf');
    await colleague.page.locator('.ant-modal-close').click();
    // Not the colleague's file: no delete button; not the colleague's comment: no edit.
    expect(await colleague.page.getByRole('button', { name: 'Delete payment-plan.pdf' }).count()).toBe(0);
    expect(await colleague.page.getByTestId('comment').getByRole('button', { name: 'Edit' }).count()).toBe(0);

    expect(liaison.errors).toEqual([]);
    expect(colleague.errors).toEqual([]);
    await liaison.close();
    await colleague.close();
  }, 180_000);

  it('the task page shows its conversation in Chinese too', async () => {
    const { page, errors, close } = await openPage(browser, 'task-collab-zh', {
      viewport: { width: 1366, height: 768 },
      locale: 'zh-CN',
    });
    await logIn(page, base, world.liaison.username, USER_PASSWORD, `/tasks/${taskId}`);
    await page.getByTestId('task-conversation').scrollIntoViewIfNeeded();
    await poll(() => page.getByTestId('comments').textContent()).toContain('评论');
    await poll(() => page.getByTestId('attachment-list').textContent()).toContain('payment-plan.pdf');
    expect(await page.getByTestId('attachments').textContent()).toContain('附件');
    // A full-page shot from the top, where the sticky header belongs.
    await page.evaluate(() => window.scrollTo(0, 0));
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-task.zh-CN.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  it("a record's page takes files too: an image is attached, previewed in the page, and deleted by its uploader", async () => {
    await admin.publishForm(visitReportForm);
    const record = await admin.createRecord('visit-report', { address: '上海市浦东新区 1 号' });
    const { page, errors, close } = await openPage(browser, 'record-attachments', {
      viewport: { width: 1366, height: 768 },
    });
    await logIn(page, base, 'admin', ADMIN_PASSWORD, `/records/${record.id}`);
    const files = page.getByTestId('attachments');
    await poll(() => files.getByTestId('attachment-list').textContent()).toContain('No attachments yet');
    await files
      .locator('input[type=file]')
      .setInputFiles({ name: 'doorway.png', mimeType: 'image/png', buffer: PNG });
    await poll(() => files.getByTestId('attachment-list').textContent()).toContain('doorway.png');
    const onRecord = await admin.must('GET', `/api/records/${record.id}/attachments`);
    expect(onRecord.items.map((a: { contentType: string }) => a.contentType)).toEqual(['image/png']);

    await page.getByRole('button', { name: 'Preview doorway.png' }).click();
    const image = page.getByTestId('attachment-preview');
    // Decoded by the browser: the inline download is served as the image it is.
    await poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await image.evaluate((img) => img.tagName)).toBe('IMG');
    await page.locator('.ant-modal-close').click();
    await poll(() => image.count()).toBe(0);
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-record.en.png'), fullPage: true });

    await page.getByRole('button', { name: 'Delete doorway.png' }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /OK|Yes/ })
      .click();
    await poll(() => files.getByTestId('attachment-list').textContent()).toContain('No attachments yet');
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  it('an administrator adds a WeCom webhook (bad addresses refused under the field), sends a test, and sees it delivered, signed; a broken robot shows its error', async () => {
    const { page, errors, close } = await openPage(browser, 'webhooks-admin', {
      viewport: { width: 1366, height: 768 },
    });
    await logIn(page, base, 'admin', ADMIN_PASSWORD, '/');
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await poll(() => page.getByTestId('webhook-list').textContent()).toContain('No webhooks yet');

    await page.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('East team group');
    await dialog.getByLabel('Signing secret', { exact: true }).fill('s3cret');
    // Browser-side: nothing, then not an http(s) address.
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => fieldError(page, dialog, 'Address').textContent()).toBe(
      'An http(s) address, without user:password@',
    );
    await dialog.getByLabel('Address', { exact: true }).fill('ftp://robots.example.com/x');
    await poll(() => fieldError(page, dialog, 'Address').count()).toBe(1);
    // Server-side: credentials in the address are refused, and the refusal shows under the field.
    await dialog.getByLabel('Address', { exact: true }).fill('https://bot:key@robots.example.com/send');
    await poll(() => fieldError(page, dialog, 'Address').count()).toBe(0);
    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/api/webhooks') && r.request().method() === 'POST',
    );
    await dialog.getByRole('button', { name: 'Save' }).click();
    const answer = await refused;
    expect(answer.status()).toBe(422);
    expect(answer.headers()['content-type']).toContain('application/problem+json');
    await poll(() => fieldError(page, dialog, 'Address').textContent()).toBe(
      'An http(s) address, without user:password@',
    );

    await dialog.getByLabel('Address', { exact: true }).fill(`${robot.url}/ok/send?key=robot-key`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('Webhook saved').count()).toBe(1);
    await poll(() => dialog.count()).toBe(0);
    const row = page.getByRole('row', { name: /East team group/ });
    expect(await row.textContent()).toContain('WeCom');
    expect(await row.textContent()).toContain('Mention');
    // The address is never shown back whole.
    expect(await row.textContent()).not.toContain('robot-key');

    // A second robot that is down, set up through the API.
    await admin.must('POST', '/api/webhooks', {
      name: 'Broken robot',
      platform: 'slack',
      url: `${robot.url}/down`,
      events: ['incident'],
      locale: 'en',
    });
    await page.reload();
    const broken = page.getByRole('row', { name: /Broken robot/ });
    await poll(() => broken.count()).toBe(1);

    await row.getByRole('button', { name: 'Send test' }).click();
    await poll(() => page.getByText('Test message queued; it is sent shortly').count()).toBe(1);
    await broken.getByRole('button', { name: 'Send test' }).click();

    // Delivered: the robot got a WeCom message, signed.
    await row.getByRole('button', { name: 'Deliveries' }).click();
    const deliveries = page.getByTestId('webhook-deliveries');
    const refresh = page.getByTestId('deliveries-refresh');
    await poll(async () => {
      await refresh.click();
      return deliveries.getByTestId('delivery-status').first().textContent();
    }).toBe('Delivered');
    expect(await deliveries.textContent()).toContain('Test message');
    const got = robot.received.find((r) => r.path.startsWith('/ok'));
    expect(got?.headers['x-collectflow-signature']).toMatch(/^sha256=/);
    expect(JSON.parse(got!.body)).toMatchObject({ msgtype: 'markdown' });
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-webhook-deliveries.en.png') });
    await page.locator('.ant-drawer-close').click();
    await poll(() => deliveries.count()).toBe(0);

    // The broken robot's delivery shows the error and waits for its next attempt.
    await broken.getByRole('button', { name: 'Deliveries' }).click();
    await poll(async () => {
      await refresh.click();
      return text(await deliveries.textContent());
    }).toContain('HTTP 500');
    expect(await deliveries.getByTestId('delivery-status').first().textContent()).toBe('Pending');
    expect(await deliveries.textContent()).toContain('1 / ');
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-webhook-failure.en.png') });
    await page.locator('.ant-drawer-close').click();
    await poll(() => deliveries.count()).toBe(0);

    // Switched off: no test messages, and the server knows it.
    await row.getByRole('switch', { name: 'Active: East team group' }).click();
    await poll(() => row.textContent()).toContain('Off');
    expect(await row.getByRole('button', { name: 'Send test' }).isDisabled()).toBe(true);
    const hooks = await admin.must('GET', '/api/webhooks');
    expect(hooks.items.find((h: { name: string }) => h.name === 'East team group').active).toBe(false);

    // Edited: a new name and the events; the address and secret stay.
    await row.getByRole('button', { name: 'Edit' }).click();
    await dialog.getByLabel('Name', { exact: true }).fill('East team escalations');
    await dialog.getByRole('checkbox', { name: 'Mention' }).uncheck();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('row', { name: /East team escalations/ }).count()).toBe(1);
    const edited = (await admin.must('GET', '/api/webhooks')).items.find(
      (h: { name: string }) => h.name === 'East team escalations',
    );
    expect(edited).toMatchObject({ hasSecret: true, events: ['task.escalated', 'incident'] });
    expect(edited.urlPreview).toContain(robot.url);
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-webhooks.en.png') });
    expect(errors).toEqual([]);
    await close();
  }, 180_000);

  it('a manager edits the team commission rule: refusals show under the fields, the preview computes it, and the team review shows the saved rule', async () => {
    const { page, errors, close } = await openPage(browser, 'commission-rule', {
      viewport: { width: 1366, height: 768 },
    });
    await logIn(page, base, 'boss.east', USER_PASSWORD, '/');
    await page.getByRole('link', { name: 'Commission rules' }).click();
    const editor = page.getByTestId('commission-editor');
    await poll(() => editor.getByLabel('Tier 2 Collected from').inputValue()).toBe('50000');
    expect(await page.getByTestId('commission-history').textContent()).toContain(
      'This team has no commission rule yet',
    );

    // Browser-side: not a number.
    await editor.getByLabel('Tier 2 Collected from').fill('fifty');
    await page.getByTestId('commission-save').click();
    await poll(() => fieldError(page, editor, 'Tier 2 Collected from').textContent()).toBe(
      'A number like 1000 or 2.5',
    );
    // Server-side: over 100 %, and a tier that does not start above the one before.
    await editor.getByLabel('Tier 1 Percent').fill('150');
    await editor.getByLabel('Tier 2 Collected from').fill('0');
    const refused = page.waitForResponse(
      (r) => r.url().includes('/commission-rule') && r.request().method() === 'PUT',
    );
    await page.getByTestId('commission-save').click();
    expect((await refused).status()).toBe(422);
    await poll(() => fieldError(page, editor, 'Tier 1 Percent').textContent()).toBe('At most 100');
    await poll(() => fieldError(page, editor, 'Tier 2 Collected from').textContent()).toBe(
      'Each tier must start above the one before',
    );
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-commission-errors.en.png') });

    await editor.getByLabel('Tier 1 Percent').fill('1.5');
    await editor.getByLabel('Tier 2 Collected from').fill('50000');
    await editor.getByLabel('Tier 2 Percent').fill('3');
    const preview = page.getByTestId('commission-preview');
    await preview.getByLabel('Collected').fill('80000');
    await preview.getByRole('button', { name: 'Compute' }).click();
    // 50,000 × 1.5 % + 30,000 × 3 %, exactly.
    await poll(async () => text(await page.getByTestId('commission-preview-result').textContent())).toContain(
      'Commission CNY 1,650.00',
    );
    await page.getByTestId('commission-save').click();
    await poll(() => page.getByText('Commission rule saved').count()).toBe(1);
    await poll(async () => text(await page.getByTestId('commission-history').textContent())).toContain(
      'From CNY 50,000.00 collected: 3%',
    );
    expect(await fieldError(page, editor, 'Tier 1 Percent').count()).toBe(0);
    const saved = await admin.must('GET', '/api/teams/team-east/commission-rules');
    expect(saved.items[0].rule).toEqual({
      method: 'marginal',
      tiers: [
        { from: '0', percent: '1.5' },
        { from: '50000', percent: '3' },
      ],
    });
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-commission.en.png') });

    await page.getByRole('link', { name: 'Team review' }).click();
    await poll(() => page.getByTestId('commission-rule').textContent()).toContain('3%');
    expect(errors).toEqual([]);
    await close();
  }, 180_000);

  it('the admin pages read right in Chinese, refusals included', async () => {
    const { page, errors, close } = await openPage(browser, 'collab-admin-zh', {
      viewport: { width: 1366, height: 768 },
      locale: 'zh-CN',
    });
    await logIn(page, base, 'admin', ADMIN_PASSWORD, '/admin/webhooks');
    await poll(() => page.getByTestId('webhook-list').textContent()).toContain('East team escalations');
    expect(await page.getByTestId('webhook-list').textContent()).toContain('企业微信');
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-webhooks.zh-CN.png') });
    await page.getByRole('button', { name: '添加 Webhook' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称', { exact: true }).fill('法务群');
    await dialog.getByLabel('地址', { exact: true }).fill('https://bot:key@oapi.dingtalk.com/robot/send');
    await dialog.getByRole('button', { name: '保存' }).click();
    await poll(() => fieldError(page, dialog, '地址').textContent()).toBe(
      '请输入 http(s) 地址（不含用户名和密码）',
    );
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-webhook-form.zh-CN.png') });
    await dialog.getByRole('button', { name: '取消' }).click();

    await page.goto(`${base}/performance/commission?team=team-east`);
    const editor = page.getByTestId('commission-editor');
    await poll(() => editor.getByLabel('第 1 档 比例').inputValue()).toBe('1.5');
    await editor.getByLabel('第 1 档 回款从').fill('100');
    await page.getByTestId('commission-save').click();
    await poll(() => fieldError(page, editor, '第 1 档 回款从').textContent()).toBe('第一档必须从 0 开始');
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'collab-commission.zh-CN.png') });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    expect(errors).toEqual([]);
    await close();
  }, 120_000);
});
