import { join } from 'node:path';
import type { StartedServer } from '@collectflow/cli';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession } from './support/api-session.js';
import { browserAvailability, type IsolatingBrowser, launchIsolatingBrowser } from './support/chromium.js';
import { serveApp } from './support/served-app.js';
import { ADMIN_PASSWORD, USER_PASSWORD } from './support/web-fixtures.js';
import { logIn, openPage, poll, SCREENSHOTS } from './support/web-page.js';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 1),
]);

/**
 * Drags with the mouse onto the bottom of a drop zone (below its last field), in small steps so
 * that dnd-kit's pointer sensor sees a real drag.
 */
async function drag(page: Page, from: Locator, zone: Locator): Promise<void> {
  // Both ends in view: the palette item (in the sticky palette's own scroll box), and the zone's end.
  const viewport = page.viewportSize();
  const inView = (b: { y: number; height: number } | null) =>
    b !== null && viewport !== null && b.y + b.height / 2 >= 0 && b.y + b.height - 14 <= viewport.height;
  await from.evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
  if (!inView(await zone.boundingBox())) await zone.evaluate((el) => el.scrollIntoView({ block: 'end' }));
  const box = await from.boundingBox();
  const target = await zone.boundingBox();
  if (!box || !target || !inView(box) || !inView(target))
    throw new Error(`drag ends out of view: from ${JSON.stringify(box)} to ${JSON.stringify(target)}`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const to = { x: target.x + target.width / 2, y: target.y + target.height - 14 };
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 12, y + 12, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 16 });
  await page.mouse.move(to.x, to.y + 1, { steps: 2 });
  await page.mouse.up();
}

/** Opens an antd Select with the mouse and clicks the option with this text. */
async function pick(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  const choice = page.locator(
    '.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option',
    {
      hasText: option,
    },
  );
  await choice.first().click();
}

async function label(page: Page, en: string, zh: string): Promise<void> {
  await page.getByTestId('prop-label-en').fill(en);
  await page.getByTestId('prop-label-zh').fill(zh);
}

const availability = browserAvailability();

