export type LintSeverity = 'error' | 'warning';

/** One lint finding. Problems are data: deploy refuses a model with any `error`. */
export interface LintProblem {
  /** The BPMN element the problem is about, or null for file-level problems. */
  elementId: string | null;
  /** Stable, dotted: `bpmn.unsupported_element`, `bpmn.unknown_form`, ... */
  code: string;
  message: string;
  severity: LintSeverity;
}
