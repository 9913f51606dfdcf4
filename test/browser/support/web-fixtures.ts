import { ApiSession } from './api-session.js';

export const ADMIN_PASSWORD = 'admin password 1';
export const USER_PASSWORD = 'collect-2026-pass';

/**
 * The task form of the browser tests' small flow: labels in both languages, a radio choice, a
 * field that only an `if/then` shows, a computed total, and an ID number whose checksum only the
 * server checks (the browser validates shape, the server the domain rules).
 */
export const callOutcomeForm = {
  key: 'call-outcome',
  title: { 'zh-CN': '通话结果', en: 'Call outcome' },
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['caseNumber', 'debtorIdNumber', 'outcome'],
    properties: {
      caseNumber: {
        type: 'string',
        title: 'Case number',
        'x-i18n': { 'zh-CN': { title: '案件编号' }, en: { title: 'Case number' } },
      },
      debtorIdNumber: {
        type: 'string',
        title: 'Debtor ID number',
        format: 'cn-id-number',
        'x-i18n': { 'zh-CN': { title: '债务人身份证号' }, en: { title: 'Debtor ID number' } },
      },
      outcome: {
        type: 'string',
        title: 'Outcome',
        enum: ['PROMISE', 'CALLBACK', 'NO_ANSWER'],
        'x-i18n': {
          'zh-CN': { title: '结果', enumNames: ['承诺还款', '约定回拨', '无人接听'] },
          en: { title: 'Outcome', enumNames: ['Promise to pay', 'Call back', 'No answer'] },
        },
      },
      promisedAmount: {
        type: 'string',
        format: 'decimal',
        title: 'Promised amount',
        'x-i18n': { 'zh-CN': { title: '承诺金额' }, en: { title: 'Promised amount' } },
      },
      fee: {
        type: 'string',
        format: 'decimal',
        title: 'Fee',
        default: '0.00',
        'x-i18n': { 'zh-CN': { title: '费用' }, en: { title: 'Fee' } },
      },
      total: {
        type: 'string',
        format: 'decimal',
        title: 'Total',
        'x-i18n': { 'zh-CN': { title: '合计' }, en: { title: 'Total' } },
      },
      notes: {
        type: 'string',
        title: 'Notes',
        maxLength: 500,
        'x-i18n': { 'zh-CN': { title: '备注' }, en: { title: 'Notes' } },
      },
    },
    allOf: [
      {
        if: { properties: { outcome: { const: 'PROMISE' } }, required: ['outcome'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then
        then: { properties: { promisedAmount: true }, required: ['promisedAmount'] },
      },
    ],
  },
  uiSchema: {
    'ui:order': ['caseNumber', 'debtorIdNumber', 'outcome', 'promisedAmount', 'fee', 'total', 'notes'],
    outcome: { 'ui:widget': 'radio', 'ui:options': { inline: true } },
    caseNumber: { 'ui:readonly': true },
    notes: { 'ui:widget': 'textarea' },
  },
  metadata: {
    sensitive: ['/debtorIdNumber'],
    indexed: ['/caseNumber', '/outcome'],
    computed: [{ pointer: '/total', expression: 'promisedAmount + fee', type: 'money' }],
  },
};

export const supervisorReviewForm = {
  key: 'supervisor-review',
  title: { 'zh-CN': '主管复核', en: 'Supervisor review' },
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['approved'],
    properties: {
      approved: {
        type: 'boolean',
        title: 'Approved',
        'x-i18n': { 'zh-CN': { title: '同意' }, en: { title: 'Approved' } },
      },
      comment: {
        type: 'string',
        title: 'Comment',
        'x-i18n': { 'zh-CN': { title: '意见' }, en: { title: 'Comment' } },
      },
    },
  },
  uiSchema: {},
  metadata: { sensitive: [], indexed: [], computed: [] },
};

/** record the call (overdue, group liaison) → review it (same group) → end. */
export const callFlowBpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://collectflow.dev/bpmn">
  <bpmn:process id="call-follow-up" name="Call follow-up" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="record-call" />
    <bpmn:userTask id="record-call" name="Record the call outcome" camunda:formKey="call-outcome" camunda:candidateGroups="liaison" camunda:dueDate="\${callDue}" camunda:priority="70" />
    <bpmn:sequenceFlow id="f2" sourceRef="record-call" targetRef="review-call" />
    <bpmn:userTask id="review-call" name="Review the call" camunda:formKey="supervisor-review" camunda:candidateGroups="liaison" camunda:dueDate="P3D" camunda:priority="40" />
    <bpmn:sequenceFlow id="f3" sourceRef="review-call" targetRef="done" />
    <bpmn:endEvent id="done" />
  </bpmn:process>
