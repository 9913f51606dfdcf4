import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedServer } from '@collectflow/cli';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession, packForm } from './support/api-session.js';
import { browserAvailability, type IsolatingBrowser, launchIsolatingBrowser } from './support/chromium.js';
import { serveApp } from './support/served-app.js';
import { ADMIN_PASSWORD, USER_PASSWORD } from './support/web-fixtures.js';
import { logIn, openPage, poll, SCREENSHOTS } from './support/web-page.js';

const availability = browserAvailability();
const DISPUTE_FLOW = join(
  import.meta.dirname,
  '..',
  '..',
  'definitions',
  'processes',
  'dispute-handling.bpmn',
);
const VIEWPORT = { width: 1366, height: 768 };

/** The marker classes bpmn-js put on an element's shape in the diagram. */
function markersOf(page: Page, elementId: string): Promise<string> {
  return page
    .locator(`[data-testid="bpmn-canvas"] g.djs-element[data-element-id="${elementId}"]`)
    .first()
    .getAttribute('class')
    .then((c) => c ?? '');
}

describe.skipIf(!availability.run)('process administration in Chromium', () => {
  let server: StartedServer;
  let browser: IsolatingBrowser;
  let admin: ApiSession;
  let base: string;

  beforeAll(async () => {
    server = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD });
    base = server.url.replace('localhost', '127.0.0.1');
    admin = await ApiSession.login(base, 'admin', ADMIN_PASSWORD);
    await admin.ensureForm(packForm('dispute'));
    await admin.user('zhao.min', { displayName: 'Zhao Min', roles: ['analyst'], password: USER_PASSWORD });
    browser = await launchIsolatingBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an admin uploads a domain flow, starts an instance, sees its active element; an analyst completes the task in the inbox and the highlight moves; a broken upload shows its lint error on the right element', async () => {
    const { page, errors, close } = await openPage(browser, 'process-admin', { viewport: VIEWPORT });
    await logIn(page, base, 'admin', ADMIN_PASSWORD, '/');
    await page.getByRole('link', { name: 'Processes' }).click();
    await poll(() => page.getByText('Deployed processes').count()).toBe(1);

    // Upload the domain flow: linted clean, drawn, deployable (or already the latest version).
    const xml = readFileSync(DISPUTE_FLOW, 'utf8');
    await page
      .getByTestId('bpmn-upload')
      .locator('input[type=file]')
      .setInputFiles({
        name: 'dispute-handling.bpmn',
        mimeType: 'application/xml',
        buffer: Buffer.from(xml),
      });
    await poll(() => page.getByTestId('lint-clean').count()).toBe(1);
    await poll(() =>
      page.locator('[data-testid="bpmn-canvas"] g.djs-element[data-element-id="review-dispute"]').count(),
    ).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'process-admin-upload-clean.en.png') });
    await page.getByRole('button', { name: 'Deploy as a new version' }).click();
    await poll(
      async () =>
        (await page.getByTestId('deploy-done').count()) +
        (await page.getByTestId('deploy-unchanged').count()),
    ).toBe(1);
    const versions = page.getByTestId('process-dispute-handling');
    await poll(() => versions.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await versions.textContent()).toMatch(/v1.*(admin|system)/);

    // Start an instance with its start variables (the dispute as received).
    await page.getByRole('tab', { name: 'Instances' }).click();
    await page.getByRole('button', { name: 'Start an instance' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Process').click();
    await page.getByTitle('dispute-handling').click();
    await dialog.getByLabel('Business key (case number)').fill('DC-2026-000777');
    const variables: [string, string][] = [
      ['caseNumber', '"DC-2026-000777"'],
      ['receivedAt', '"2026-11-20T02:00:00Z"'],
      ['receivedVia', 'LETTER'],
      ['form', 'WRITTEN'],
      ['grounds', '["DEBT_NOT_EXIST"]'],
      ['disputeOutcome', 'WITHDRAWN'],
    ];
    for (const [i, [name, value]] of variables.entries()) {
      await dialog.getByRole('button', { name: 'Add a variable' }).click();
      await dialog.getByLabel('Name').nth(i).fill(name);
      await dialog.getByLabel('Value (JSON or text)').nth(i).fill(value);
    }
    await dialog.getByRole('button', { name: 'Start an instance' }).click();

    // The instance page: waiting at its message start event, highlighted on the diagram.
    await poll(() => page.getByTestId('active-elements').getAttribute('data-active')).toBe(
      'dispute-received',
    );
    await poll(() => markersOf(page, 'dispute-received')).toContain('cf-bpmn-active');
    await page.getByRole('button', { name: 'Send a message' }).click();
    await page.getByRole('dialog').getByLabel('Message name').fill('DisputeReceived');
    await page.getByRole('dialog').getByRole('button', { name: 'Send a message' }).click();
    // The review and its non-interrupting SLA timer on it.
    await poll(() => page.getByTestId('active-elements').getAttribute('data-active')).toBe(
      'review-overdue review-dispute',
    );
    await poll(() => markersOf(page, 'review-dispute')).toContain('cf-bpmn-active');
    expect(await markersOf(page, 'dispute-received')).toContain('cf-bpmn-completed');
    expect(await markersOf(page, 'dispute-received')).not.toContain('cf-bpmn-active');
    const instanceUrl = page.url();
    await page.screenshot({ path: join(SCREENSHOTS, 'process-admin-instance-active.en.png') });

    // The analyst completes the review in the inbox.
    const analyst = await openPage(browser, 'process-admin-analyst', { viewport: VIEWPORT });
    await logIn(analyst.page, base, 'zhao.min', USER_PASSWORD, '/inbox');
    await analyst.page.getByTestId('queue-groups').click();
    const row = analyst.page.getByRole('row', { name: /DC-2026-000777/ });
    await poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: 'Claim' }).click();
    await analyst.page.getByTestId('queue-mine').click();
    await analyst.page
      .getByRole('row', { name: /DC-2026-000777/ })
      .getByRole('button', { name: 'Open' })
      .click();
    await poll(() => analyst.page.getByLabel('Case number').inputValue()).toBe('DC-2026-000777');
    // The outcome came with the start variables; a decided outcome needs its date.
    await analyst.page.getByLabel('Decided at').fill('2026-11-21T10:00');
    await analyst.page.getByRole('button', { name: 'Submit and complete the task' }).click();
    await poll(() => analyst.page.getByText('Task completed').count()).toBe(1);
    expect(analyst.errors).toEqual([]);
    await analyst.close();

    // Back on the instance: the review is done, the flow ended at "resume collection".
    await page.goto(instanceUrl);
    await poll(() => page.getByTestId('instance-status').textContent()).toBe('Completed');
    await poll(() => markersOf(page, 'resume-collection')).toContain('cf-bpmn-completed');
    expect(await markersOf(page, 'review-dispute')).toContain('cf-bpmn-completed');
    expect(await markersOf(page, 'review-dispute')).not.toContain('cf-bpmn-active');
    expect(await page.getByTestId('active-elements').getAttribute('data-active')).toBe('');

    // A broken file: the lint error names the element, and clicking it marks that element.
    await page.getByRole('link', { name: 'Processes' }).click();
    const broken = xml.replace('camunda:formKey="dispute"', 'camunda:formKey="no-such-form"');
    await page
      .getByTestId('bpmn-upload')
      .locator('input[type=file]')
      .setInputFiles({
        name: 'dispute-broken.bpmn',
        mimeType: 'application/xml',
        buffer: Buffer.from(broken),
      });
    const problems = page.getByTestId('lint-problems');
    await poll(() => problems.locator('tbody tr').count()).toBeGreaterThan(0);
    const problem = problems.getByRole('row', { name: /review-dispute/ });
    expect(await problem.textContent()).toContain('bpmn.unknown_form');
    expect(await page.getByRole('button', { name: 'Deploy as a new version' }).isDisabled()).toBe(true);
    await poll(() => markersOf(page, 'review-dispute')).toContain('cf-bpmn-problem');
    expect(await markersOf(page, 'dispute-outcome')).not.toContain('cf-bpmn-problem');
    await problem.click();
    await poll(() => markersOf(page, 'review-dispute')).toContain('cf-bpmn-problem-selected');
    await poll(() => markersOf(page, 'review-dispute')).toContain('selected');
    await page.screenshot({ path: join(SCREENSHOTS, 'process-admin-upload-broken.en.png') });

    expect(errors).toEqual([]);
    await close();
  }, 180_000);

  it('the version view counts active instances per element, in Chinese too', async () => {
    const { page, errors, close } = await openPage(browser, 'process-admin-zh', {
      locale: 'zh-CN',
      viewport: VIEWPORT,
    });
    await page.addInitScript(() => localStorage.setItem('collectflow.locale', 'zh-CN'));
    for (const key of ['DC-2026-000801', 'DC-2026-000802'])
      await admin.startInstance('dispute-handling', key, {});
    await logIn(page, base, 'admin', ADMIN_PASSWORD, '/processes');
    await poll(() => page.getByText('已部署的流程').count()).toBe(1);
    await page.getByTestId('process-dispute-handling').getByRole('link', { name: '查看' }).first().click();
    const badge = page.locator('.cf-bpmn-badges[data-element="dispute-received"] .cf-bpmn-badge-active');
    await poll(() => badge.textContent()).toBe('2');
    expect(await page.getByTestId('running-total').textContent()).toMatch(/^运行中 \d+$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'process-admin-version.zh-CN.png') });
    await page.goto(`${base}/processes?tab=instances`);
    await poll(() =>
      page.getByTestId('instances-list').locator('tbody tr.ant-table-row').count(),
    ).toBeGreaterThan(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'process-admin-instances.zh-CN.png') });
    // The modeler's palette speaks Chinese too (bpmn-js translate module).
    const listed = await admin.must('GET', '/api/deployments?processKey=dispute-handling');
    await page.goto(`${base}/processes/versions/${listed.items[0].id}/edit`);
    await poll(() => page.locator('.djs-palette [aria-label="创建开始事件"]').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'process-admin-modeler.zh-CN.png') });
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  it('an admin edits a version in the modeler (candidate groups picked from the roles), deploys it as a new version, and migrates running instances after a dry run', async () => {
    const { page, errors, close } = await openPage(browser, 'process-admin-modeler', { viewport: VIEWPORT });
    const listed = await admin.must('GET', '/api/deployments?processKey=dispute-handling');
    const v1 = listed.items.find((d: { version: number }) => d.version === 1);
    await logIn(page, base, 'admin', ADMIN_PASSWORD, `/processes/versions/${v1.id}/edit`);
    const shape = page.locator(
      '[data-testid="bpmn-modeler"] g.djs-element[data-element-id="review-dispute"]',
    );
    await poll(() => shape.count()).toBe(1);
    await shape.locator('.djs-hit').first().click({ force: true });
    const properties = page.getByTestId('element-properties');
    await poll(() => properties.textContent()).toContain('review-dispute');
    await properties.getByLabel('Candidate groups').click();
    await page.getByTitle(/\(manager\)$/).click();
    await page.keyboard.press('Escape');
    await properties.getByLabel('Due (ISO duration or date, e.g. P2D)').fill('P7D');
    await properties.getByRole('button', { name: 'Apply to the element' }).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'process-admin-modeler.en.png') });
    await page.getByRole('button', { name: 'Check and deploy as a new version' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('dispute-handling · version 2');
    const v2 = (await admin.must('GET', '/api/deployments?processKey=dispute-handling')).items.find(
      (d: { version: number }) => d.version === 2,
    );
    const source = String((await admin.request('GET', `/api/deployments/${v2.id}/source`)).body);
    expect(source).toMatch(/id="review-dispute"[^>]*camunda:candidateGroups="analyst,manager"/);
    expect(source).toMatch(/id="review-dispute"[^>]*camunda:dueDate="P7D"/);

    // Running instances of v1 (waiting at the start event) can move to v2: dry run, then apply.
    await page.goto(`${base}/processes/versions/${v1.id}`);
    await page.getByRole('button', { name: 'Migrate instances…' }).click();
    await page.getByRole('button', { name: 'Dry run (report only)' }).click();
    const report = page.getByTestId('migration-report');
    await poll(() => report.textContent()).toMatch(/Dry run: \d+ can move, 0 cannot/);
    await page.screenshot({ path: join(SCREENSHOTS, 'process-admin-migration.en.png') });
    const before = Number(/Dry run: (\d+) can move/.exec((await report.textContent()) ?? '')?.[1]);
    expect(before).toBeGreaterThan(0);
    await page.getByRole('button', { name: /Migrate the instances that can move/ }).click();
    await poll(() => report.textContent()).toContain(`Instances migrated: ${before}`);
    const stats = await admin.must('GET', `/api/deployments/${v2.id}/statistics`);
    expect(stats.totals.running).toBe(before);
    expect(errors).toEqual([]);
    await close();
  }, 180_000);
});
