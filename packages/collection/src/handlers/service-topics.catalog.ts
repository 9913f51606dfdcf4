import type { LocalizedText } from '../i18n/localized-text.utils.js';

/**
 * The service-task topics the built-in processes use (camunda:topic). The runtime registers a
 * handler under each name; the compute ones are the pure functions in compute.handlers.ts, the
 * outbound ones render a template and write the message to the outbox after the compliance guards
 * (so a reminder due at 23:00 in Shanghai is deferred to 08:00, never sent).
 */
export interface ServiceTopic {
  topic: string;
  kind: 'compute' | 'outbound' | 'internal';
  name: LocalizedText;
  /** Process variables the handler reads. */
  reads: string[];
  /** Process variables its output sets. */
  writes: string[];
}

export const SERVICE_TOPICS: readonly ServiceTopic[] = [
  {
    topic: 'case.aging',
    kind: 'compute',
    name: { 'zh-CN': '计算逾期天数与账龄', en: 'Compute days past due and buckets' },
    reads: ['dueDate', 'timeZone', 'status'],
    writes: ['daysPastDue', 'mBucket', 'dpdBucket'],
  },
  {
    topic: 'case.risk-score',
    kind: 'compute',
    name: { 'zh-CN': '计算风险评分', en: 'Score risk' },
    reads: ['daysPastDue', 'balance', 'brokenPromises', 'contactAttempts', 'rightPartyContacts'],
    writes: ['riskScore', 'riskBand', 'riskContributions'],
  },
  {
    topic: 'case.assign',
    kind: 'compute',
    name: { 'zh-CN': '分案与策略分组', en: 'Assign collector and strategy arm' },
    reads: ['caseNumber', 'stage', 'mBucket', 'balance', 'preferredLanguage', 'jurisdiction'],
    writes: ['assignedCollectorId', 'team', 'strategyArm', 'assignmentReason'],
  },
  {
    topic: 'payment.allocate',
    kind: 'compute',
    name: { 'zh-CN': '还款冲抵', en: 'Allocate a payment' },
    reads: [
      'paymentAmount',
      'paymentCurrency',
      'currency',
      'fees',
      'costs',
      'interest',
      'principal',
      'allocationOrder',
    ],
    writes: ['allocation', 'fees', 'costs', 'interest', 'principal', 'balance'],
  },
  {
    topic: 'promise.schedule',
    kind: 'compute',
    name: { 'zh-CN': '安排承诺提醒与期限', en: 'Schedule promise reminder and deadline' },
    reads: ['promise', 'timeZone'],
    writes: [
      'promiseReminderAt',
      'promiseDeadline',
      'promiseStatus',
      'promisePayments',
      'promisePaidTotal',
      'promiseMadeAt',
    ],
  },
  {
    topic: 'promise.evaluate',
    kind: 'compute',
    name: { 'zh-CN': '判定承诺履约', en: 'Check a promise' },
    reads: [
      'promise',
      'promiseMadeAt',
      'promiseDeadline',
      'promisePayments',
      'paymentReference',
      'paymentAmount',
      'paymentReceivedAt',
      'brokenPromises',
      'timeZone',
    ],
    writes: ['promiseStatus', 'promisePayments', 'promisePaidTotal', 'brokenPromises'],
  },
  {
    topic: 'legal.gate',
    kind: 'compute',
    name: { 'zh-CN': '法诉前置检查', en: 'Check limitation, bankruptcy and disputes' },
    reads: [
      'limitationExpiresOn',
      'legalApproval',
      'bankruptcyStatus',
      'openDispute',
      'jurisdiction',
      'timeZone',
    ],
    writes: ['legalGate', 'legalGateReason'],
  },
  {
    topic: 'notify.payment-reminder',
    kind: 'outbound',
    name: { 'zh-CN': '发送还款提醒', en: 'Send payment reminder' },
    reads: ['caseNumber', 'balance', 'currency', 'dueDate'],
    writes: ['reminderSentAt'],
  },
  {
    topic: 'notify.promise-reminder',
    kind: 'outbound',
    name: { 'zh-CN': '发送承诺还款提醒', en: 'Send promise reminder' },
    reads: ['promise'],
    writes: ['promiseReminderSentAt'],
  },
  {
    topic: 'letter.demand',
    kind: 'outbound',
    name: { 'zh-CN': '发送律师函', en: 'Send demand letter' },
    reads: ['caseNumber', 'balance', 'currency'],
    writes: ['demandLetterSentAt'],
  },
  {
    topic: 'letter.verification',
    kind: 'outbound',
    name: { 'zh-CN': '发送债务核实材料', en: 'Send verification' },
    reads: ['caseNumber', 'disputeOutcome', 'adjustedBalance'],
    writes: ['verificationSentAt'],
  },
  {
    topic: 'sms.send',
    kind: 'outbound',
    name: { 'zh-CN': '发送短信', en: 'Send SMS' },
    reads: ['template'],
    writes: ['smsSentAt'],
  },
  {
    topic: 'email.send',
    kind: 'outbound',
    name: { 'zh-CN': '发送邮件', en: 'Send e-mail' },
    reads: ['template'],
    writes: ['emailSentAt'],
  },
  {
    topic: 'letter.send',
    kind: 'outbound',
    name: { 'zh-CN': '寄送信函', en: 'Send letter' },
    reads: ['template'],
    writes: ['letterSentAt'],
  },
  {
    topic: 'notify.sla-breach',
    kind: 'internal',
    name: { 'zh-CN': '超时升级通知', en: 'Escalate an overdue task' },
    reads: ['caseNumber'],
    writes: [],
  },
];

export const SERVICE_TOPIC_NAMES: ReadonlySet<string> = new Set(SERVICE_TOPICS.map((t) => t.topic));
