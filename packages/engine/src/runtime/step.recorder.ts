import type { ProcessMetadata } from '../deploy/deployment.metadata.js';
import { isSyntheticId } from '../deploy/event-subprocess.rewrite.js';
import type { Clock } from '../ports/clock.port.js';
import type { HistoryEntry, HistoryEvent, OutboxMessage, Variables } from './step.types.js';

/** The slice of a bpmn-elements element API the recorder reads. */
export interface ElementApi {
  id: string;
  type: string;
  name?: string;
  executionId?: string;
  environment: { variables: Variables };
  content: Record<string, unknown>;
}

const RECORDED = new Set<HistoryEvent>([
  'process.start',
  'process.end',
  'process.error',
  'activity.start',
  'activity.end',
  'activity.timeout',
  'activity.error',
]);

/**
 * bpmn-elements copies the process' execute message (fields, content, properties) into the
 * process variables; those three names are therefore reserved and never reported as data.
 */
export const RESERVED_VARIABLES: ReadonlySet<string> = new Set(['fields', 'content', 'properties']);

export function userVariables(variables: Variables | undefined): Variables {
  const result: Variables = {};
  for (const [key, value] of Object.entries(variables ?? {})) {
    if (!RESERVED_VARIABLES.has(key)) result[key] = value;
  }
  return result;
}

const SERVICE_LIKE = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);

/**
 * The engine's listener for one step: turns element events into history, outbox messages and
 * service-task entry counts. Events replayed while a snapshot resumes are not news: ignored.
 */
export class StepRecorder {
  phase: 'resume' | 'step' = 'step';
  readonly history: HistoryEntry[] = [];
  readonly outbox: OutboxMessage[] = [];
  private readonly throwMessages: Map<string, string>;

  constructor(
    private readonly metadata: ProcessMetadata,
    private readonly clock: Clock,
    readonly entries: Record<string, number>,
  ) {
    this.throwMessages = new Map(
      metadata.messages
        .filter((m) => m.kind === 'intermediateThrow' || m.kind === 'end')
        .map((m) => [m.elementId, m.name]),
    );
  }

  /** bpmn-engine calls `listener.emit(routingKey, elementApi, engineApi)`. */
  emit(eventName: string, api: ElementApi | undefined): boolean {
    if (this.phase !== 'step' || !api) return false;
    const at = this.clock.now().toISOString();
    // The scaffolding of a rewritten event subprocess is not a step anyone modelled.
    if (RECORDED.has(eventName as HistoryEvent) && !isSyntheticId(api.id)) {
      this.history.push({
        at,
        event: eventName as HistoryEvent,
        elementId: api.id,
        elementType: api.type,
        name: api.name ?? this.metadata.elements[api.id]?.name ?? null,
        executionId: api.executionId ?? null,
      });
    }
    if (eventName === 'activity.start' && SERVICE_LIKE.has(api.type)) {
      this.entries[api.id] = (this.entries[api.id] ?? 0) + 1;
    }
    if (eventName === 'activity.end') {
      const name = this.throwMessages.get(api.id);
      if (name)
        this.outbox.push({
          kind: 'message',
          name,
          elementId: api.id,
          payload: userVariables(api.environment.variables),
          at,
        });
    }
    return true;
  }
}
