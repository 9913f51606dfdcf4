import type { TimerType } from '../timers/timer.expressions.js';

/** A form reference as written in `camunda:formKey`: `debt-case` (latest) or `debt-case@3`. */
export interface FormRef {
  key: string;
  /** Undefined means "the latest published version when the task is created". */
  version?: number;
}

export interface UserTaskMetadata {
  elementId: string;
  name: string | null;
  /**
   * The name in other languages, from camunda:properties named `name@<locale>` (e.g.
   * `name@zh-CN`), which Camunda Modeler's properties panel edits. Absent in older deployments.
   */
  names?: Record<string, string>;
  form: FormRef;
  candidateGroups: string[];
  /** Literal or `${...}`; resolved when the task is created. */
  assignee: string | null;
  /** ISO date-time, ISO duration from task creation, or `${...}`. */
  dueDate: string | null;
  priority: string | null;
}

export type TimerEventKind = 'start' | 'intermediate' | 'boundary';

export interface TimerMetadata {
  elementId: string;
  kind: TimerEventKind;
  timerType: TimerType;
  expression: string;
  /** For boundary events: the activity it is attached to. */
  attachedTo?: string;
  interrupting?: boolean;
}

export type MessageEventKind =
  | 'start'
  | 'intermediateCatch'
  | 'boundary'
  | 'receiveTask'
  | 'intermediateThrow'
  | 'end';

export interface MessageMetadata {
  elementId: string;
  kind: MessageEventKind;
  /** The message name used for correlation (bpmn:Message@name). */
  name: string;
  /** The bpmn:Message id the element references. */
  messageId: string;
  attachedTo?: string;
  interrupting?: boolean;
}

export interface ServiceTaskMetadata {
  elementId: string;
  name: string | null;
  elementType: string;
  /** The registered handler the host invokes: `camunda:topic`. */
  handler: string;
}

export interface ErrorEventMetadata {
  elementId: string;
  kind: 'boundary' | 'end';
  errorCode: string | null;
  attachedTo?: string;
}

export interface ProcessMetadata {
  processKey: string;
  name: string | null;
  userTasks: UserTaskMetadata[];
  timers: TimerMetadata[];
  messages: MessageMetadata[];
  serviceTasks: ServiceTaskMetadata[];
  errors: ErrorEventMetadata[];
  /** Element id → type, for every flow node the runtime may report. */
  elements: Record<string, { type: string; name: string | null }>;
}

export function parseFormKey(formKey: string): FormRef | undefined {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:@(\d+))?$/.exec(formKey.trim());
  if (!match) return undefined;
  return match[2] === undefined ? { key: match[1]! } : { key: match[1]!, version: Number(match[2]) };
}

export function splitList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