</bpmn:definitions>`;

/** A simple form for record create/edit tests, with a `<script>` in a label (rendered as text). */
export const visitNoteForm = {
  key: 'visit-note',
  title: { 'zh-CN': '上门记录', en: 'Visit note' },
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['caseNumber', 'summary'],
    properties: {
      caseNumber: {
        type: 'string',
        title: 'Case number',
        'x-i18n': { 'zh-CN': { title: '案件编号' }, en: { title: 'Case number' } },
      },
      summary: {
        type: 'string',
        title: 'Summary',
        minLength: 3,
        'x-i18n': { 'zh-CN': { title: '摘要' }, en: { title: 'Summary' } },
      },
      visitor: {
        type: 'string',
        title: '<script>window.__labelXss = 1</script>Visitor',
        'x-i18n': {
          'zh-CN': { title: '<script>window.__labelXss = 1</script>走访人' },
          en: { title: '<script>window.__labelXss = 1</script>Visitor' },
        },
      },
      amountDiscussed: {
        type: 'string',
        format: 'decimal',
        title: 'Amount discussed',
        'x-i18n': { 'zh-CN': { title: '商谈金额' }, en: { title: 'Amount discussed' } },
      },
    },
  },
  uiSchema: { 'ui:order': ['caseNumber', 'summary', 'visitor', 'amountDiscussed'] },
  metadata: { sensitive: [], indexed: ['/caseNumber'], computed: [] },
};

/** A valid GB 11643 number and one with a wrong check character. */
export const VALID_ID_NUMBER = '11010519491231002X';
export const BAD_ID_NUMBER = '110105194912310021';

export interface WebWorld {
  admin: ApiSession;
  /** A liaison of team-east. */
  liaison: { username: string; password: string; userId: string };
}

/** Teams, a liaison, the call flow's forms and the flow itself, through the API as an administrator. */
export async function setUpCallFlow(baseUrl: string): Promise<WebWorld> {
  const admin = await ApiSession.login(baseUrl, 'admin', ADMIN_PASSWORD);
  await admin.team('team-east', '华东组', 'East team');
  await admin.team('team-west', '华西组', 'West team');
  const userId = await admin.user('li.na', {
    displayName: 'Li Na',
    roles: ['liaison'],
    teamId: 'team-east',
    password: USER_PASSWORD,
  });
  await admin.publishForm(callOutcomeForm);
  await admin.publishForm(supervisorReviewForm);
  await admin.deploy(callFlowBpmn);
  return { admin, liaison: { username: 'li.na', password: USER_PASSWORD, userId } };
}

export async function startCall(admin: ApiSession, caseNumber: string, overdue = true) {
  const due = new Date(Date.now() + (overdue ? -1 : 2) * 24 * 3600_000).toISOString();
  return admin.startInstance('call-follow-up', caseNumber, { caseNumber, callDue: due });
}

/** A valid debt-case record of the pack's form (definitions/forms/debt-case.form.json). */
export function debtCase(
  caseNumber: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    caseNumber,
    debtorNo: `D-${caseNumber.slice(-6)}`,
    debtorName: '张三',
    jurisdiction: 'CN',
    creditor: { name: '华夏消费金融有限公司' },
    product: 'CONSUMER_LOAN',
    accountNumber: '6222020200112233445',
    currency: 'CNY',
    principal: '12000.00',
    interest: '860.50',
    fees: '120.00',
    costs: '0.00',
    paid: '1500.00',
    dueDate: '2026-06-30',
    stage: 'EARLY',
    status: 'OPEN',
    mBucket: 'M2',
    ...overrides,
  };
}

/** The debtor of debtCase(caseNumber). */
export function debtorOf(caseNumber: string): Record<string, unknown> {
  return {
    debtorNo: `D-${caseNumber.slice(-6)}`,
    partyType: 'PERSON',
    name: '张三',
    idType: 'CN_RESIDENT_ID',
    idNumber: VALID_ID_NUMBER,
    timeZone: 'Asia/Shanghai',
    phones: [{ number: '13800138000', kind: 'MOBILE', status: 'VALID' }],
  };
}
