import type { StartedServer } from '@collectflow/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession, packForm } from './support/api-session.js';
import { browserAvailability, type IsolatingBrowser, launchIsolatingBrowser } from './support/chromium.js';
import { serveApp } from './support/served-app.js';
import { ADMIN_PASSWORD, debtCase, USER_PASSWORD } from './support/web-fixtures.js';
import { logIn, openPage, poll } from './support/web-page.js';

const availability = browserAvailability();

describe.skipIf(!availability.run)('login, roles and record-level access in Chromium', () => {
  let server: StartedServer;
  let browser: IsolatingBrowser;
  let admin: ApiSession;
  let base: string;
  const cases: Record<string, string> = {};

  beforeAll(async () => {
    server = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD });
    base = server.url.replace('localhost', '127.0.0.1');
    admin = await ApiSession.login(base, 'admin', ADMIN_PASSWORD);
    await admin.team('team-east', '华东组', 'East team');
    await admin.team('team-west', '华西组', 'West team');
    await admin.user('li.na', {
      displayName: 'Li Na',
      roles: ['liaison'],
      teamId: 'team-east',
      password: USER_PASSWORD,
    });
    await admin.ensureForm(packForm('debt-case'));
    for (const [number, team, name] of [
      ['DC-2026-000401', 'team-east', '张三'],
      ['DC-2026-000402', 'team-east', '王五'],
      ['DC-2026-000403', 'team-west', '李四'],
    ] as const) {
      const created = await admin.createRecord('debt-case', debtCase(number, { debtorName: name }), {
        ownerTeamId: team,
      });
      cases[number] = created.id;
    }
    browser = await launchIsolatingBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a liaison sees only the team’s cases, with sensitive fields masked, and another team’s case is not found', async () => {
    const { page, errors, close } = await openPage(browser, 'access-liaison-cases');
    await logIn(page, base, 'li.na', USER_PASSWORD, '/cases');
    // The shell shows who is logged in and their roles.
    expect(await page.getByTestId('current-user').textContent()).toContain('Li Na');
    // Role names arrive with /api/roles; until then the tag shows the role key.
    await poll(() => page.getByTestId('current-roles').textContent()).toContain('Collection liaison');

    const table = page.getByTestId('records-table');
    await poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(2);
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('DC-2026-000401');
    expect(text).toContain('DC-2026-000402');
    expect(text).not.toContain('DC-2026-000403');

    await page.getByRole('link', { name: 'DC-2026-000401' }).click();
    await poll(() => page.getByTestId('debtor').count()).toBe(1);
    const debtor = page.getByTestId('debtor');
    await poll(() => debtor.locator('[data-masked="true"]').count()).toBe(2);
    const shown = (await debtor.textContent()) ?? '';
    expect(shown).not.toContain('张三');
    expect(shown).not.toContain('6222020200112233445');
    expect(shown).toContain('3445');

    await page.goto(`${base}/cases/${cases['DC-2026-000403']}`);
    await poll(() => page.getByText('Not found, or you may not see it.').count()).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });

  it('an administrator sees every team’s cases, unmasked, and the admin pages', async () => {
    const { page, errors, close } = await openPage(browser, 'access-admin-cases');
    await logIn(page, base, 'admin', ADMIN_PASSWORD, '/cases');
    const table = page.getByTestId('records-table');
    await poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(3);
    expect(await table.textContent()).toContain('DC-2026-000403');
    await page.getByRole('link', { name: 'DC-2026-000403' }).click();
    await poll(() => page.getByTestId('debtor').textContent()).toContain('李四');
    expect(await page.getByTestId('debtor').locator('[data-masked="true"]').count()).toBe(0);
    for (const name of ['Users', 'Roles & permissions', 'Teams', 'Audit log']) {
      expect(await page.getByRole('link', { name }).count()).toBe(1);
    }
    expect(errors).toEqual([]);
    await close();
  });

  it('a failed login says so clearly, and so does the rate limit after repeated failures', async () => {
    const { page, errors, close } = await openPage(browser, 'access-failed-login');
    await page.goto(`${base}/`);
    await page.getByLabel('User name').fill('li.na');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await poll(() => page.getByTestId('login-error').textContent()).toContain('Wrong user name or password');
    expect(await page.getByTestId('current-user').count()).toBe(0);

    // Five failures per user name within the window lock the name for a while.
    for (let i = 0; i < 5; i++) {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await page.getByRole('button', { name: 'Log in' }).click();
      await answered;
    }
    await poll(() => page.getByTestId('login-error').textContent()).toContain('Too many failed logins');
    // Even the right password is refused while locked.
    await page.getByLabel('Password').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await poll(() => page.getByTestId('login-error').textContent()).toContain('Too many failed logins');

    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('button', { name: '登录' }).click();
    await poll(() => page.getByTestId('login-error').textContent()).toContain('登录失败次数过多');
    expect(errors).toEqual([]);
    await close();
  });

  it('a user with an initial password must change it before working; logout returns to the login page', async () => {
    await admin.user('wang.lei', {
      displayName: 'Wang Lei',
      roles: ['analyst'],
      teamId: 'team-west',
      password: 'initial-pass-2026',
      keepInitial: true,
    });
    const { page, errors, close } = await openPage(browser, 'access-must-change-password');
    await logIn(page, base, 'wang.lei', 'initial-pass-2026');
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.textContent()).toContain('This is an initial password');
    await dialog.getByLabel('Current password').fill('initial-pass-2026');
    await dialog.getByLabel('New password', { exact: true }).fill('my-own-pass-2026');
    await dialog.getByLabel('Confirm the new password').fill('my-own-pass-2026');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('dialog').count()).toBe(0);

    await page.getByTestId('current-user').click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await poll(() => page.getByRole('button', { name: 'Log in' }).count()).toBe(1);
    await logIn(page, base, 'wang.lei', 'my-own-pass-2026');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });

  it('an administrator creates a user, gives a custom role its permissions and a per-form right by checkbox, and finds both in the audit log', async () => {
    const { page, errors, close } = await openPage(browser, 'access-admin-pages');
    await logIn(page, base, 'admin', ADMIN_PASSWORD, '/admin/roles');

    await page.getByRole('button', { name: 'New role' }).click();
    await page.getByLabel('Role key').fill('night-shift');
    await page.getByLabel('Chinese name').fill('夜班催收员');
    await page.getByLabel('English name').fill('Night-shift collector');
    await page.getByLabel(/^Work on tasks/).check();
    await page.getByLabel(/^View records/).check();
    // …and, on one form only, the right to create records.
    await page.getByTestId('form-grants').getByLabel('Debt case: Create').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(async () =>
      (await admin.request('GET', '/api/roles')).body
        .find((r: { key: string }) => r.key === 'night-shift')
        ?.permissions?.sort(),
    ).toEqual(['records.view', 'tasks.work']);
    const saved = (await admin.request('GET', '/api/roles')).body.find(
      (r: { key: string }) => r.key === 'night-shift',
    );
    expect(saved.formGrants).toEqual({ 'debt-case': ['create'] });

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('User name').fill('sun.yue');
    await dialog.getByLabel('Name', { exact: true }).fill('Sun Yue');
    await dialog.getByLabel('Initial password').fill('sun-initial-2026');
    await dialog.getByLabel('Roles').click();
    await page.locator('.ant-select-item-option[title="Night-shift collector"]').click();
    await dialog.getByLabel('Roles').press('Escape');
    await dialog.getByLabel('Team').click();
    await page.locator('.ant-select-item-option[title="East team"]').click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('row', { name: /sun\.yue/ }).count()).toBe(1);
    const row = page.getByRole('row', { name: /sun\.yue/ });
    // The row can show before everything it names has loaded: wait for the names, do not read once.
    await poll(() => row.textContent()).toContain('Night-shift collector');
    await poll(() => row.textContent()).toContain('East team');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('user.created');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.getByTestId('audit-table').textContent()).toContain('user.created');
    expect(errors).toEqual([]);
    await close();
  });
});
