import type { HistoryEntry, Instance, Task } from '../api/types';

/** A lint finding of an upload: the element it is about (null: the whole file), a stable code. */
export interface LintProblem {
  elementId: string | null;
  code: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface Deployment {
  id: string;
  processKey: string;
  version: number;
  name: string | null;
  sourceSha256: string;
  problems: LintProblem[];
  deployedBy: string;
  deployedAt: string;
}

export interface DeployAnswer {
  deployment: Deployment | null;
  unchanged: boolean;
  problems: LintProblem[];
}

export interface ElementCounts {
  active: number;
  incidents: number;
}

export interface DeploymentStatistics {
  deploymentId: string;
  processKey: string;
  version: number;
  elements: Record<string, ElementCounts>;
  totals: { running: number; incidents: number };
}

export interface Job {
  id: string;
  kind: 'timer' | 'service';
  elementId: string;
  runAt: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
}

export interface Incident {
  id: string;
  instanceId: string;
  jobId: string | null;
  elementId: string | null;
  kind: string;
  message: string;
  status: 'open' | 'resolved';
  createdAt: string;
}

export interface InstanceDetail {
  instance: Instance;
  activeElementIds: string[];
  deployment: { id: string; processKey: string; version: number; name: string | null };
  variables: Record<string, unknown>;
  tasks: Task[];
  jobs: Job[];
  subscriptions: { name: string; elementId: string }[];
  incidents: Incident[];
  history: HistoryEntry[];
  historyNext: number | null;
}

export interface MigrationCandidate {
  instanceId: string;
  businessKey: string | null;
  activeElementIds: string[];
  migratable: boolean;
  reasons: { elementId: string | null; code: string; message: string }[];
}

export interface MigrationReport {
  processKey: string;
  from: { deploymentId: string; version: number };
  to: { deploymentId: string; version: number };
  dryRun: boolean;
  instances: MigrationCandidate[];
  migrated: string[];
  truncated: boolean;
}

export const INSTANCE_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Elements the instance has passed through (activity.end in its history), for the completed path. */
export function completedElementIds(history: readonly HistoryEntry[]): string[] {
  const done = new Set<string>();
  for (const entry of history) {
    if (entry.elementId && (entry.event === 'activity.end' || entry.event === 'activity.leave')) {
      done.add(entry.elementId);
    }
  }
  return [...done];
}

/** A variable's text as typed: JSON when it parses (numbers, booleans, objects), else the string. */
export function parseVariableValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed);
  } catch {
    return text;
  }
}
