import type { BpmnModdle } from 'bpmn-moddle';
import { child, children, type ModdleElement } from './bpmn.model.js';

/**
 * Ids the deployer makes up start with this; a model may not use it (the linter says so), and
 * the runtime leaves such elements out of history and of the active element ids.
 */
export const SYNTHETIC_ID_PREFIX = 'collectflow__';

export function isSyntheticId(id: string | undefined | null): boolean {
  return typeof id === 'string' && id.startsWith(SYNTHETIC_ID_PREFIX);
}

/** The elements {@link rewriteEventSubprocesses} made, so the linter can tell them from uploaded ones. */
export const madeByRewrite = new WeakSet<object>();

/** Event definitions an event subprocess may start on, once rewritten to a boundary event. */
const REWRITABLE_TRIGGERS = new Set([
  'bpmn:MessageEventDefinition',
  'bpmn:TimerEventDefinition',
  'bpmn:ErrorEventDefinition',
]);

interface ModdleContext {
  elementsById: Record<string, ModdleElement>;
  references: { element: ModdleElement; property: string; id: string }[];
}

type Mutable = { -readonly [K in keyof ModdleElement]: ModdleElement[K] } & Record<string, unknown>;

/** bpmn-moddle's create(), which its published types leave out. */
type Factory = { create(type: string, props: Record<string, unknown>): unknown };

/**
 * Rewrites event subprocesses into the equivalent boundary events, in place, before lint and
 * serialization.
 *
 * bpmn-elements starts an event subprocess only for an event thrown inside the same process
 * (and ignores `isInterrupting`), so a message from outside, a timer, or a cancelling start never
 * reach one. BPMN defines the same behaviour with boundary events, which bpmn-elements runs and
 * our runtime already makes durable (timer jobs, message subscriptions, error boundaries):
 *
 *     scope: start → A → end,  handlers: (message M, non-interrupting) → X,  (error E) → Y
 *   becomes
 *     scope: start* → guard* → end*,  boundary (error E, interrupting) on guard* → Y
 *       guard*: start* → work* → end*,  boundary (message M, non-interrupting) on work* → X
 *         work*: start → A → end
 *
 * An interrupting trigger cancels everything running in the scope (the work and any
 * non-interrupting handler, which run inside guard*), then its handler runs and the scope ends; a
 * non-interrupting one runs its handler beside the work, and the scope ends when both are done:
 * the event subprocess semantics of BPMN 2.0. A level is added only when a handler of its kind
 * exists. Boundary events keep the start events' ids and every other element keeps its own, so
 * tasks, history and the diagram name the elements of the uploaded file; the made-up ones (*)
 * carry {@link SYNTHETIC_ID_PREFIX}.
 *
 * Left alone, for the linter to report: a scope whose own start event has a trigger (a message
 * or timer start cannot move into a subprocess), an event subprocess without exactly one start
 * event, and triggers other than message, timer and error.
 */
export function rewriteEventSubprocesses(root: ModdleElement, context: unknown, moddle: BpmnModdle): void {
  const ctx = context as ModdleContext;
  for (const element of children(root, 'rootElements')) {
    if (element.$type === 'bpmn:Process') rewriteScope(element as Mutable, ctx, moddle);
  }
}

function isEventSubprocess(element: ModdleElement): boolean {
  return element.$type === 'bpmn:SubProcess' && element.triggeredByEvent === true;
}

function triggerStart(eventSubprocess: ModdleElement): ModdleElement | undefined {
  const starts = children(eventSubprocess, 'flowElements').filter((e) => e.$type === 'bpmn:StartEvent');
  if (starts.length !== 1) return undefined;
  const definitions = children(starts[0]!, 'eventDefinitions');
  if (definitions.length !== 1 || !REWRITABLE_TRIGGERS.has(definitions[0]!.$type)) return undefined;
  return starts[0];
}

