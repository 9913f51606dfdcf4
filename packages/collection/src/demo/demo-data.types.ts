/** What `collectflow seed --demo` writes: records per form, then process instances to replay. */

export type FormKey =
  | 'collector'
  | 'debtor'
  | 'debt-case'
  | 'contact-attempt'
  | 'promise-to-pay'
  | 'payment'
  | 'payment-plan'
  | 'dispute'
  | 'legal-action';

export interface DemoRecord {
  form: FormKey;
  /** Stable across runs with the same seed, so a re-seed can upsert instead of duplicating. */
  id: string;
  data: Record<string, unknown>;
}

/** One event for the runtime, in the order and at the time it happened. */
export type DemoEvent =
  | { type: 'start'; at: string; businessKey: string; variables: Record<string, unknown> }
  | { type: 'message'; at: string; name: string; payload: Record<string, unknown> }
  | { type: 'serviceCompleted'; at: string; elementId: string; output: Record<string, unknown> }
  | { type: 'completeTask'; at: string; elementId: string; formKey: FormKey; data: Record<string, unknown> }
  | { type: 'timerDue'; at: string; elementId: string };

export type DemoScenario =
  | 'soft-collection.calling'
  | 'soft-collection.retry-wait'
  | 'soft-collection.strategist'
  | 'promise.waiting'
  | 'promise.broken-follow-up'
  | 'legal.evidence'
  | 'legal.approval'
  | 'dispute.review'
  | 'plan.active'
  | 'settled';

/**
 * A running instance to recreate: start (or correlate the start message) and replay the events.
 * The first event is `start` or the `message` that starts the process.
 */
export interface DemoInstance {
  processKey: 'soft-collection' | 'promise-to-pay-follow-up' | 'legal-escalation' | 'dispute-handling';
  businessKey: string;
  scenario: DemoScenario;
  events: DemoEvent[];
  /** Element ids the instance waits at once replayed: what the inbox should show. */
  waitingAt: string[];
}

export interface DemoDataSet {
  seed: string;
  asOf: string;
  collectors: DemoRecord[];
  debtors: DemoRecord[];
  cases: DemoRecord[];
  contactAttempts: DemoRecord[];
  promises: DemoRecord[];
  payments: DemoRecord[];
  paymentPlans: DemoRecord[];
  disputes: DemoRecord[];
  legalActions: DemoRecord[];
  instances: DemoInstance[];
}

export interface DemoOptions {
  /** Number of debt cases (one debtor each); default 40. */
  cases?: number;
  seed?: string | number;
  /** The "now" of the data set; default 2025-07-01T02:00:00Z (10:00 in Shanghai). */
  asOf?: string;
  /** Called after each case, for a progress bar on large N. */
  onProgress?: (done: number, total: number) => void;
}
