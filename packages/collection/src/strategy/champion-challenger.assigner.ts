import { DomainError } from '@collectflow/schema';
import { unitInterval } from './stable.hash.js';

export interface StrategyArm {
  key: string;
  /** Relative weight: 80/20 and 4/1 split the same way. */
  weight: number;
  /** What the arm runs: a process version, or parameters such as graceDays. */
  processVersion?: number;
  parameters?: Record<string, unknown>;
}

export interface ArmAssignment {
  arm: StrategyArm;
  /** The case's point in [0, 1): stored so an audit can show why it landed in this arm. */
  point: number;
}

/**
 * Puts a case in an arm of a champion/challenger test. The point comes from a hash of experiment
 * seed and case id, so re-running the assignment (another node, a replay) gives the same arm and
 * adding cases never moves existing ones.
 */
export function assignArm(caseId: string, seed: string, arms: readonly StrategyArm[]): ArmAssignment {
  const total = arms.reduce((sum, a) => sum + Math.max(a.weight, 0), 0);
  if (arms.length === 0 || total <= 0 || arms.some((a) => !Number.isFinite(a.weight) || a.weight < 0)) {
    throw new DomainError(
      'collection.invalid_arms',
      'invalid',
      'a strategy test needs arms with non-negative weights, one above zero',
    );
  }
  const point = unitInterval(`${seed}\u0000${caseId}`);
  let cumulative = 0;
  for (const arm of arms) {
    cumulative += arm.weight / total;
    if (point < cumulative) return { arm, point };
  }
  // Float rounding can leave the last boundary a hair under 1.
  return { arm: [...arms].reverse().find((a) => a.weight > 0)!, point };
}