function rewriteScope(scope: Mutable, ctx: ModdleContext, moddle: BpmnModdle): void {
  const elements = children(scope, 'flowElements') as Mutable[];
  for (const element of elements) {
    if (element.$type === 'bpmn:SubProcess' || element.$type === 'bpmn:Transaction') {
      rewriteScope(element, ctx, moddle);
    }
  }
  const handlers = elements.filter((e) => isEventSubprocess(e) && triggerStart(e));
  if (handlers.length === 0 || !scope.id) return;
  const ownStarts = elements.filter((e) => e.$type === 'bpmn:StartEvent');
  if (ownStarts.some((s) => children(s, 'eventDefinitions').length > 0)) return;

  const make = (type: string, props: Record<string, unknown>) => {
    const made = (moddle as unknown as Factory).create(type, props) as Mutable;
    ctx.elementsById[made.id!] = made;
    if (isSyntheticId(made.id)) madeByRewrite.add(made);
    return made;
  };
  const setParent = (element: ModdleElement, parent: ModdleElement) => {
    (element as Mutable).$parent = parent;
  };

  /** `start* → wrapper* → end*` around `content`, with each handler as a boundary on the wrapper. */
  const wrap = (level: string, content: ModdleElement[], withHandlers: ModdleElement[]): ModdleElement[] => {
    const id = (part: string) => `${SYNTHETIC_ID_PREFIX}${level}_${part}_${scope.id}`;
    const wrapper = make('bpmn:SubProcess', { id: id('scope'), flowElements: content });
    for (const element of content) setParent(element, wrapper);
    const start = make('bpmn:StartEvent', { id: id('start') });
    const end = make('bpmn:EndEvent', { id: id('end') });
    const into = make('bpmn:SequenceFlow', { id: id('into'), sourceRef: start, targetRef: wrapper });
    const out = make('bpmn:SequenceFlow', { id: id('out'), sourceRef: wrapper, targetRef: end });
    start.outgoing = [into];
    wrapper.incoming = [into];
    wrapper.outgoing = [out];
    end.incoming = [out];
    for (const flow of [into, out]) {
      ctx.references.push(
        { element: flow, property: 'bpmn:sourceRef', id: (flow.sourceRef as ModdleElement).id! },
        { element: flow, property: 'bpmn:targetRef', id: (flow.targetRef as ModdleElement).id! },
      );
    }
    const level_: ModdleElement[] = [start, into, wrapper, out, end];
    for (const handler of withHandlers) {
      const trigger = triggerStart(handler)!;
      const boundary = make('bpmn:BoundaryEvent', {
        id: trigger.id,
        ...(trigger.name && { name: trigger.name }),
        attachedToRef: wrapper,
        cancelActivity: interruptingOf(trigger),
        eventDefinitions: children(trigger, 'eventDefinitions'),
        outgoing: children(trigger, 'outgoing'),
        ...(child(trigger, 'extensionElements') && {
          extensionElements: child(trigger, 'extensionElements'),
        }),
      });
      for (const definition of children(trigger, 'eventDefinitions')) setParent(definition, boundary);
      // The handler's flows name the start event's id as their source: the boundary has that id.
      level_.push(boundary, ...children(handler, 'flowElements').filter((e) => e !== trigger));
    }
    return level_;
  };

  // Non-interrupting handlers run beside the work, inside the scope that an interrupting one
  // cancels: BPMN cancels every running activity of the scope, handlers included.
  let content: ModdleElement[] = elements.filter((e) => !handlers.includes(e));
  const besides = handlers.filter((h) => !interruptingOf(triggerStart(h)!));
  const cancelling = handlers.filter((h) => interruptingOf(triggerStart(h)!));
  if (besides.length > 0) content = wrap('work', content, besides);
  if (cancelling.length > 0) content = wrap('guard', content, cancelling);
  for (const element of content) setParent(element, scope);
  elements.splice(0, elements.length, ...(content as Mutable[]));
}

/** An error start event always interrupts (BPMN 2.0, 10.5.3); others say so with isInterrupting. */
function interruptingOf(trigger: ModdleElement): boolean {
  const definition = children(trigger, 'eventDefinitions')[0];
  return definition?.$type === 'bpmn:ErrorEventDefinition' || trigger.isInterrupting !== false;
}
