import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedServer } from '@collectflow/cli';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession, type Body, packForm } from './support/api-session.js';
import { browserAvailability, type IsolatingBrowser, launchIsolatingBrowser } from './support/chromium.js';
import { serveApp } from './support/served-app.js';
import { ADMIN_PASSWORD, USER_PASSWORD } from './support/web-fixtures.js';
import { logIn, openPage, poll, SCREENSHOTS } from './support/web-page.js';

const availability = browserAvailability();

// June 2025 in Asia/Shanghai (the built-in dashboards' zone); the dashboards are opened on it.
const JUNE = 'from=2025-06-01&to=2025-06-30';

/** The bars ECharts drew, as the chart publishes them (canvas pixels from the chart's corner). */
async function bars(
  page: Page,
  widgetId: string,
): Promise<{ series: number; index: number; x: number; y: number }[]> {
  const chart = page.getByTestId(`chart-${widgetId}`);
  const text = await chart.getAttribute('data-bars');
  return text ? JSON.parse(text) : [];
}

async function clickBar(page: Page, widgetId: string, series: number, index: number): Promise<void> {
  const chart = page.getByTestId(`chart-${widgetId}`);
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  const bar = (await bars(page, widgetId)).find((b) => b.series === series && b.index === index);
  if (!box || !bar) throw new Error(`no bar ${series}/${index} in ${widgetId}`);
  await page.mouse.click(box.x + bar.x, box.y + bar.y);
}

/** Picks an option of an antd Select found by its aria-label. */
async function choose(
  page: Page,
  label: string,
  option: string,
  scope = page.locator('body'),
): Promise<void> {
  const select = scope
    .getByLabel(label, { exact: true })
    .locator(
      'xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]',
    );
  // A click during the dropdown's opening animation can miss on a loaded machine: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const input = scope.getByLabel(label, { exact: true });
    // In the middle of its scrolling drawer, the list opens in view: an option scrolled into view
    // would move the select and close its list under the click.
    await input.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await input.click();
    // This select's own list (it names it in aria-controls while open): another list, just closed
    // and still fading out, may hold the same option.
    await poll(() => input.getAttribute('aria-controls')).toBeTruthy();
    const list = await input.getAttribute('aria-controls');
    const dropdown = page.locator(`.ant-select-dropdown:has([id="${list}"])`);
    await dropdown.waitFor();
    const item = dropdown.locator(`.ant-select-item-option[title="${option}"]`);
    // Long lists draw only the options in view: a searchable select is narrowed by typing.
    if ((await item.count()) === 0 && !(await input.evaluate((el) => (el as HTMLInputElement).readOnly)))
      await input.fill(option);
    await item.click();
    const chosen = await expect
      .poll(() => select.textContent(), { timeout: 3000, interval: 100 })
      .toContain(option)
      .then(
        () => true,
        () => false,
      );
    if (chosen) return;
    await page.keyboard.press('Escape');
  }
  throw new Error(`could not choose ${option} in ${label}`);
}

/**
 * A complete copy of packages/web/dist (every file its manifest names), taken when no rebuild is
 * half-way: the copy is checked and taken again if a build emptied the folder meanwhile.
 */
