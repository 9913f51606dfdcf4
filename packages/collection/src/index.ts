// The debt-collection pack as pure code: no I/O, every input passed in, every answer returned as data.

export {
  type Aging,
  agingOf,
  DPD_BUCKETS,
  type DpdBucket,
  daysPastDue,
  dpdBucketOf,
  M_BUCKETS,
  type MBucket,
  mBucketOf,
} from './aging/days-past-due.calculator.js';
export {
  type AssignableCase,
  type AssignmentResult,
  type AssignmentRule,
  assignCase,
  type CollectorLoad,
} from './assignment/case-assignment.rules.js';
export {
  type AllowedDecision,
  type BlockedDecision,
  type ComplianceCode,
  type ComplianceDecision,
  combineDecisions,
  type DeferredDecision,
} from './compliance/compliance.decision.js';
export {
  type ComplianceEvaluation,
  type ComplianceRule,
  type ContactContext,
  type ContactRequest,
  evaluateContact,
} from './compliance/compliance.evaluator.js';
export {
  type ContactTimeInput,
  checkContactHours,
  checkManualContactLog,
  type InconvenientTime,
  nextAllowedContactTime,
  type Weekday,
} from './compliance/contact-hours.guard.js';
export {
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  type ContactChannel,
  type ContactOutcome,
  isCallChannel,
  OUTCOME_CLASSES,
  type OutcomeClass,
} from './compliance/contact-outcome.codes.js';
export {
  type BankruptcyStatus,
  type ContactParty,
  type ContactPoints,
  type ContactSubject,
  checkContactPoint,
  checkDoNotContact,
  doNotContactReasons,
} from './compliance/do-not-contact.guard.js';
export { checkFrequency, type IntendedCall, type PastAttempt } from './compliance/frequency-cap.guard.js';
export {
  BUILT_IN_PROFILES,
  CN_PROFILE,
  DEFAULT_JURISDICTION,
  jurisdictionProfileJsonSchema,
  US_PROFILE,
} from './compliance/jurisdiction.profiles.js';
export {
  DO_NOT_CONTACT_REASONS,
  type DoNotContactReason,
  type JurisdictionProfile,
} from './compliance/jurisdiction-profile.types.js';
export {
  type CollectionActionKind,
  checkLimitation,
  type LimitationInput,
} from './compliance/limitation.guard.js';
export {
  checkThirdPartyMessage,
  findDebtDetails,
  type OutboundMessage,
  type ThirdPartyFinding,
} from './compliance/third-party-message.guard.js';
export {
  DEFAULT_DEMO_AS_OF,
  DEMO_ASSIGNMENT_RULES,
  DEMO_STRATEGY_ARMS,
  generateDemoData,
} from './demo/demo-data.generator.js';
export type {
  DemoDataSet,
  DemoEvent,
  DemoInstance,
  DemoOptions,
  DemoRecord,
  DemoScenario,
  FormKey,
} from './demo/demo-data.types.js';
export { SeededRandom } from './demo/seeded-random.prng.js';
export {
  COMPUTE_HANDLERS,
  type ComputeHandler,
  type HandlerContext,
  type Variables,
} from './handlers/compute.handlers.js';
export { SERVICE_TOPIC_NAMES, SERVICE_TOPICS, type ServiceTopic } from './handlers/service-topics.catalog.js';
export { type Locale, type LocalizedText, localize } from './i18n/localized-text.utils.js';
export { localizeSchema } from './i18n/schema.localizer.js';
export { formatMoney, Money, minorUnits } from './payments/money.decimal.js';
export {
  ALLOCATION_COMPONENTS,
  type AllocationComponent,
  type AllocationResult,
  allocatePayment,
  DEFAULT_ALLOCATION_ORDER,
  type Outstanding,
  reverseAllocation,
} from './payments/payment.allocator.js';
export {
  DEFAULT_TOLERANCE_PCT,
  evaluatePromise,
  GRACE_DAYS,
  isPromiseKept,
  type PromiseEvaluation,
  type PromiseSchedule,
  type PromiseStatus,
  promiseSchedule,
} from './promises/promise-to-pay.rules.js';
export {
  DEFAULT_RISK_WEIGHTS,
  type RiskBand,
  type RiskContribution,
  type RiskInput,
  type RiskOptions,
  type RiskScore,
  type RiskWeights,
  riskScore,
} from './scoring/risk.scorecard.js';
export { type ArmAssignment, assignArm, type StrategyArm } from './strategy/champion-challenger.assigner.js';
export { stableHash } from './strategy/stable.hash.js';
export { formatLocalIso, fromLocal, localDateOf, toLocal } from './time/zoned-time.utils.js';
