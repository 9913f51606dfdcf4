import type { Locale } from '@collectflow/collection';

export interface RenderedMessage {
  locale: Locale;
  subject: string;
  body: string;
  /** The template fields, for the third-party check (which fields a message carries). */
  fields: Record<string, string>;
}

type Template = Record<Locale, { subject: string; body: string }>;

/** The built-in texts of the outbound topics, in the debtor's language; a real sender may re-render them. */
const TEMPLATES: Record<string, Template> = {
  'notify.payment-reminder': {
    'zh-CN': {
      subject: '还款提醒',
      body: '【{creditor}】{name}您好，您的账户（案件号 {caseNumber}）尚有 {currency} {balance} 未还，原定还款日 {dueDate}。请尽快还款，如已还款请忽略本消息。',
    },
    en: {
      subject: 'Payment reminder',
      body: '{creditor}: Hello {name}, your account (case {caseNumber}) has {currency} {balance} outstanding since {dueDate}. Please pay as soon as you can; if you already have, please ignore this message.',
    },
  },
  'notify.promise-reminder': {
    'zh-CN': {
      subject: '承诺还款提醒',
      body: '【{creditor}】{name}您好，您承诺于 {promiseDueDate} 还款 {currency} {promiseAmount}（案件号 {caseNumber}），请按时还款。',
    },
    en: {
      subject: 'Your payment is due tomorrow',
      body: '{creditor}: Hello {name}, as agreed, {currency} {promiseAmount} is due on {promiseDueDate} (case {caseNumber}). Thank you for paying on time.',
    },
  },
  'letter.demand': {
    'zh-CN': {
      subject: '律师函',
      body: '{name}：受 {creditor} 委托，现正式通知您：案件 {caseNumber} 项下欠款 {currency} {balance} 已逾期。请于收到本函之日起十五日内清偿，否则我方将依法提起诉讼。',
    },
    en: {
      subject: 'Demand for payment',
      body: 'Dear {name}, on behalf of {creditor} we demand payment of {currency} {balance} owed under case {caseNumber} within 15 days of this letter. Otherwise we will take legal action.',
    },
  },
  'letter.verification': {
    'zh-CN': {
      subject: '债务核实材料',
      body: '{name}：关于您对案件 {caseNumber} 提出的异议，随函附上债务核实材料。核实后的应还金额为 {currency} {verifiedBalance}。',
    },
    en: {
      subject: 'Verification of the debt',
      body: 'Dear {name}, in answer to your dispute of case {caseNumber}, please find the verification of the debt enclosed. The verified amount is {currency} {verifiedBalance}.',
    },
  },
  'notify.sla-breach': {
    'zh-CN': { subject: '任务超时', body: '案件 {caseNumber} 的任务已超过处理时限，已升级处理。' },
    en: { subject: 'Task overdue', body: 'A task of case {caseNumber} is overdue and has been escalated.' },
  },
  generic: {
    'zh-CN': { subject: '{subject}', body: '{body}' },
    en: { subject: '{subject}', body: '{body}' },
  },
};

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/** zh and yue read Chinese; everyone else gets English. */
export function localeOf(preferredLanguage: unknown): Locale {
  return typeof preferredLanguage === 'string' && /^(zh|yue)/i.test(preferredLanguage) ? 'zh-CN' : 'en';
}

/**
 * Renders a topic's message from the process variables. `sms.send`, `email.send` and `letter.send`
 * take their text from the `template` variable ({ subject, body }, or per locale).
 */
export function renderMessage(
  topic: string,
  vars: Record<string, unknown>,
  debtorName: string | undefined,
): RenderedMessage {
  const locale = localeOf(vars.preferredLanguage);
  const promise = (vars.promise ?? {}) as Record<string, unknown>;
  const creditor = (vars.creditor ?? {}) as Record<string, unknown>;
  const given = (vars.template ?? {}) as Record<string, unknown>;
  const own = (given[locale] ?? given) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  const put = (name: string, value: string | undefined) => {
    if (value !== undefined) fields[name] = value;
  };
  put('name', debtorName ?? text(vars.debtorName));
  put('creditor', text(creditor.name) ?? 'collectflow');
  put('caseNumber', text(vars.caseNumber));
  put('currency', text(vars.currency));
  put('balance', text(vars.balance));
  put('dueDate', text(vars.dueDate));
  put('promiseAmount', text(promise.amount));
  put('promiseDueDate', text(promise.dueDate));
  put('verifiedBalance', text(vars.adjustedBalance) ?? text(vars.balance));
  put('subject', text(own.subject) ?? '');
  put('body', text(own.body) ?? '');
  const template = (TEMPLATES[topic] ?? TEMPLATES.generic!)[locale];
  const fill = (pattern: string) =>
    pattern.replace(/\{(\w+)\}/g, (_whole, name: string) => fields[name] ?? '');
  const used = new Set([...`${template.subject} ${template.body}`.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
  return {
    locale,
    subject: fill(template.subject),
    body: fill(template.body),
    fields: Object.fromEntries(Object.entries(fields).filter(([name]) => used.has(name))),
  };
}