async function copyBuiltApp(): Promise<string> {
  const dist = join(import.meta.dirname, '..', '..', 'packages', 'web', 'dist');
  for (let attempt = 0; ; attempt++) {
    const copy = await mkdtemp(join(tmpdir(), 'collectflow-web-'));
    try {
      await cp(dist, copy, { recursive: true });
      const manifest = JSON.parse(await readFile(join(copy, '.vite', 'manifest.json'), 'utf8')) as Record<
        string,
        { file: string }
      >;
      await readFile(join(copy, 'index.html'));
      await Promise.all(Object.values(manifest).map((chunk) => readFile(join(copy, chunk.file))));
      return copy;
    } catch (error) {
      await rm(copy, { recursive: true, force: true });
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

describe.skipIf(!availability.run)('dashboards in Chromium', () => {
  let server: StartedServer;
  let browser: IsolatingBrowser;
  let admin: ApiSession;
  let manager: ApiSession;
  let base: string;
  let webDist: string | undefined;

  beforeAll(async () => {
    // A copy of the built app: a rebuild of packages/web/dist while this suite runs (the working
    // tree is shared) must not pull the lazy chunks from under the pages.
    webDist = await copyBuiltApp();
    server = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD, COLLECTFLOW_WEB_DIST: webDist });
    base = server.url.replace('localhost', '127.0.0.1');
    admin = await ApiSession.login(base, 'admin', ADMIN_PASSWORD);
    await admin.team('early-cn', '早期组', 'Early team');
    await admin.team('mid-cn', '中期组', 'Mid team');
    await admin.user('wang.li', {
      displayName: 'Wang Li',
      roles: ['manager'],
      teamId: 'early-cn',
      password: USER_PASSWORD,
    });
    await admin.user('zhao.ce', {
      displayName: 'Zhao Ce',
      roles: ['strategist'],
      teamId: 'early-cn',
      password: USER_PASSWORD,
    });
    // A role without dashboards.view.
    await admin.must('PUT', '/api/roles/clerk', {
      name: { 'zh-CN': '文员', en: 'Clerk' },
      permissions: ['records.view', 'tasks.work'],
    });
    await admin.user('qian.yu', {
      displayName: 'Qian Yu',
      roles: ['clerk'],
      teamId: 'early-cn',
      password: USER_PASSWORD,
    });
    for (const form of ['collector', 'debt-case', 'payment', 'contact-attempt', 'promise-to-pay'])
      await admin.ensureForm(packForm(form));

    // Demo-like data: three collectors in two teams, four cases, payments in May and June.
    for (const [userId, team, target] of [
      ['u-a1', 'early-cn', '10000.00'],
      ['u-a2', 'early-cn', '5000.00'],
      ['u-b1', 'mid-cn', '8000.00'],
    ] as const)
      await admin.createRecord(
        'collector',
        {
          userId,
          name: userId,
          role: 'liaison',
          team,
          active: true,
          currency: 'CNY',
          monthlyTarget: target,
          hourlyCost: '50.00',
        },
        { ownerTeamId: team },
      );
    const cases = [
      [1, 'early-cn', 'u-a1', '1000.00', '300.00', '30-59'],
      [2, 'early-cn', 'u-a2', '2000.00', '2000.00', '1-29'],
      [3, 'mid-cn', 'u-b1', '4000.00', '400.00', '60-89'],
      [4, 'mid-cn', 'u-b1', '3000.00', '500.00', '30-59'],
    ] as const;
    for (const [n, team, collector, principal, paid, dpdBucket] of cases)
      await admin.createRecord(
        'debt-case',
        {
          caseNumber: `DC-2025-00000${n}`,
          debtorNo: `DB-000${n}`,
          debtorName: `债务人${n}`,
          jurisdiction: 'CN',
          creditor: { name: '某银行' },
          currency: 'CNY',
          principal,
          interest: '0',
          fees: '0',
          costs: '0',
          paid,
          dueDate: '2025-04-20',
          stage: 'MID',
          status: 'OPEN',
          team,
          assignedCollectorId: collector,
          strategyArm: 'champion',
          dpdBucket,
        },
        { ownerTeamId: team },
      );
    const payments = [
      [1, 1, '100.00', '2025-06-05T02:00:00Z', 'early-cn', 'BANK_TRANSFER'],
      [2, 1, '200.00', '2025-06-12T02:00:00Z', 'early-cn', 'ALIPAY'],
      [3, 2, '2000.00', '2025-06-15T03:00:00Z', 'early-cn', 'BANK_TRANSFER'],
      [4, 4, '500.00', '2025-05-20T02:00:00Z', 'mid-cn', 'BANK_TRANSFER'],
      [5, 3, '400.00', '2025-06-18T02:00:00Z', 'mid-cn', 'WECHAT_PAY'],
    ] as const;
    for (const [n, caseN, amount, receivedAt, team, method] of payments)
      await admin.createRecord(
        'payment',
        {
          caseNumber: `DC-2025-00000${caseN}`,
          reference: `PAY-${n}`,
          amount,
          currency: 'CNY',
          method,
          receivedAt,
        },
        { ownerTeamId: team },
      );
    manager = await ApiSession.login(base, 'wang.li', USER_PASSWORD);
    browser = await launchIsolatingBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (webDist) await rm(webDist, { recursive: true, force: true });
  });

  it('a manager sees the KPIs the API computes, filters by team, drills down from a bar, exports CSV and switches language', async () => {
    const { page, errors, close } = await openPage(browser, 'dashboards-manager');
    await logIn(page, base, 'wang.li', USER_PASSWORD, '/');
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('link', { name: 'Collection team KPIs' }).click();
    await poll(() => page.getByTestId('dashboard').count()).toBe(1);
    // June 2025, as a link to a filtered dashboard would open it.
    await page.goto(`${base}/dashboards/collection-kpis?${JUNE}`);

    const api = await manager.must('GET', `/api/dashboards/collection-kpis/data?${JUNE}`);
    const collected = api.widgets.find((w: Body) => w.id === 'collected');
    // 100 + 200 + 2000 + 400 in June; May's 500 is the previous period.
    expect(collected.kpi.value).toBe('2700.00');
    expect(collected.kpi.previous).toBe('500.00');
    const kpi = page.getByTestId('kpi-collected');
    await poll(() => kpi.getAttribute('data-value')).toBe(collected.kpi.value);
    expect(await kpi.textContent()).toBe('¥2,700.00');
    // Target: the three liaisons' monthly targets, 23,000.00; +440% against May's 500.00.
    expect(await page.getByTestId('kpi-target-collected').textContent()).toContain('¥23,000.00');
    expect(await page.getByTestId('kpi-change-collected').textContent()).toContain('440%');
    const liquidation = api.widgets.find((w: Body) => w.id === 'liquidation-rate');
    await poll(() => page.getByTestId('kpi-liquidation-rate').getAttribute('data-value')).toBe(
      String(liquidation.kpi.value),
    );
    // Both teams have a bar of collected and one of target.
    await poll(async () => (await bars(page, 'collected-by-team')).length).toBe(4);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-kpis.en.png') });

    // The team filter: every widget follows.
    await choose(page, 'Team', 'Mid team');
    await page.keyboard.press('Escape');
    await poll(() => new URL(page.url()).searchParams.getAll('team')).toEqual(['mid-cn']);
    const mid = await manager.must('GET', `/api/dashboards/collection-kpis/data?${JUNE}&team=mid-cn`);
    expect(mid.widgets.find((w: Body) => w.id === 'collected').kpi.value).toBe('400.00');
    await poll(() => kpi.getAttribute('data-value')).toBe('400.00');
    await poll(async () => (await bars(page, 'collected-by-team')).length).toBe(2);
    await poll(() => page.getByTestId('kpi-target-collected').textContent()).toContain('¥8,000.00');

    // Drill-down: the mid team's "collected" bar opens its payments.
    await clickBar(page, 'collected-by-team', 0, 0);
    const drill = page.getByTestId('drill-down');
    await poll(() => drill.locator('tbody tr.ant-table-row').count()).toBe(1);
    await poll(() => drill.textContent()).toContain('DC-2025-000003');
    expect(await drill.textContent()).toContain('PAY-5');
    expect(await page.getByTestId('drill-point').textContent()).toContain('Mid team');
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('drill-down').count()).toBe(0);

    // CSV export of a widget: the rows the API sent, exactly.
    await page.getByTestId('export-collected-by-team').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.ant-dropdown:visible').getByText('Export CSV').click(),
    ]);
    expect(download.suggestedFilename()).toBe('collection-kpis-collected-by-team.csv');
    const csv = (await readFile((await download.path()) as string, 'utf8')).replace(/^\uFEFF/, '');
    const widget = mid.widgets.find((w: Body) => w.id === 'collected-by-team');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(1 + widget.rows.length);
    expect(lines[0]).toContain('Collected');
    expect(lines.slice(1)).toEqual(widget.rows.map((r: unknown[]) => r.map((v) => v ?? '').join(',')));
    expect(lines[1]).toMatch(/^mid-cn,400\.00,/);

    // Chinese: titles from the definition, money in the Chinese format.
    await page.getByText('中文').click();
    await poll(() => page.locator('h1').textContent()).toContain('催收团队 KPI');
    expect(await page.getByTestId('widget-collected').textContent()).toContain('本期回款');
    await poll(() => kpi.textContent()).toBe('¥400.00');
    await page.goto(`${base}/dashboards/collection-kpis?${JUNE}`);
    await poll(async () => (await bars(page, 'collected-by-team')).length).toBe(4);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-kpis.zh.png') });
    await page.getByText('EN', { exact: true }).click();
    expect(errors).toEqual([]);
    await close();
  });

  it('a strategist adds a bar widget with a live preview and saves it as a new version', async () => {
    const { page, errors, close } = await openPage(browser, 'dashboards-editor');
    await logIn(page, base, 'zhao.ce', USER_PASSWORD, `/dashboards/collection-kpis?${JUNE}`);
    await page.getByTestId('edit-dashboard').click();
    await poll(() => page.getByTestId('dashboard-editor').count()).toBe(1);
    const before = await admin.must('GET', '/api/dashboards/collection-kpis');

    await page.getByTestId('add-widget').click();
    const builder = page.getByTestId('widget-builder');
    await choose(page, 'Dataset', 'Payment', builder);
    await choose(page, 'Aggregation', 'Sum', builder);
    await choose(page, 'Measure field', 'Amount', builder);
    await choose(page, 'Dimension', 'Method', builder);
    await builder.getByTestId('builder-title-zh').fill('按还款方式回款');
    await builder.getByTestId('builder-title-en').fill('Collected by method');
    // The preview: June's payments by method, as POST /api/dashboards/query answers.
    await poll(async () => (await bars(page, 'preview')).length).toBe(3);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-editor-preview.en.png') });
    await builder.getByTestId('builder-add').click();
    const added = page.getByTestId('widget-collected-by-method');
    await poll(() => added.count()).toBe(1);
    await added.getByTestId('size-collected-by-method').click();
    await page.locator('.ant-dropdown:visible').getByText('Wider', { exact: true }).click();
    await poll(() => added.getByTestId('layout-collected-by-method').textContent()).toMatch(/^0,\d+ 7×4$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-editor.en.png'), fullPage: true });

    await page.getByTestId('save-dashboard').click();
    await poll(() => page.getByTestId('dashboard').getAttribute('data-version')).toBe(
      String(before.version + 1),
    );
    const saved = await admin.must('GET', '/api/dashboards/collection-kpis');
    const widget = saved.definition.widgets.find((w: Body) => w.id === 'collected-by-method');
    expect(widget).toMatchObject({
      type: 'bar',
      title: { 'zh-CN': '按还款方式回款', en: 'Collected by method' },
      layout: { x: 0, w: 7, h: 4 },
      query: {
        dataset: { form: 'payment' },
        measures: [{ id: 'value', op: 'sum', field: '/amount' }],
        dimensions: [{ id: 'group', field: '/method' }],
        follow: { period: '/receivedAt', currency: '/currency' },
      },
    });
    // The new version shows the widget with its data: three methods in June.
    await poll(async () => (await bars(page, 'collected-by-method')).length).toBe(3);
    const versions = await admin.must('GET', '/api/dashboards/collection-kpis/versions');
    expect(versions.map((v: Body) => v.version)).toEqual([before.version + 1, before.version]);

    // The version list in the editor, in Chinese.
    await page.getByText('中文').click();
    await page.getByTestId('edit-dashboard').click();
    await page.getByTestId('versions-button').click();
    await poll(() => page.getByTestId('versions-list').locator('tbody tr.ant-table-row').count()).toBe(2);
    await page.keyboard.press('Escape');
    // The drawer is gone and the editor holds the loaded definition before it is changed (on a
    // loaded machine the definition may arrive after a fill and overwrite it).
    await poll(() => page.getByTestId('versions-list').isVisible()).toBe(false);
    await poll(() => page.getByTestId('title-en').inputValue()).not.toBe('');
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-editor.zh.png') });

    // A definition the server refuses is shown with its problems, and nothing is saved.
    await page.getByTestId('title-en').fill('');
    expect(await page.getByTestId('title-en').inputValue()).toBe('');
    await page.getByTestId('save-dashboard').click();
    await poll(() => page.getByTestId('save-problem').count()).toBe(1);
    expect(await page.getByTestId('save-problem').textContent()).toContain('/title/en');
    expect((await admin.must('GET', '/api/dashboards/collection-kpis')).version).toBe(before.version + 1);
    await page.getByText('EN', { exact: true }).click();
    expect(errors).toEqual([]);
    await close();
  });

  it('a strategist builds a ratio KPI with a condition on a looked-up field and a pivot, sees a server problem in the preview, and saves both', async () => {
    const { page, errors, close } = await openPage(browser, 'dashboards-builder', {
      viewport: { width: 1366, height: 768 },
    });
    await logIn(page, base, 'zhao.ce', USER_PASSWORD, `/dashboards/collection-kpis?${JUNE}`);
    await page.getByTestId('edit-dashboard').click();
    await poll(() => page.getByTestId('title-en').inputValue()).not.toBe('');
    const before = await admin.must('GET', '/api/dashboards/collection-kpis');

    // A KPI: the share of June's payments that came from cases in the 30-59 days bucket.
    await page.getByTestId('add-widget').click();
    const builder = page.getByTestId('widget-builder');
    await choose(page, 'Dataset', 'Payment', builder);
    await choose(page, 'Chart type', 'KPI number', builder);
    await builder.getByTestId('add-lookup').click();
    const lookup = builder.getByTestId('builder-lookup-0');
    await choose(page, 'Form to look up', 'Debt case', lookup);
    await choose(page, 'Matching field of this dataset', 'Case number', lookup);
    await choose(page, 'Matching field of the looked-up form', 'Case number', lookup);
    const first = builder.getByTestId('builder-measure-0');
    await choose(page, 'Aggregation', 'Sum', first);
    await choose(page, 'Measure field', 'Amount', first);
    await builder.getByTestId('add-condition-0').click();
    const condition = first.getByTestId('condition-0');
    await choose(page, 'Condition field', 'Debt case › Bucket (days)', condition);
    await choose(page, 'Comparison', 'is one of', condition);
    await choose(page, 'Condition value', '30-59', condition);
    // Close the multiple choice's list (Escape would close the drawer too).
    await first.locator('legend').click();
    await builder.getByTestId('add-measure').click();
    const second = builder.getByTestId('builder-measure-1');
    await choose(page, 'Aggregation', 'Sum', second);
    await choose(page, 'Measure field', 'Amount', second);
    await builder.getByTestId('add-ratio').click();
    await builder.getByTestId('builder-title-zh').fill('30-59 天案件回款占比');
    await builder.getByTestId('builder-title-en').fill('Collected from 30-59 days');
    // Case 1 (30-59 days) paid 100 + 200 of June's 2,700.
    const previewKpi = builder.getByTestId('kpi-preview');
    await poll(() => previewKpi.getAttribute('data-value')).toMatch(/^0\.1111/);
    expect(await previewKpi.textContent()).toBe('11.1%');
    await previewKpi.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-builder-ratio.en.png') });
    await builder.getByTestId('builder-add').click();
    await poll(() => page.getByTestId('widget-collected-from-30-59-days').count()).toBe(1);

    // A pivot, built in Chinese: collected by the case's team (rows) and the payment method (columns).
    await page.getByText('中文').click();
    await page.getByTestId('add-widget').click();
    await choose(page, '数据集', '还款记录', builder);
    await choose(page, '图表类型', '透视表', builder);
    await builder.getByTestId('add-lookup').click();
    await choose(page, '关联的表单', '债务案件', lookup);
    await choose(page, '本数据集的匹配字段', '案件编号', lookup);
    await choose(page, '关联表单的匹配字段', '案件编号', lookup);
    await choose(page, '汇总方式', '求和', first);
    await choose(page, '度量字段', '金额', first);
    await choose(page, '行维度', '债务案件 › 所属小组', builder);
    await choose(page, '列维度', '还款方式', builder);
    await builder.getByTestId('builder-title-zh').fill('各小组按还款方式回款');
    await builder.getByTestId('builder-title-en').fill('Team by method');
    const preview = builder.getByTestId('builder-preview');
    // The early team's bank transfers: 100 + 2,000.
    await poll(() => preview.textContent()).toContain('¥2,100.00');
    // A date the server refuses (no 30 February): its problem+json shows in the preview, at its pointer.
    await builder.getByTestId('add-condition-0').click();
    await choose(page, '条件字段', '债务案件 › 到期日', condition);
    await choose(page, '比较方式', '等于', condition);
    await condition.getByTestId('filter-value').fill('2025-02-30');
    const problem = builder.getByTestId('preview-problem');
    await poll(() => problem.count()).toBe(1);
    expect(await problem.textContent()).toContain('2025-02-30');
    expect(await problem.textContent()).toContain('/query/measures/0/filters/0/value');
    await problem.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-builder-problem.zh.png') });
    await condition.getByTestId('remove-condition').click();
    await poll(() => preview.textContent()).toContain('¥2,100.00');
    await preview.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-builder-pivot.zh.png') });
    await builder.getByTestId('builder-add').click();
    await poll(() => page.getByTestId('widget-team-by-method').count()).toBe(1);

    await page.getByTestId('save-dashboard').click();
    await poll(() => page.getByTestId('dashboard').getAttribute('data-version')).toBe(
      String(before.version + 1),
    );
    const saved = await admin.must('GET', '/api/dashboards/collection-kpis');
    const lookups = [{ id: 'debt-case', form: 'debt-case', from: '/caseNumber', to: '/caseNumber' }];
    expect(saved.definition.widgets.find((w: Body) => w.id === 'collected-from-30-59-days')).toMatchObject({
      type: 'kpi',
      value: 'ratio',
      query: {
        dataset: { form: 'payment' },
        lookups,
        measures: [
          {
            id: 'value',
            op: 'sum',
            field: '/amount',
            filters: [{ field: 'debt-case:/dpdBucket', op: 'in', values: ['30-59'] }],
          },
          { id: 'value2', op: 'sum', field: '/amount' },
          { id: 'ratio', op: 'ratio', numerator: 'value', denominator: 'value2', format: 'percent' },
        ],
        follow: { period: '/receivedAt', team: 'debt-case:/team', currency: '/currency' },
      },
    });
    expect(saved.definition.widgets.find((w: Body) => w.id === 'team-by-method')).toMatchObject({
      type: 'pivot',
      pivot: { rows: ['group'], columns: ['across'], value: 'value' },
      query: {
        lookups,
        measures: [{ id: 'value', op: 'sum', field: '/amount' }],
        dimensions: [
          { id: 'group', field: 'debt-case:/team' },
          { id: 'across', field: '/method' },
        ],
      },
    });
    // The saved dashboard draws both from its own data.
    await poll(() => page.getByTestId('kpi-collected-from-30-59-days').textContent()).toBe('11.1%');
    await poll(() => page.getByTestId('widget-team-by-method').textContent()).toContain('¥2,100.00');
    await page.getByTestId('widget-team-by-method').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-builder-saved.zh.png') });
    await page.getByText('EN', { exact: true }).click();
    expect(errors).toEqual([]);
    await close();
  });

  it('a widget the user may not see fails alone, with its reason, and the others still show', async () => {
    // Grouping by the payer's name (a sensitive field) needs sensitive.view, which strategists lack.
    const payments = { dataset: { form: 'payment' }, measures: [{ id: 'n', op: 'count' }] };
    await admin.must(
      'PUT',
      '/api/dashboards/payers',
      {
        baseVersion: null,
        definition: {
          key: 'payers',
          title: { 'zh-CN': '还款人', en: 'Payers' },
          widgets: [
            {
              id: 'payments',
              type: 'kpi',
              title: { 'zh-CN': '还款笔数', en: 'Payments' },
              layout: { x: 0, y: 0, w: 3, h: 2 },
              query: payments,
            },
            {
              id: 'by-payer',
              type: 'bar',
              title: { 'zh-CN': '按还款人', en: 'By payer' },
              layout: { x: 3, y: 0, w: 9, h: 4 },
              query: { ...payments, dimensions: [{ id: 'payer', field: '/payerName' }] },
            },
          ],
        },
      },
      [201],
    );
    const { page, errors, close } = await openPage(browser, 'dashboards-widget-error');
    await logIn(page, base, 'zhao.ce', USER_PASSWORD, '/dashboards/payers');
    await poll(() => page.getByTestId('widget-error-by-payer').count()).toBe(1);
    expect(await page.getByTestId('widget-error-by-payer').textContent()).toContain('/payerName');
    await poll(() => page.getByTestId('kpi-payments').getAttribute('data-value')).toBe('5');
    expect(errors).toEqual([]);
    await close();
  });

  it('a strategist reopens a built-in KPI, changes a measure, sees the preview with its change against the previous period, and saves it in place', async () => {
    // Contact attempts: in June 3 of 5 reached the debtor, on 2 cases; in May 1 of 2, on 1 case.
    const attempts = [
      [1, 'RPC_PAID', '2025-06-03T02:00:00Z'],
      [1, 'NO_ANSWER', '2025-06-04T02:00:00Z'],
      [1, 'RPC_REFUSED', '2025-06-10T02:00:00Z'],
      [1, 'BUSY', '2025-06-11T02:00:00Z'],
      [2, 'RPC_PAID', '2025-06-12T02:00:00Z'],
      [1, 'RPC_PAID', '2025-05-06T02:00:00Z'],
      [1, 'NO_ANSWER', '2025-05-07T02:00:00Z'],
    ] as const;
    for (const [caseN, outcomeCode, occurredAt] of attempts)
      await admin.createRecord(
        'contact-attempt',
        {
          caseNumber: `DC-2025-00000${caseN}`,
          debtorNo: `DB-000${caseN}`,
          party: 'DEBTOR',
          channel: 'CALL',
          direction: 'OUTBOUND',
          occurredAt,
          outcomeCode,
          agentId: caseN === 1 ? 'u-a1' : 'u-a2',
          durationSeconds: 60,
        },
        { ownerTeamId: 'early-cn' },
      );
    const { page, errors, close } = await openPage(browser, 'dashboards-reopen', {
      viewport: { width: 1366, height: 900 },
    });
    await logIn(page, base, 'zhao.ce', USER_PASSWORD, `/dashboards/collection-kpis?${JUNE}`);
    await poll(() => page.getByTestId('kpi-rpc-rate').getAttribute('data-value')).toMatch(/^0\.6/);
    await page.getByTestId('edit-dashboard').click();
    await poll(() => page.getByTestId('title-en').inputValue()).not.toBe('');
    const before = await admin.must('GET', '/api/dashboards/collection-kpis');
    const original = before.definition.widgets.find((w: Body) => w.id === 'rpc-rate');

    // A widget made of parts of other datasets opens as its JSON, read-only, saying why.
    await page.getByTestId('edit-collected').click();
    const json = page.getByTestId('widget-json');
    await poll(() => json.count()).toBe(1);
    expect(await json.textContent()).toContain('it combines parts from other datasets (combine)');
    expect(await json.locator('pre').textContent()).toContain('"combine"');
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-reopen-json.en.png') });
    await page.keyboard.press('Escape');
    await poll(() => json.count()).toBe(0);

    // The RPC rate reopens pre-filled; its preview shows June against May, as the dashboard does.
    await page.getByTestId('edit-rpc-rate').click();
    const builder = page.getByTestId('widget-builder');
    await poll(() => builder.getByTestId('builder-title-en').inputValue()).toBe('Right-party contact rate');
    const value = builder.getByTestId('kpi-preview');
    const change = builder.getByTestId('kpi-change-preview');
    await poll(() => value.getAttribute('data-value')).toMatch(/^0\.6/);
    await poll(() => change.textContent()).toContain('vs previous period');
    // The right-party contacts become the distinct cases reached: 2 of 5 in June, 1 of 2 in May.
    const second = builder.getByTestId('builder-measure-1');
    await choose(page, 'Aggregation', 'Distinct count', second);
    await choose(page, 'Measure field', 'Case number', second);
    await poll(() => value.getAttribute('data-value')).toMatch(/^0\.4/);
    await poll(() => change.textContent()).toMatch(/-20(\.0)?% vs previous period/);
    expect(await change.textContent()).toContain('(Previous 50%)');
    await value.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-reopen-preview.en.png') });
    await builder.getByTestId('builder-add').click();
    await poll(() => builder.count()).toBe(0);
    await poll(() => page.getByTestId('kpi-rpc-rate').getAttribute('data-value')).toMatch(/^0\.4/);
    // The edited widget reopens as it now is, in Chinese.
    await page.getByText('中文').click();
    await page.getByTestId('edit-rpc-rate').click();
    await poll(() => change.textContent()).toContain('较上期');
    await poll(() => value.getAttribute('data-value')).toMatch(/^0\.4/);
    await value.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-reopen-preview.zh.png') });
    await page.keyboard.press('Escape');
    await poll(() => builder.count()).toBe(0);

    await page.getByTestId('save-dashboard').click();
    await poll(() => page.getByTestId('dashboard').getAttribute('data-version')).toBe(
      String(before.version + 1),
    );
    const saved = await admin.must('GET', '/api/dashboards/collection-kpis');
    const widgets = saved.definition.widgets;
    // Same place among the widgets, same id and layout; the one measure changed, the rest as they were.
    expect(widgets.map((w: Body) => w.id)).toEqual(before.definition.widgets.map((w: Body) => w.id));
    const widget = widgets.find((w: Body) => w.id === 'rpc-rate');
    expect(widget).toMatchObject({
      type: 'kpi',
      title: original.title,
      layout: original.layout,
      value: 'rpcRate',
      compare: 'previousPeriod',
      drill: original.drill,
    });
    expect(widget.query).toEqual({
      ...original.query,
      measures: [
        original.query.measures[0],
        {
          id: 'rightParty',
          op: 'countDistinct',
          field: '/caseNumber',
          filters: original.query.measures[1].filters,
          label: { 'zh-CN': '案件编号去重计数（筛选后）', en: 'Distinct count of Case number (filtered)' },
        },
        original.query.measures[2],
      ],
    });
    // The saved dashboard shows the new number and its change against May.
    await poll(() => page.getByTestId('kpi-rpc-rate').getAttribute('data-value')).toMatch(/^0\.4/);
    await poll(() => page.getByTestId('kpi-change-rpc-rate').textContent()).toContain('较上期');
    await page.getByTestId('widget-rpc-rate').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-reopen-saved.zh.png') });
    await page.getByText('EN', { exact: true }).click();
    expect(errors).toEqual([]);
    await close();
  });

  it('a user without dashboards.view has no navigation entry and a clear message on the URL', async () => {
    const { page, errors, close } = await openPage(browser, 'dashboards-forbidden');
    await logIn(page, base, 'qian.yu', USER_PASSWORD, '/');
    await poll(() => page.getByRole('link', { name: 'Cases' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Dashboards' }).count()).toBe(0);
    await page.goto(`${base}/dashboards/collection-kpis`);
    await poll(() => page.getByTestId('dashboards-forbidden').count()).toBe(1);
    expect(await page.getByTestId('dashboards-forbidden').textContent()).toContain('dashboards.view');
    await page.goto(`${base}/dashboards/collection-kpis/edit`);
    await poll(() => page.getByTestId('dashboards-forbidden').count()).toBe(1);
    const denied = await (await ApiSession.login(base, 'qian.yu', USER_PASSWORD)).request(
      'GET',
      '/api/dashboards/collection-kpis/data',
    );
    expect(denied.status).toBe(403);
    expect(errors).toEqual([]);
    await close();
  });
});
