import * as Elements from 'bpmn-elements';
import { deserialize, TypeResolver } from 'moddle-context-serializer';
import { ClockTimerEventDefinition } from '../timers/clock-timer.definition.js';

/**
 * The behaviours bpmn-engine runs for each BPMN type, with our substitutions:
 * - service-like tasks wait like user tasks: the host calls the handler outside the step and
 *   reports back (`serviceCompleted` / `serviceFailed`), so a step never does I/O;
 * - timers take due dates from the injected clock.
 */
const behaviours: Record<string, unknown> = {
  ...Elements,
  ServiceTask: Elements.SignalTask,
  SendTask: Elements.SignalTask,
  BusinessRuleTask: Elements.SignalTask,
  TimerEventDefinition: ClockTimerEventDefinition,
};

export const typeResolver = TypeResolver(behaviours);

export type SourceContext = ReturnType<typeof deserialize>;

export function deserializeSourceContext(serialized: string): SourceContext {
  return deserialize(JSON.parse(serialized) as object, typeResolver);
}
