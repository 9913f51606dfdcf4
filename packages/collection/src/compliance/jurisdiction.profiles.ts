import type { JurisdictionProfile } from './jurisdiction-profile.types.js';

const DEBT_FIELDS = [
  'amount',
  'balance',
  'principal',
  'interest',
  'fees',
  'costs',
  'paid',
  'currency',
  'caseNumber',
  'accountNumber',
  'creditor',
  'originalCreditor',
  'dueDate',
  'daysPastDue',
  'bucket',
  'promise',
];

/**
 * Mainland China, the default. Quiet hours 22:00–08:00 and the daily call caps follow the
 * industry's self-regulation for outsourced collection (互联网金融逾期债务催收自律公约); the
 * limitation period is three years (民法典 第188条).
 */
export const CN_PROFILE: JurisdictionProfile = {
  code: 'CN',
  name: { 'zh-CN': '中国大陆', en: 'Mainland China' },
  defaultTimeZone: 'Asia/Shanghai',
  contactWindow: { start: '08:00', end: '22:00' },
  frequency: { connectedCallsPerDebtorPerDay: 3, unansweredDialsPerDebtorPerDay: 6 },
  doNotContactReasons: [
    'OPEN_DISPUTE',
    'BANKRUPTCY',
    'DECEASED',
    'CEASE_REQUEST',
    'ATTORNEY_REPRESENTED',
    'OTHER',
  ],
  limitation: { defaultPeriodYears: 3, timeBarredSuitsProhibited: false },
  validationPeriodDays: null,
  thirdParty: {
    forbiddenFields: DEBT_FIELDS,
    forbiddenTerms: {
      'zh-CN': ['欠款', '欠债', '债务', '逾期', '催收', '还款', '借款', '贷款', '违约', '起诉', '律师函'],
      en: ['debt', 'owe', 'overdue', 'past due', 'collection', 'balance', 'repay', 'loan', 'lawsuit'],
    },
  },
};

/**
 * United States (FDCPA and CFPB Regulation F): 08:00–21:00 local time, 7 call attempts per debt
 * in 7 days and none for 7 days after a conversation, 30-day validation period, no suits on
 * time-barred debt. Limitation periods vary by state; 3 years is the common floor.
 */
export const US_PROFILE: JurisdictionProfile = {
  code: 'US',
  name: { 'zh-CN': '美国', en: 'United States' },
  defaultTimeZone: 'America/New_York',
  contactWindow: { start: '08:00', end: '21:00' },
  frequency: { callsPerDebt: { max: 7, windowDays: 7 }, quietDaysAfterConversation: 7 },
  doNotContactReasons: [
    'OPEN_DISPUTE',
    'BANKRUPTCY',
    'DECEASED',
    'CEASE_REQUEST',
    'ATTORNEY_REPRESENTED',
    'OTHER',
  ],
  limitation: { defaultPeriodYears: 3, timeBarredSuitsProhibited: true },
  validationPeriodDays: 30,
  thirdParty: {
    forbiddenFields: DEBT_FIELDS,
    forbiddenTerms: {
      'zh-CN': ['欠款', '欠债', '债务', '逾期', '催收', '还款', '借款', '贷款'],
      en: [
        'debt',
        'owe',
        'overdue',
        'past due',
        'collection',
        'collector',
        'balance',
        'repay',
        'loan',
        'lawsuit',
      ],
    },
  },
};

export const BUILT_IN_PROFILES: Readonly<Record<string, JurisdictionProfile>> = {
  CN: CN_PROFILE,
  US: US_PROFILE,
};

export const DEFAULT_JURISDICTION = 'CN';

const clock = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' } as const;
const terms = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;
const positive = { type: 'integer', minimum: 1 } as const;

/** The JSON Schema of a profile file, so a loader can refuse a broken one with pointers. */
export const jurisdictionProfileJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'collectflow:jurisdiction-profile',
  type: 'object',
  additionalProperties: false,
  required: [
    'code',
    'name',
    'defaultTimeZone',
    'contactWindow',
    'frequency',
    'doNotContactReasons',
    'limitation',
    'validationPeriodDays',
    'thirdParty',
  ],
  properties: {
    code: { type: 'string', pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$' },
    name: {
      type: 'object',
      additionalProperties: false,
      required: ['zh-CN', 'en'],
      properties: { 'zh-CN': { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
    },
    defaultTimeZone: { type: 'string', minLength: 1 },
    contactWindow: {
      type: 'object',
      additionalProperties: false,
      required: ['start', 'end'],
      properties: { start: clock, end: clock },
    },
    frequency: {
      type: 'object',
      additionalProperties: false,
      properties: {
        callsPerDebt: {
          type: 'object',
          additionalProperties: false,
          required: ['max', 'windowDays'],
          properties: { max: positive, windowDays: positive },
        },
        quietDaysAfterConversation: positive,
        connectedCallsPerDebtorPerDay: positive,
        unansweredDialsPerDebtorPerDay: positive,
      },
    },
    doNotContactReasons: {
      type: 'array',
      uniqueItems: true,
      items: {
        enum: ['OPEN_DISPUTE', 'BANKRUPTCY', 'DECEASED', 'CEASE_REQUEST', 'ATTORNEY_REPRESENTED', 'OTHER'],
      },
    },
    limitation: {
      type: 'object',
      additionalProperties: false,
      required: ['defaultPeriodYears', 'timeBarredSuitsProhibited'],
      properties: { defaultPeriodYears: positive, timeBarredSuitsProhibited: { type: 'boolean' } },
    },
    validationPeriodDays: { type: ['integer', 'null'], minimum: 1 },
    thirdParty: {
      type: 'object',
      additionalProperties: false,
      required: ['forbiddenFields', 'forbiddenTerms'],
      properties: {
        forbiddenFields: terms,
        forbiddenTerms: {
          type: 'object',
          additionalProperties: false,
          required: ['zh-CN', 'en'],
          properties: { 'zh-CN': terms, en: terms },
        },
      },
    },
  },
} as const;
