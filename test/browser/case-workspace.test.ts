import type { StartedServer } from '@collectflow/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession, packForm } from './support/api-session.js';
import { browserAvailability, type IsolatingBrowser, launchIsolatingBrowser } from './support/chromium.js';
import { serveApp } from './support/served-app.js';
import {
  ADMIN_PASSWORD,
  debtCase,
  debtorOf,
  supervisorReviewForm,
  USER_PASSWORD,
} from './support/web-fixtures.js';
import { logIn, openPage, poll } from './support/web-page.js';

const availability = browserAvailability();

/** Waits for the PaymentReceived of its case, then asks for a confirmation. */
const paymentWaitBpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://collectflow.dev/bpmn">
  <bpmn:message id="msg-paid" name="PaymentReceived" />
  <bpmn:process id="await-payment" name="Await a payment" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="paid" />
    <bpmn:intermediateCatchEvent id="paid" name="Payment received">
      <bpmn:messageEventDefinition messageRef="msg-paid" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="paid" targetRef="confirm" />
    <bpmn:userTask id="confirm" name="Confirm the payment" camunda:formKey="supervisor-review" camunda:candidateGroups="liaison" />
    <bpmn:sequenceFlow id="f3" sourceRef="confirm" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe.skipIf(!availability.run)('the case workspace in Chromium', () => {
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
    await admin.user('li.na', {
      displayName: 'Li Na',
      roles: ['liaison'],
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
    await admin.ensureForm(supervisorReviewForm);
    caseId = (await admin.createRecord('debt-case', debtCase('DC-2026-000501'), { ownerTeamId: 'team-east' }))
      .id;
    await admin.createRecord('debtor', debtorOf('DC-2026-000501'), { ownerTeamId: 'team-east' });
    await admin.deploy(paymentWaitBpmn);
    await admin.startInstance('await-payment', 'DC-2026-000501', {});
    browser = await launchIsolatingBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the case, logs a contact attempt and records a payment that moves the case’s flow on', async () => {
    const { page, errors, close } = await openPage(browser, 'case-workspace');
    await logIn(page, base, 'li.na', USER_PASSWORD, `/cases/${caseId}`);
    await poll(() => page.getByTestId('balances').textContent()).toContain('11,480.50');
    await poll(() => page.getByTestId('flows').textContent()).toContain('Payment received');
    expect(await page.getByTestId('debtor').textContent()).toContain('D-000501');

    // Log a contact attempt: case, debtor, agent and time come pre-filled.
    await page.getByRole('button', { name: 'Log contact attempt' }).click();
    const drawer = page.locator('.ant-drawer-open');
    await poll(() => drawer.getByLabel('Case number').inputValue()).toBe('DC-2026-000501');
    await drawer.getByLabel('Outcome', { exact: true }).click();
    await page.locator('.ant-select-item-option[title="No answer"]').click();
    // The choice is in the form before it is saved, and the drawer closes only once it is stored:
    // a failure here says which of the two did not happen.
    await poll(() => drawer.locator('.ant-select', { hasText: 'No answer' }).count()).toBe(1);
    await drawer.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.locator('.ant-drawer-open').count()).toBe(0);
    await poll(() => page.getByRole('tab', { name: 'Contact attempts (1)' }).count()).toBe(1);
    await poll(() => page.getByTestId('timeline').textContent()).toContain('Contact attempt added');

    // Record a payment: stored, then PaymentReceived goes to the flow waiting for this case.
    await page.getByRole('button', { name: 'Record payment' }).click();
    await poll(() => drawer.getByLabel('Amount', { exact: true }).count()).toBe(1);
    await drawer.getByLabel('Amount', { exact: true }).fill('500.00');
    await drawer.getByLabel('Method').click();
    await page.locator('.ant-select-item-option[title="Alipay"]').click();
    await drawer.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('Payment recorded; 1 flow(s) notified').count()).toBe(1);
    await poll(() => page.getByTestId('flows').textContent()).toContain('Confirm the payment');
    expect(await page.getByRole('tab', { name: 'Payments (1)' }).count()).toBe(1);

    const tasks = await admin.must('GET', '/api/tasks?businessKey=DC-2026-000501&scope=all');
    expect(tasks.items.map((t: { name: string }) => t.name)).toContain('Confirm the payment');
    expect(errors).toEqual([]);
    await close();
  });

  it('works on a tablet in portrait, in Chinese', async () => {
    const { page, errors, close } = await openPage(browser, 'case-workspace-tablet', {
      viewport: { width: 820, height: 1180 },
      locale: 'zh-CN',
    });
    await logIn(page, base, 'li.na', USER_PASSWORD, `/cases/${caseId}`);
    await poll(() => page.getByTestId('balances').textContent()).toContain('欠款余额');
    // No side menu on a tablet: it opens from the header.
    expect(await page.locator('.cf-sider').count()).toBe(0);
    await page.getByRole('button', { name: '菜单' }).click();
    await poll(() => page.getByRole('link', { name: '待办任务' }).count()).toBe(1);
    await page.getByRole('link', { name: '待办任务' }).click();
    await poll(() => page.getByRole('heading', { name: '待办任务' }).count()).toBe(1);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(820);
    expect(errors).toEqual([]);
    await close();
  });
});