describe.skipIf(!availability.run)('the form designer in Chromium', () => {
  let server: StartedServer;
  let browser: IsolatingBrowser;
  let admin: ApiSession;
  let base: string;

  beforeAll(async () => {
    server = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD });
    base = server.url.replace('localhost', '127.0.0.1');
    admin = await ApiSession.login(base, 'admin', ADMIN_PASSWORD);
    await admin.user('lin.design', {
      displayName: 'Lin Design',
      roles: ['designer'],
      password: USER_PASSWORD,
    });
    await admin.team('team-field', '外访组', 'Field team');
    await admin.user('wu.liaison', {
      displayName: 'Wu Liaison',
      roles: ['liaison'],
      teamId: 'team-field',
      password: USER_PASSWORD,
    });
    browser = await launchIsolatingBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, 240_000);

  it('with the mouse, builds a form of seven field types with a condition and a computed field, publishes it, and an end user fills it, attaching a file', async () => {
    const { page, errors, close } = await openPage(browser, 'designer-build');
    await logIn(page, base, 'lin.design', USER_PASSWORD, '/');
    await page.getByRole('link', { name: 'Form designer' }).click();
    await page.getByRole('button', { name: 'New form' }).click();
    await page.getByLabel('Form key').fill('visit-report');
    await page.getByLabel('Chinese name').fill('走访报告');
    await page.getByLabel('English name').fill('Visit report');
    await page.getByRole('button', { name: 'Create' }).click();
    await poll(() => page.getByTestId('designer').count()).toBe(1);
    const root = page.getByTestId('zone-root');

    // Text, dragged onto the empty canvas; its key follows the English label. Required.
    await drag(page, page.getByTestId('palette-text'), root);
    await poll(() => page.getByTestId('prop-label-en').count()).toBe(1);
    await label(page, 'Debtor name', '债务人姓名');
    await poll(() => page.getByTestId('prop-key').inputValue()).toBe('debtorName');
    await page.getByTestId('prop-required').click();

    // Single choice with two options; the option values follow the English labels.
    await drag(page, page.getByTestId('palette-singleChoice'), root);
    await label(page, 'Visit result', '走访结果');
    await page.getByTestId('add-option').click();
    await page.getByTestId('option-0-zh').fill('见到本人');
    await page.getByTestId('option-0-en').fill('Met');
    await page.getByTestId('add-option').click();
    await page.getByTestId('option-1-zh').fill('不在家');
    await page.getByTestId('option-1-en').fill('Not home');
    expect(await page.getByTestId('option-1-value').inputValue()).toBe('NOT_HOME');

    // Long text, shown only when the visit result is "Not home" (pickers, no typing).
    await drag(page, page.getByTestId('palette-longText'), root);
    await label(page, 'Reason', '原因');
    await page.getByTestId('prop-required').click();
    await pick(page, page.getByTestId('condition-field'), 'Visit result');
    await pick(page, page.getByTestId('condition-value'), 'Not home');
    await poll(() => page.getByTestId('field-reason').textContent()).toContain('Condition');

    // A section dragged to the end, and a number field added into it with a click on the palette.
    await drag(page, page.getByTestId('palette-section'), root);
    await label(page, 'Household', '家庭情况');
    await page.getByTestId('palette-number').click();
    await label(page, 'Members', '家庭人数');
    await poll(() => page.getByTestId('field-household').getByTestId('field-members').count()).toBe(1);
    // And a text field dragged into the section, below the number.
    const household = page.getByTestId('field-household').locator('[data-testid^="zone-"]');
    await drag(page, page.getByTestId('palette-text'), household);
    await label(page, 'Contact person', '联系人');
    expect(
      await household
        .locator(':scope > [data-testid^="field-"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))),
    ).toEqual(['field-members', 'field-contactPerson']);

    // Money (required), a number at the top level, and a computed field built with the field picker.
    await drag(page, page.getByTestId('palette-money'), root);
    await label(page, 'Amount promised', '承诺金额');
    await page.getByTestId('prop-required').click();
    await drag(page, page.getByTestId('palette-number'), root);
    await label(page, 'Installments', '期数');
    await drag(page, page.getByTestId('palette-computed'), root);
    await label(page, 'Installment amount', '每期金额');
    await page.getByTestId('insert-amountPromised').click();
    await page.getByTestId('op-/').click();
    await page.getByTestId('insert-installments').click();
    await poll(() => page.getByTestId('prop-expression').inputValue()).toBe('amountPromised / installments');
    // A file attachment: an upload for the end user.
    await drag(page, page.getByTestId('palette-file'), root);
    await label(page, 'Photos', '照片');

    const topLevel = () =>
      page
        .locator('[data-testid="zone-root"] > [data-testid^="field-"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    const fields = [
      'field-debtorName',
      'field-visitResult',
      'field-reason',
      'field-household',
      'field-amountPromised',
      'field-installments',
      'field-installmentAmount',
      'field-photos',
    ];
    expect(await topLevel()).toEqual(fields);
    await page.getByTestId('field-amountPromised').getByRole('button').first().click();
    expect(await page.getByTestId('field-amountPromised').textContent()).toContain('*');
    await page.screenshot({ path: join(SCREENSHOTS, 'designer-canvas.en.png') });

    // The preview is the renderer end users get: the condition hides the reason until "Not home".
    await page.getByRole('tab', { name: 'Preview' }).click();
    const preview = page.getByTestId('preview');
    await poll(() => preview.getByLabel('Debtor name').count()).toBe(1);
    expect(await preview.getByLabel('Members').count()).toBe(1);
    expect(await preview.getByLabel('Reason').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'designer-preview.en.png') });

    await page.getByTestId('save-draft').click();
    await poll(() => page.getByText('Draft saved').count()).toBe(1);
    await poll(() => page.getByTestId('dirty').count()).toBe(0);
    await page.getByTestId('publish').click();
    await poll(() => page.getByText('Never published: this will be version 1').count()).toBe(1);
    await page.getByTestId('publish-confirm').click();
    await poll(() => page.getByText('Published version 1').count()).toBe(1);

    const version = await admin.must('GET', '/api/forms/visit-report/versions/1');
    expect(Object.keys(version.schema.properties).sort()).toEqual(
      fields.map((f) => f.slice('field-'.length)).sort(),
    );
    expect(version.uiSchema['ui:order']).toEqual(fields.map((f) => f.slice('field-'.length)));
    expect(version.schema.required).toEqual(['debtorName', 'amountPromised']);
    expect(version.schema.properties.visitResult.enum).toEqual(['MET', 'NOT_HOME']);
    expect(version.schema.allOf).toEqual([
      {
        if: { properties: { visitResult: { const: 'NOT_HOME' } }, required: ['visitResult'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then`, never awaited
        then: { properties: { reason: true }, required: ['reason'] },
      },
    ]);
    expect(version.schema.properties.household.properties.members.type).toBe('number');
    expect(version.uiSchema.household['ui:order']).toEqual(['members', 'contactPerson']);
    expect(version.schema.properties.amountPromised.format).toBe('decimal');
    expect(version.schema.properties.debtorName['x-i18n']['zh-CN'].title).toBe('债务人姓名');
    expect(version.metadata.computed).toEqual([
      { pointer: '/installmentAmount', expression: 'amountPromised / installments', type: 'money' },
    ]);

    // Reopened, the designer shows the same fields in the same places.
    await page.reload();
    await poll(() => page.getByTestId('field-debtorName').count()).toBe(1);
    expect(await topLevel()).toEqual(fields);
    expect(await page.getByTestId('field-household').getByTestId('field-members').count()).toBe(1);
    expect(await page.getByTestId('field-reason').textContent()).toContain('Condition');
    expect(await page.getByTestId('dirty').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();

    // An end user fills the published form; the reason appears only once "Not home" is chosen.
    const user = await openPage(browser, 'designer-fill');
    const form = user.page;
    await logIn(form, base, 'wu.liaison', USER_PASSWORD, '/forms');
    await form
      .getByRole('row', { name: /Visit report/ })
      .getByRole('button', { name: 'New record' })
      .click();
    await poll(() => form.getByLabel('Debtor name').count()).toBe(1);
    await form.getByLabel('Debtor name').fill('Wang Fang');
    expect(await form.getByLabel('Reason').count()).toBe(0);
    await pick(form, form.getByLabel('Visit result'), 'Not home');
    await poll(() => form.getByLabel('Reason').count()).toBe(1);
    await form.getByLabel('Reason').fill('Neighbours say the family moved out last month');
    await form.getByLabel('Members').fill('4');
    await form.getByLabel('Amount promised').fill('1200.00');
    await form.getByLabel('Installments').fill('3');
    await poll(() => form.getByLabel('Installment amount').inputValue()).toBe('400.00');
    const chooser = form.waitForEvent('filechooser');
    await form.getByRole('group', { name: 'Photos' }).getByRole('button', { name: 'Choose a file' }).click();
    await (await chooser).setFiles({ name: 'front-door.png', mimeType: 'image/png', buffer: PNG });
    await poll(() => form.getByTestId('file-field-photos').getByText('front-door.png').count()).toBe(1);
    await form.getByTestId('file-field-photos').scrollIntoViewIfNeeded();
    await form.screenshot({ path: join(SCREENSHOTS, 'designer-filled.en.png') });
    await form.getByRole('button', { name: 'Save' }).click();
    await poll(() => form.getByTestId('record-details').count()).toBe(1);

    await form.screenshot({ path: join(SCREENSHOTS, 'designer-record.en.png'), fullPage: true });
    const id = new URL(form.url()).pathname.split('/').pop();
    const record = await admin.must('GET', `/api/records/${id}`);
    const photo = record.data.photos?.[0];
    expect(photo).toMatchObject({ name: 'front-door.png', size: PNG.length, contentType: 'image/png' });
    // The record view's link is the permission-checked download, and it is the file.
    const link = form.getByTestId('record-details').getByTestId('file-link');
    expect(await link.getAttribute('href')).toBe(`/api/attachments/${photo.id}/content`);
    const download = await form.request.get(`${base}/api/attachments/${photo.id}/content`);
    expect(download.status()).toBe(200);
    expect(Buffer.from(await download.body())).toEqual(PNG);
    expect((await admin.must('GET', `/api/attachments/${photo.id}`)).subject).toEqual({ type: 'record', id });
    expect(record.formKey).toBe('visit-report');
    expect(record.formVersion).toBe(1);
    expect(record.data).toEqual({
      debtorName: 'Wang Fang',
      visitResult: 'NOT_HOME',
      reason: 'Neighbours say the family moved out last month',
      household: { members: 4 },
      amountPromised: '1200.00',
      installments: 3,
      installmentAmount: '400.00',
      photos: [photo],
    });
    expect(record.computed).toEqual({ '/installmentAmount': '400.00' });
    expect(user.errors).toEqual([]);
    await user.close();
  }, 240_000);

  it('publishing a change that removes a debtor field shows the breaking report and needs a confirmation', async () => {
    const { page, errors, close } = await openPage(browser, 'designer-breaking');
    await logIn(page, base, 'lin.design', USER_PASSWORD, '/designer/debtor');
    await poll(() => page.getByTestId('field-notes').count()).toBe(1);
    await page.getByTestId('field-notes').getByRole('button', { name: 'Delete notes', exact: true }).click();
    await poll(() => page.getByTestId('field-notes').count()).toBe(0);
    await poll(() => page.getByTestId('dirty').count()).toBe(1);

    // Undo brings it back, redo removes it again.
    await page.getByRole('button', { name: 'Undo' }).click();
    await poll(() => page.getByTestId('field-notes').count()).toBe(1);
    await page.getByRole('button', { name: 'Redo' }).click();
    await poll(() => page.getByTestId('field-notes').count()).toBe(0);

    // Leaving with unsaved changes asks first.
    await page.getByRole('link', { name: 'Home' }).click();
    await poll(() => page.getByText('Leave the designer?').count()).toBe(1);
    await page.getByRole('button', { name: 'Stay' }).click();
    // antd keeps a closed modal's content in the page, hidden: wait until the dialog is gone from view.
    await poll(() => page.getByRole('dialog', { name: 'Leave the designer?' }).isVisible()).toBe(false);
    expect(new URL(page.url()).pathname).toBe('/designer/debtor');

    await page.getByTestId('publish').click();
    const dialog = page.getByTestId('publish-dialog');
    await poll(() => dialog.getByTestId('breaking-changes').count()).toBe(1);
    expect(await dialog.getByTestId('breaking-changes').textContent()).toContain('/notes');
    await page.screenshot({ path: join(SCREENSHOTS, 'designer-breaking.en.png') });
    const confirm = page.getByTestId('publish-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByTestId('accept-breaking').click();
    expect(await confirm.isDisabled()).toBe(false);
    const before = await admin.must('GET', '/api/forms/debtor');
    await confirm.click();
    await poll(() => page.getByText(`Published version ${before.latestVersion + 1}`).count()).toBe(1);

    const latest = await admin.must('GET', '/api/forms/debtor/versions/latest');
    expect(latest.version).toBe(before.latestVersion + 1);
    expect(latest.schema.properties.notes).toBeUndefined();
    expect(latest.schema.properties.vulnerabilityNotes).toBeDefined();
    // What the designer does not edit came through untouched.
    expect(latest.schema.$defs.phoneNumber.anyOf).toHaveLength(3);
    expect(latest.schema.allOf).toHaveLength(3);
    const versions = await admin.must('GET', '/api/forms/debtor/versions');
    expect(versions.items[0].acceptedBreaking).toBe(true);

    await page.getByRole('tab', { name: 'Versions' }).click();
    await poll(() => page.getByTestId('diff').getByTestId('breaking-changes').count()).toBe(1);
    expect(await page.getByTestId('diff').textContent()).toContain('/notes');
    expect(errors).toEqual([]);
    await close();
  }, 240_000);

  it('an invalid JSON edit shows its error in place, and a valid one applies', async () => {
    const { page, errors, close } = await openPage(browser, 'designer-json');
    await logIn(page, base, 'lin.design', USER_PASSWORD, '/designer/visit-report');
    await poll(() => page.getByTestId('field-debtorName').count()).toBe(1);
    await page.getByRole('tab', { name: 'JSON' }).click();
    const text = page.getByTestId('json-text');
    expect(await text.getAttribute('readonly')).not.toBeNull();
    await page.getByTestId('json-edit').click();
    const original = await text.inputValue();

    await text.fill(`${original.slice(0, 40)}`);
    await poll(() => page.getByTestId('json-error').textContent()).toContain('Invalid JSON');
    expect(await page.getByTestId('json-apply').isDisabled()).toBe(true);

    const definition = JSON.parse(original);
    definition.schema.properties.debtorName.type = 'strin';
    await text.fill(JSON.stringify(definition, null, 2));
    await poll(() => page.getByTestId('json-error').textContent()).toContain('/schema/properties/debtorName');
    await page.screenshot({ path: join(SCREENSHOTS, 'designer-json.en.png') });

    definition.schema.properties.debtorName.type = 'string';
    definition.schema.properties.debtorName.maxLength = 80;
    await text.fill(JSON.stringify(definition, null, 2));
    await poll(() => page.getByTestId('json-error').count()).toBe(0);
    await poll(() => page.getByTestId('json-apply').isDisabled()).toBe(false);
    await page.getByTestId('json-apply').click();
    await page.getByRole('tab', { name: 'Design' }).click();
    await page.getByTestId('field-debtorName').getByRole('button').first().click();
    await poll(() => page.getByTestId('prop-maxLength').inputValue()).toBe('80');
    expect(errors).toEqual([]);
    await close();
  }, 240_000);

  it('duplicates a form under a new key with the same fields, as a draft', async () => {
    const { page, errors, close } = await openPage(browser, 'designer-duplicate');
    await logIn(page, base, 'lin.design', USER_PASSWORD, '/designer');
    await page.getByTestId('duplicate-visit-report').click();
    const dialog = page.getByRole('dialog', { name: 'Duplicate form' });
    await poll(() => dialog.getByLabel('Form key').inputValue()).toBe('visit-report-copy');
    expect(await dialog.getByLabel('English name').inputValue()).toBe('Visit report (copy)');
    expect(await dialog.getByLabel('Chinese name').inputValue()).toBe('走访报告（副本）');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await poll(() => new URL(page.url()).pathname).toBe('/designer/visit-report-copy');
    await poll(() => page.getByTestId('field-debtorName').count()).toBe(1);

    const source = await admin.must('GET', '/api/forms/visit-report/draft');
    const copy = await admin.must('GET', '/api/forms/visit-report-copy/draft');
    expect(copy.title).toEqual({ 'zh-CN': '走访报告（副本）', en: 'Visit report (copy)' });
    expect(copy.schema).toEqual(source.schema);
    expect(copy.uiSchema).toEqual(source.uiSchema);
    expect(copy.metadata).toEqual(source.metadata);
    expect((await admin.must('GET', '/api/forms/visit-report-copy')).latestVersion).toBeNull();
    expect(errors).toEqual([]);
    await close();
  }, 240_000);

  it('shows the designer in Chinese', async () => {
    const { page, errors, close } = await openPage(browser, 'designer-zh', { locale: 'zh-CN' });
    await logIn(page, base, 'lin.design', USER_PASSWORD, '/designer/visit-report');
    await poll(() => page.getByTestId('field-debtorName').count()).toBe(1);
    await page.evaluate(() => localStorage.setItem('collectflow.locale', 'zh-CN'));
    await page.reload();
    await poll(() => page.getByText('字段类型').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('field-debtorName').textContent()).toContain('债务人姓名');
    await page.getByTestId('field-visitResult').getByRole('button').first().click();
    await poll(() => page.getByTestId('properties').textContent()).toContain('中文标签');
    await page.screenshot({ path: join(SCREENSHOTS, 'designer-canvas.zh.png') });
    await page.getByRole('link', { name: '表单设计' }).click();
    await poll(() => page.getByText('新建表单').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'designer-list.zh.png') });
    expect(errors).toEqual([]);
    await close();
  }, 240_000);
});
