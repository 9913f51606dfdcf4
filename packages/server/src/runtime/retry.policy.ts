/** Exponential backoff for technical failures of jobs (service calls, timers that throw). */
export interface RetryPolicy {
  /** Attempts in all, the first included; the last failure opens an incident. */
  maxAttempts: number;
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 10_000,
  factor: 2,
  maxDelayMs: 3_600_000,
};

/** Delay before the next attempt after `failures` failures: base, base·factor, base·factor², … capped. */
export function backoffDelayMs(policy: RetryPolicy, failures: number): number {
  const exponent = Math.max(0, failures - 1);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** exponent);
}

/** A service task's `retries` property overrides the attempts (1 to 100). */
export function maxAttemptsFor(policy: RetryPolicy, config: Readonly<Record<string, string>>): number {
  const configured = Number(config.retries);
  return Number.isInteger(configured) && configured >= 1 && configured <= 100
    ? configured
    : policy.maxAttempts;
}
