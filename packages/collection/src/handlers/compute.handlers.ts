import { agingOf } from '../aging/days-past-due.calculator.js';
import {
  type AssignableCase,
  type AssignmentRule,
  assignCase,
  type CollectorLoad,
} from '../assignment/case-assignment.rules.js';
import type { BankruptcyStatus } from '../compliance/do-not-contact.guard.js';
import { BUILT_IN_PROFILES, DEFAULT_JURISDICTION } from '../compliance/jurisdiction.profiles.js';
import type { JurisdictionProfile } from '../compliance/jurisdiction-profile.types.js';
import { checkLimitation } from '../compliance/limitation.guard.js';
import { handlerInputError } from '../errors/handler-input.error.js';
import type { LocalizedText } from '../i18n/localized-text.utils.js';
import { type AllocationComponent, allocatePayment } from '../payments/payment.allocator.js';
import { evaluatePromise, promiseSchedule } from '../promises/promise-to-pay.rules.js';
import { riskScore } from '../scoring/risk.scorecard.js';
import { assignArm, type StrategyArm } from '../strategy/champion-challenger.assigner.js';

export type Variables = Record<string, unknown>;

/** What a compute handler may know besides the process variables; all of it injected. */
export interface HandlerContext {
  now: Date;
  /** Profiles by jurisdiction code; defaults to the built-in CN and US. */
  profiles?: Readonly<Record<string, JurisdictionProfile>>;
  collectors?: readonly CollectorLoad[];
  assignmentRules?: readonly AssignmentRule[];
  strategy?: { seed: string; arms: readonly StrategyArm[] };
}

export type ComputeHandler = (variables: Variables, context: HandlerContext) => Variables;

function text(topic: string, vars: Variables, name: string): string {
  const value = vars[name];
  if (typeof value !== 'string' || value === '')
    throw handlerInputError(topic, `variable "${name}" must be text`);
  return value;
}

