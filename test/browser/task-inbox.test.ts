import type { StartedServer } from '@collectflow/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession } from './support/api-session.js';
import { browserAvailability, type IsolatingBrowser, launchIsolatingBrowser } from './support/chromium.js';
import { serveApp } from './support/served-app.js';
import {
  ADMIN_PASSWORD,
  BAD_ID_NUMBER,
  setUpCallFlow,
  startCall,
  USER_PASSWORD,
  VALID_ID_NUMBER,
  type WebWorld,
} from './support/web-fixtures.js';
import { logIn, openPage, poll, tabTo } from './support/web-page.js';

const availability = browserAvailability();

describe.skipIf(!availability.run)('the inbox and task forms in Chromium', () => {
  let server: StartedServer;
  let browser: IsolatingBrowser;
  let world: WebWorld;
  let base: string;

  beforeAll(async () => {
    server = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD });
    base = server.url.replace('localhost', '127.0.0.1');
    world = await setUpCallFlow(base);
    browser = await launchIsolatingBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a liaison claims a task, is refused by the server on one field, fixes it, submits, and the flow moves to its next task', async () => {
    await startCall(world.admin, 'DC-2026-000101', true);
    await startCall(world.admin, 'DC-2026-000102', false);
    const { page, errors, close } = await openPage(browser, 'inbox-claim-fill-submit');
    await logIn(page, base, world.liaison.username, world.liaison.password, '/inbox');

    // Counts per queue, and the overdue task highlighted.
    await page.getByTestId('queue-groups').click();
    await poll(() => page.getByTestId('queue-groups').textContent()).toContain('2');
    expect(await page.getByTestId('queue-mine').textContent()).toContain('0');
    const overdueRow = page.getByRole('row', { name: /DC-2026-000101/ });
    expect(await overdueRow.getAttribute('class')).toContain('cf-overdue-row');
    expect(await overdueRow.textContent()).toContain('Overdue');
    expect(await page.getByRole('row', { name: /DC-2026-000102/ }).getAttribute('class')).not.toContain(
      'cf-overdue-row',
    );

    await overdueRow.getByRole('button', { name: 'Claim' }).click();
    await page.getByTestId('queue-mine').click();
    await poll(() => page.getByTestId('queue-mine').textContent()).toContain('1');
    await page
      .getByRole('row', { name: /DC-2026-000101/ })
      .getByRole('button', { name: 'Open' })
      .click();

    // The form named by the task, pre-filled from the process variables.
    await poll(() => page.getByLabel('Case number').inputValue()).toBe('DC-2026-000101');
    // Conditional field: hidden until the outcome is a promise; then shown and required.
    expect(await page.getByLabel('Promised amount').count()).toBe(0);
    await page.getByLabel('Promise to pay').check();
    await poll(() => page.getByLabel('Promised amount').count()).toBe(1);
    await page.getByLabel('Promised amount').fill('250.50');
    await page.getByLabel('Fee').fill('9.5');
    // Computed field, live.
    await poll(() => page.getByLabel('Total').inputValue()).toBe('260.00');

    // Shape-valid, checksum-wrong ID number: only the server can refuse it.
    await page.getByLabel('Debtor ID number').fill(BAD_ID_NUMBER);
    await page.getByRole('button', { name: 'Submit and complete the task' }).click();
    await poll(() => page.getByTestId('form-errors').count()).toBe(1);
    const field = page.locator('.cf-field', { has: page.getByLabel('Debtor ID number') });
    await poll(() => field.locator('.cf-field-errors').textContent()).toContain('cn-id-number');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('root_debtorIdNumber');

    await page.getByLabel('Debtor ID number').fill(VALID_ID_NUMBER);
    await poll(() => field.locator('.cf-field-errors').count()).toBe(0);
    await page.getByRole('button', { name: 'Submit and complete the task' }).click();
    await poll(() => page.getByTestId('next-tasks').count()).toBe(1);
    await page.getByRole('button', { name: /Open the next task: Review the call/ }).click();
    await poll(() => page.getByRole('heading', { name: 'Task: Review the call' }).count()).toBe(1);

    // The server holds what the form sent, computed field included.
    const done = await world.admin.must(
      'GET',
      '/api/tasks?status=completed&businessKey=DC-2026-000101&scope=all',
    );
    expect(done.items[0].data).toMatchObject({
      outcome: 'PROMISE',
      promisedAmount: '250.50',
      total: '260.00',
    });
    expect(errors).toEqual([]);
    await close();
  });

  it('a task form can be claimed, filled in and completed with the keyboard alone', async () => {
    const started = await startCall(world.admin, 'DC-2026-000103', false);
    const taskId = started.taskIds[0];
    const { page, errors, close } = await openPage(browser, 'task-keyboard-only');
    await page.goto(`${base}/tasks/${taskId}`);
    await page.getByLabel('User name').focus();
    await page.keyboard.type(world.liaison.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(world.liaison.password);
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('heading', { name: 'Task: Record the call outcome' }).count()).toBe(1);

    // Let the page finish loading (role names, the form) before the keyboard walks it.
    await page.waitForLoadState('networkidle');
    await tabTo(page, (el) => el.tag === 'button' && el.text === 'Claim');
    const claimed = page.waitForResponse((r) => r.url().endsWith('/claim'));
    await page.keyboard.press('Enter');
    expect((await claimed).status()).toBe(200);
    await poll(() => page.getByRole('button', { name: 'Unclaim' }).count()).toBe(1);

    await tabTo(page, (el) => el.id === 'root_debtorIdNumber');
    await page.keyboard.type(VALID_ID_NUMBER);
    await tabTo(page, (el) => el.type === 'radio');
    // Arrow keys move through a radio group and select as they go: Promise, Call back.
    await page.keyboard.press('ArrowRight');
    await poll(() => page.getByLabel('Call back').isChecked()).toBe(true);
    await tabTo(page, (el) => el.id === 'root_notes');
    await page.keyboard.type('Debtor asked to be called after 18:00.');
    await tabTo(page, (el) => el.tag === 'button' && el.text === 'Submit and complete the task');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('next-tasks').count()).toBe(1);

    const task = await world.admin.must('GET', `/api/tasks/${taskId}`);
    expect(task.status).toBe('completed');
    expect(task.data).toMatchObject({ outcome: 'CALLBACK', notes: 'Debtor asked to be called after 18:00.' });
    expect(errors).toEqual([]);
    await close();
  });

  it('a task completed meanwhile by someone else shows a clear message instead of a crash', async () => {
    const started = await startCall(world.admin, 'DC-2026-000104', false);
    const taskId = started.taskIds[0];
    const { page, errors, close } = await openPage(browser, 'task-completed-meanwhile');
    await logIn(page, base, world.liaison.username, world.liaison.password, `/tasks/${taskId}`);
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByLabel('Debtor ID number').fill(VALID_ID_NUMBER);
    await page.getByLabel('No answer').check();

    // Meanwhile an administrator completes it (admins may complete claimed tasks).
    await world.admin.must('POST', `/api/tasks/${taskId}/complete`, {
      data: { caseNumber: 'DC-2026-000104', debtorIdNumber: VALID_ID_NUMBER, outcome: 'NO_ANSWER' },
    });

    await page.getByRole('button', { name: 'Submit and complete the task' }).click();
    await poll(() => page.getByTestId('task-gone').textContent()).toContain('Someone else completed');
    await page.getByRole('button', { name: 'Back to the inbox' }).click();
    await poll(() => page.getByRole('heading', { name: 'Inbox' }).count()).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });

  it('the task form follows the language switch: UI strings, field labels from the definition, option labels', async () => {
    const started = await startCall(world.admin, 'DC-2026-000105', false);
    const { page, errors, close } = await openPage(browser, 'task-language-switch');
    await logIn(page, base, world.liaison.username, world.liaison.password, `/tasks/${started.taskIds[0]}`);
    await poll(() => page.getByLabel('Debtor ID number').count()).toBe(1);
    await page.getByText('中文', { exact: true }).click();
    await poll(() => page.getByLabel('债务人身份证号').count()).toBe(1);
    expect(await page.getByLabel('承诺还款').count()).toBe(1);
    expect(await page.getByRole('button', { name: '认领' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    // The choice survives a reload.
    await page.reload();
    await poll(() => page.getByLabel('债务人身份证号').count()).toBe(1);
    await page.getByText('EN', { exact: true }).click();
    await poll(() => page.getByLabel('Debtor ID number').count()).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });

  it('a task a colleague claimed names the colleague, not their user id', async () => {
    const started = await startCall(world.admin, 'DC-2026-000107', false);
    await world.admin.user('wang.fang', {
      displayName: 'Wang Fang',
      roles: ['liaison'],
      teamId: 'team-east',
      password: USER_PASSWORD,
    });
    const colleague = await ApiSession.login(base, 'wang.fang', USER_PASSWORD);
    await colleague.must('POST', `/api/tasks/${started.taskIds[0]}/claim`);
    const { page, errors, close } = await openPage(browser, 'task-claimed-by-colleague');
    await logIn(page, base, world.liaison.username, world.liaison.password, `/tasks/${started.taskIds[0]}`);
    await poll(() => page.getByText('Wang Fang', { exact: true }).count()).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });

  it('the same user, a second browser: the group queue no longer offers a task the first one claimed', async () => {
    await startCall(world.admin, 'DC-2026-000106', false);
    const other = await ApiSession.login(base, world.liaison.username, USER_PASSWORD);
    const open = await other.must('GET', '/api/tasks?businessKey=DC-2026-000106');
    const { page, close } = await openPage(browser, 'inbox-claimed-elsewhere');
    await logIn(page, base, world.liaison.username, world.liaison.password, '/inbox?queue=groups');
    await poll(() => page.getByRole('row', { name: /DC-2026-000106/ }).count()).toBe(1);
    await other.must('POST', `/api/tasks/${open.items[0].id}/claim`);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await poll(() => page.getByRole('row', { name: /DC-2026-000106/ }).count()).toBe(0);
    await close();
  });
});