function optionalText(vars: Variables, name: string): string | undefined {
  const value = vars[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function count(vars: Variables, name: string): number {
  const value = vars[name];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

function profileFor(vars: Variables, context: HandlerContext): JurisdictionProfile {
  const profiles = context.profiles ?? BUILT_IN_PROFILES;
  const code = optionalText(vars, 'jurisdiction') ?? DEFAULT_JURISDICTION;
  return profiles[code] ?? profiles[DEFAULT_JURISDICTION] ?? BUILT_IN_PROFILES.CN!;
}

function zoneOf(vars: Variables, context: HandlerContext): string {
  return optionalText(vars, 'timeZone') ?? profileFor(vars, context).defaultTimeZone;
}

interface PromiseVariable {
  amount: string;
  currency: string;
  dueDate: string;
  tolerancePct?: number;
  graceDays?: number;
}

function promiseOf(topic: string, vars: Variables): PromiseVariable {
  const p = vars.promise as Partial<PromiseVariable> | undefined;
  if (!p || typeof p.amount !== 'string' || typeof p.dueDate !== 'string' || typeof p.currency !== 'string') {
    throw handlerInputError(topic, 'variable "promise" needs amount, currency and dueDate');
  }
  return p as PromiseVariable;
}

interface CountedPayment {
  reference: string;
  amount: string;
  receivedAt: string;
}

const STAGES: readonly AssignableCase['stage'][] = ['EARLY', 'MID', 'LATE', 'LEGAL', 'WRITE_OFF'];

function stageOf(vars: Variables): AssignableCase['stage'] {
  const stage = vars.stage ?? 'EARLY';
  if (!STAGES.includes(stage as AssignableCase['stage'])) {
    throw handlerInputError('case.assign', `variable "stage" must be one of ${STAGES.join(', ')}`);
  }
  return stage as AssignableCase['stage'];
}

const caseAging: ComputeHandler = (vars, context) => {
  const aging = agingOf({
    dueDate: text('case.aging', vars, 'dueDate'),
    asOf: context.now,
    timeZone: zoneOf(vars, context),
    settled: vars.status === 'SETTLED' || vars.status === 'CLOSED',
  });
  return { ...aging };
};

const caseRiskScore: ComputeHandler = (vars) => {
  const result = riskScore({
    daysPastDue: count(vars, 'daysPastDue'),
    balance: text('case.risk-score', vars, 'balance'),
    brokenPromises: count(vars, 'brokenPromises'),
    contactAttempts: count(vars, 'contactAttempts'),
    rightPartyContacts: count(vars, 'rightPartyContacts'),
  });
  return { riskScore: result.score, riskBand: result.band, riskContributions: result.contributions };
};

const caseAssign: ComputeHandler = (vars, context) => {
  const caseNumber = text('case.assign', vars, 'caseNumber');
  const out: Variables = {};
  if (context.strategy)
    out.strategyArm = assignArm(caseNumber, context.strategy.seed, context.strategy.arms).arm.key;
  const result = assignCase(
    {
      caseId: caseNumber,
      stage: stageOf(vars),
      mBucket: optionalText(vars, 'mBucket'),
      balance: text('case.assign', vars, 'balance'),
      language: optionalText(vars, 'preferredLanguage'),
      jurisdiction: optionalText(vars, 'jurisdiction'),
    },
    context.assignmentRules ?? [],
    context.collectors ?? [],
  );
  out.assignmentReason = result.reason;
  if (result.assigned) {
    out.assignedCollectorId = result.collectorId;
    out.team = result.team;
  } else if (result.team) {
    // Unassigned but routed: the case waits in the team's queue.
    out.team = result.team;
  }
  return out;
};

const paymentAllocate: ComputeHandler = (vars) => {
  const currency = text('payment.allocate', vars, 'currency');
  const result = allocatePayment({
    amount: text('payment.allocate', vars, 'paymentAmount'),
    currency: optionalText(vars, 'paymentCurrency') ?? currency,
    caseCurrency: currency,
    outstanding: {
      fees: optionalText(vars, 'fees') ?? '0',
      costs: optionalText(vars, 'costs') ?? '0',
      interest: optionalText(vars, 'interest') ?? '0',
      principal: optionalText(vars, 'principal') ?? '0',
    },
    ...(Array.isArray(vars.allocationOrder) && { order: vars.allocationOrder as AllocationComponent[] }),
  });
  return {
    allocation: { ...result.applied, unapplied: result.unapplied },
    ...result.remaining,
    balance: result.balance,
  };
};

const promiseScheduleHandler: ComputeHandler = (vars, context) => {
  const promise = promiseOf('promise.schedule', vars);
  const schedule = promiseSchedule({
    dueDate: promise.dueDate,
    timeZone: zoneOf(vars, context),
    ...(promise.graceDays !== undefined && { graceDays: promise.graceDays }),
  });
  return {
    promiseReminderAt: schedule.reminderAt,
    promiseDeadline: schedule.deadline,
    promiseStatus: 'PENDING',
    promisePayments: [],
    promisePaidTotal: '0',
    promiseMadeAt: context.now.toISOString(),
  };
};

/**
 * Counts each payment once by its reference, so a retried or replayed evaluation never pays a
 * promise twice; decides kept / broken / pending; a broken promise adds to the case's count.
 */
const promiseEvaluate: ComputeHandler = (vars, context) => {
  const topic = 'promise.evaluate';
  const promise = promiseOf(topic, vars);
  const payments = (Array.isArray(vars.promisePayments) ? vars.promisePayments : []) as CountedPayment[];
  const reference = optionalText(vars, 'paymentReference');
  const amount = optionalText(vars, 'paymentAmount');
  const counted = [...payments];
  if (reference && amount && !counted.some((p) => p.reference === reference)) {
    counted.push({
      reference,
      amount,
      receivedAt: optionalText(vars, 'paymentReceivedAt') ?? context.now.toISOString(),
    });
  }
  const evaluation = evaluatePromise({
    promisedAmount: promise.amount,
    currency: promise.currency,
    ...(promise.tolerancePct !== undefined && { tolerancePct: promise.tolerancePct }),
    promisedAt: optionalText(vars, 'promiseMadeAt') ?? '1970-01-01T00:00:00.000Z',
    deadline: text(topic, vars, 'promiseDeadline'),
    asOf: context.now,
    timeZone: zoneOf(vars, context),
    payments: counted,
  });
  const wasBroken = vars.promiseStatus === 'BROKEN';
  const brokenPromises =
    count(vars, 'brokenPromises') + (evaluation.status === 'BROKEN' && !wasBroken ? 1 : 0);
  return {
    promiseStatus: evaluation.status,
    promisePayments: counted,
    promisePaidTotal: evaluation.paidAmount,
    brokenPromises,
  };
};

const GATE_REASONS: Record<string, LocalizedText> = {
  BANKRUPTCY: { 'zh-CN': '债务人处于破产程序中，不得起诉', en: 'The debtor is in bankruptcy; no suit' },
  OPEN_DISPUTE: { 'zh-CN': '案件存在未结异议', en: 'The case has an open dispute' },
  OK: { 'zh-CN': '可以进入法诉流程', en: 'Clear for legal action' },
};

/** The three stops of the legal flow, in the order the issue lists them. */
const legalGate: ComputeHandler = (vars, context) => {
  const profile = profileFor(vars, context);
  const limitation = checkLimitation(
    {
      action: 'lawsuit',
      at: context.now,
      limitationExpiresOn: optionalText(vars, 'limitationExpiresOn') ?? null,
      legalApproval: vars.legalApproval === true,
      timeZone: zoneOf(vars, context),
    },
    profile,
  );
  if (limitation.outcome === 'blocked')
    return { legalGate: 'TIME_BARRED', legalGateReason: limitation.reason };
  const bankruptcy = optionalText(vars, 'bankruptcyStatus') as BankruptcyStatus | undefined;
  if (bankruptcy === 'FILED' || bankruptcy === 'DISCHARGED') {
    return { legalGate: 'BANKRUPTCY', legalGateReason: GATE_REASONS.BANKRUPTCY };
  }
  if (vars.openDispute === true || vars.status === 'DISPUTED') {
    return { legalGate: 'OPEN_DISPUTE', legalGateReason: GATE_REASONS.OPEN_DISPUTE };
  }
  return { legalGate: 'OK', legalGateReason: GATE_REASONS.OK };
};

/** The pure handlers by topic; outbound topics need the outbox and live in the runtime. */
export const COMPUTE_HANDLERS: Readonly<Record<string, ComputeHandler>> = {
  'case.aging': caseAging,
  'case.risk-score': caseRiskScore,
  'case.assign': caseAssign,
  'payment.allocate': paymentAllocate,
  'promise.schedule': promiseScheduleHandler,
  'promise.evaluate': promiseEvaluate,
  'legal.gate': legalGate,
};
