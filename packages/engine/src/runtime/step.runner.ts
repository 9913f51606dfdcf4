import { Engine } from 'bpmn-engine';
import type { DeploymentDefinition } from '../deploy/deployment.definition.js';
import type { MessageMetadata, UserTaskMetadata } from '../deploy/deployment.metadata.js';
import { isSyntheticId } from '../deploy/event-subprocess.rewrite.js';
import { EngineError } from '../errors/engine.error.js';
import { createBpmnExpressions, createNoScripts } from '../expressions/bpmn-expressions.adapter.js';
import { compileTemplate } from '../expressions/expression.language.js';
import type { Clock } from '../ports/clock.port.js';
import { type CapturedTimer, TimerCapture } from '../timers/timer.capture.js';
import {
  addDuration,
  parseIsoDateTime,
  parseIsoDuration,
  type TimerType,
} from '../timers/timer.expressions.js';
import { deserializeSourceContext, type SourceContext } from './element.types.js';
import {
  assertSnapshot,
  type EngineState,
  type InstanceSnapshot,
  SNAPSHOT_FORMAT,
  stripEngineState,
} from './snapshot.codec.js';
import { type ElementApi, StepRecorder, userVariables } from './step.recorder.js';
import type {
  MessageSubscription,
  ServiceCall,
  StepContext,
  StepEvent,
  StepFailure,
  StepResult,
  TimerJob,
  Variables,
  WaitingTask,
} from './step.types.js';

const SERVICE_LIKE = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);
const CATCH_KINDS = new Set(['start', 'intermediateCatch', 'boundary', 'receiveTask']);

/** An element API as bpmn-elements hands it out for postponed (waiting) activities. */
interface PostponedApi extends ElementApi {
  owner: { isSubProcess?: boolean };
  getPostponed(): PostponedApi[];
  signal(message?: unknown): void;
  sendApiMessage(action: string, content?: unknown): void;
  environment: ElementApi['environment'] & { assignVariables(vars: Variables): void };
}

interface RunningProcess {
  id: string;
  environment: { variables: Variables; assignVariables(vars: Variables): void };
}

interface DefinitionLike {
  getRunningProcesses(): RunningProcess[];
  getProcessById(id: string): RunningProcess | undefined;
  sendMessage(message: { id: string }): void;
}

interface EngineLike {
  state: string;
  execution?: { definitions: DefinitionLike[]; getPostponed(): PostponedApi[] };
  execute(options: unknown): Promise<unknown>;
  recover(state: unknown): EngineLike;
  resume(options: unknown): Promise<unknown>;
  stop(): Promise<unknown>;
  getState(): Promise<EngineState>;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

const noop = () => {};
const silentLogger = () => ({ debug: noop, error: noop, warn: noop });

const sourceContexts = new WeakMap<DeploymentDefinition, SourceContext>();

/** Deserializes the deployment's pre-parsed model once per definition object (JSON only, no XML). */
function sourceContextOf(deployment: DeploymentDefinition): SourceContext {
  let context = sourceContexts.get(deployment);
  if (!context) {
    if (!deployment.sourceContext || !deployment.metadata) {
      throw new EngineError(
        'engine.deployment_invalid',
        'internal',
        'the deployment has no pre-parsed source',
      );
    }
    context = deserializeSourceContext(deployment.sourceContext);
    sourceContexts.set(deployment, context);
  }
  return context;
}

interface Waiting {
  tasks: Map<string, PostponedApi>;
  services: Map<string, PostponedApi>;
  catchers: PostponedApi[];
  all: PostponedApi[];
}

function collectWaiting(engine: EngineLike): Waiting {
  const all: PostponedApi[] = [];
  const seen = new Set<string>();
  const visit = (apis: PostponedApi[]) => {
    for (const api of apis) {
      const key = api.executionId ?? api.id;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(api);
      if (api.owner?.isSubProcess) visit(api.getPostponed());
    }
  };
  visit(engine.execution?.getPostponed() ?? []);
  const waiting: Waiting = { tasks: new Map(), services: new Map(), catchers: [], all };
  for (const api of all) {
    const id = api.executionId ?? api.id;
    if (api.type === 'bpmn:UserTask') waiting.tasks.set(id, api);
    else if (SERVICE_LIKE.has(api.type)) waiting.services.set(id, api);
    else waiting.catchers.push(api);
  }
  return waiting;
}

/**
 * Runs one event against one instance: recover (or start), apply, run to the next wait state,
 * stop, and describe what happened as data. No engine outlives the call, no Node timer is
 * armed, and nothing is read or written outside the arguments.
 */
export async function runStep(
  deployment: DeploymentDefinition,
  snapshot: InstanceSnapshot | null,
  event: StepEvent,
  ctx: StepContext,
): Promise<StepResult> {
  const metadata = deployment.metadata;
  const previous = snapshot ? assertSnapshot(snapshot, deployment.processKey) : null;
  if (!previous && event.type !== 'start') {
    throw new EngineError(
      'engine.instance_not_started',
      'conflict',
      `cannot apply ${event.type}: the instance has not started`,
    );
  }
  if (previous && event.type === 'start') {
    throw new EngineError('engine.instance_already_started', 'conflict', 'the instance has already started');
  }
  const previousStatus = previous ? statusOf(previous.engine) : 'running';
  if (previous && previousStatus !== 'running') {
    throw new EngineError('engine.instance_not_running', 'conflict', `the instance is ${previousStatus}`);
  }

  const clock = ctx.clock;
  const entries = { ...(previous?.entries ?? {}) };
  const knownTasks = new Map((previous?.tasks ?? []).map((t) => [t.taskId, t]));
  const timers = new TimerCapture(() => clock.now());
  const recorder = new StepRecorder(metadata, clock, entries);
  let failure: StepFailure | null = null;

  const engine = new Engine({
    name: deployment.processKey,
    sourceContext: sourceContextOf(deployment),
    timers,
    scripts: createNoScripts(),
    expressions: createBpmnExpressions(),
    // bpmn-engine's default logger builds a `debug` instance per element and step; hosts log steps.
    Logger: silentLogger,
    // Untouched elements are left out of getState(); recover() rebuilds them from the source.
    settings: { disableTrackState: true },
    // Not a bpmn-engine option: bpmn-elements keeps unknown options, our timer definition reads it.
    clock,
  } as never) as unknown as EngineLike;
  engine.on('error', (err) => {
    failure = describeFailure(err);
  });

  let before: Waiting | undefined;
  try {
    if (!previous) {
      const start = event as Extract<StepEvent, { type: 'start' }>;
      await engine.execute({ listener: recorder, variables: { ...(start.variables ?? {}) } });
    } else {
      timers.phase = 'resume';
      recorder.phase = 'resume';
      engine.recover(structuredClone(previous.engine));
      await engine.resume({ listener: recorder });
      timers.phase = 'step';
      recorder.phase = 'step';
      before = collectWaiting(engine);
      applyEvent(engine, before, timers, metadata.messages, event);
    }

    const after = collectWaiting(engine);
    const status = failure
      ? 'failed'
      : engine.state === 'running'
        ? 'running'
        : engine.state === 'error'
          ? 'failed'
          : 'completed';
    const variables = processVariables(engine, deployment.processKey);

    const waitingTasks: WaitingTask[] = [];
    const createdTaskIds: string[] = [];
    for (const [taskId, api] of after.tasks) {
      const known = knownTasks.get(taskId);
      if (known) {
        waitingTasks.push(known);
        continue;
      }
      const taskMeta = metadata.userTasks.find((t) => t.elementId === api.id);
      waitingTasks.push(describeTask(taskId, api, taskMeta, clock));
      createdTaskIds.push(taskId);
    }
    const closedTaskIds = [...(before?.tasks.keys() ?? [])].filter((id) => !after.tasks.has(id));

    const serviceCalls: ServiceCall[] = [];
    for (const [callId, api] of after.services) {
      if (before?.services.has(callId)) continue;
      const handler = metadata.serviceTasks.find((s) => s.elementId === api.id)?.handler ?? api.id;
      const attempt = entries[api.id] ?? 1;
      serviceCalls.push({
        callId,
        elementId: api.id,
        handler,
        input: { ...variables },
        attempt,
        idempotencyKey: `${ctx.instanceId}:${api.id}:${attempt}`,
      });
    }
    const cancelledServiceCalls = [...(before?.services.keys() ?? [])].filter(
      (id) =>
        !after.services.has(id) && !(event.type === 'serviceCompleted' || event.type === 'serviceFailed'),
    );

    const messageSubscriptions = subscriptionsOf(after, metadata.messages);
    const timerJobs = status === 'running' ? timers.toCreate().map(toTimerJob) : [];
    const cancelled = (
      status === 'running' ? timers.toCancel() : timers.toCancel().concat(timers.toCreate())
    ).map((t) => ({ timerId: t.timerId, elementId: t.elementId }));

    // The state of the running engine, not of a stopped one: stop() walks every element and
    // queue and was a tenth of a step's CPU; recover() + resume() continue either state.
    const engineState = stripEngineState(await engine.getState());

    const running = status === 'running';
    const businessKey =
      previous?.businessKey ?? (event.type === 'start' ? (event.businessKey ?? null) : null);
    return {
      snapshot: {
        format: SNAPSHOT_FORMAT,
        processKey: deployment.processKey,
        businessKey,
        entries,
        tasks: running ? waitingTasks : [],
        engine: engineState,
      },
      status,
      failure,
      waitingTasks: running ? waitingTasks : [],
      createdTaskIds: running ? createdTaskIds : [],
      closedTaskIds: running ? closedTaskIds : [...(before?.tasks.keys() ?? [])],
      timers: { create: timerJobs, cancel: cancelled },
      messageSubscriptions: running ? messageSubscriptions : [],
      serviceCalls: running ? serviceCalls : [],
      cancelledServiceCalls: running ? cancelledServiceCalls : [...(before?.services.keys() ?? [])],
      outbox: recorder.outbox,
      history: recorder.history,
      activeElementIds: running
        ? [...new Set(after.all.map((a) => a.id).filter((id) => !isSyntheticId(id)))]
        : [],
      variables,
    };
  } catch (err) {
    // Not needed for safety (below), but an engine that threw mid-step is stopped before it is dropped.
    if (engine.state === 'running') await engine.stop();
    throw err;
  }
  // A running engine is dropped without stop(). An engine left running beside a recovered copy
  // would execute twice only if something could still wake it: its timers are captured, never
  // armed (TimerCapture), nothing else holds it, and every event reaches an instance through a
  // fresh recover(). So the step's engine is inert once this function returns.
}

function statusOf(state: EngineState): string {
  return state.state === 'error' ? 'failed' : state.state === 'idle' ? 'completed' : 'running';
}

function applyEvent(
  engine: EngineLike,
  waiting: Waiting,
  timers: TimerCapture,
  messages: MessageMetadata[],
  event: StepEvent,
): void {
  switch (event.type) {
    case 'start':
      return;
    case 'completeTask': {
      const api = pick(waiting.tasks, event.taskId, event.elementId);
      if (!api) {
        throw new EngineError(
          'engine.task_not_waiting',
          'conflict',
          `task ${event.taskId ?? event.elementId ?? '(none given)'} is not waiting in this instance`,
          { hint: 'it may have been completed already or cancelled by a timer; reload the task list' },
        );
      }
      assignVariables(engine, api, event.data);
      api.signal({ ...(event.data ?? {}) });
      return;
    }
    case 'serviceCompleted':
    case 'serviceFailed': {
      const api = pick(waiting.services, event.callId, event.elementId);
      if (!api) {
        throw new EngineError(
          'engine.service_call_not_waiting',
          'conflict',
          `no service call ${event.callId ?? event.elementId ?? ''} is waiting in this instance`,
        );
      }
      if (event.type === 'serviceCompleted') {
        assignVariables(engine, api, event.output);
        api.signal({ ...(event.output ?? {}) });
      } else {
        api.sendApiMessage('error', { message: event.error.message, code: event.error.code });
      }
      return;
    }
    case 'timerDue': {
      const timer = timers.find(event.elementId, event.timerId);
      if (!timer) {
        throw new EngineError(
          'engine.timer_not_waiting',
          'conflict',
          `timer ${event.timerId ?? event.elementId ?? ''} is not armed in this instance`,
          { hint: 'the job is stale (its activity already finished); delete it' },
        );
      }
      // Fired even if the clock says it is early: the scheduler owns timing.
      timer.fire();
      return;
    }
    case 'message': {
      const matching = messages.filter((m) => m.name === event.name && CATCH_KINDS.has(m.kind));
      const ids = new Set(matching.map((m) => m.elementId));
      const catchers = waiting.catchers.filter((api) => ids.has(api.id));
      if (catchers.length === 0) {
        throw new EngineError(
          'engine.message_not_expected',
          'conflict',
          `the instance is not waiting for message "${event.name}"`,
        );
      }
      assignVariables(engine, catchers[0]!, event.payload);
      const messageIds = new Set(
        matching.filter((m) => catchers.some((c) => c.id === m.elementId)).map((m) => m.messageId),
      );
      for (const definition of engine.execution?.definitions ?? []) {
        for (const id of messageIds) definition.sendMessage({ id });
      }
      return;
    }
  }
}

function pick(map: Map<string, PostponedApi>, id: string | undefined, elementId: string | undefined) {
  if (id) return map.get(id);
  if (!elementId) return undefined;
  const candidates = [...map.values()].filter((api) => api.id === elementId);
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * Submitted data becomes process variables (Camunda semantics), so gateways after the task see
 * it. bpmn-elements keeps one environment per process and per running subprocess: write to the
 * element's own scope and to every running process.
 */
function assignVariables(engine: EngineLike, api: PostponedApi, data: Variables | undefined): void {
  if (!data || typeof data !== 'object') return;
  api.environment.assignVariables(data);
  for (const definition of engine.execution?.definitions ?? []) {
    for (const process of definition.getRunningProcesses()) {
      if (process.environment !== api.environment) process.environment.assignVariables(data);
    }
  }
}

function processVariables(engine: EngineLike, processKey: string): Variables {
  for (const definition of engine.execution?.definitions ?? []) {
    const process = definition.getProcessById(processKey);
    if (process) return userVariables(process.environment.variables);
  }
  return {};
}

function subscriptionsOf(waiting: Waiting, messages: MessageMetadata[]): MessageSubscription[] {
  const result: MessageSubscription[] = [];
  const seen = new Set<string>();
  for (const api of waiting.catchers) {
    for (const message of messages) {
      if (message.elementId !== api.id || !CATCH_KINDS.has(message.kind)) continue;
      const key = `${message.name}\u0000${api.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.push({ name: message.name, elementId: api.id, kind: message.kind });
    }
  }
  return result;
}

function toTimerJob(timer: CapturedTimer): TimerJob {
  const timerType = (timer.owner.timerType as TimerType | undefined) ?? null;
  const expression = timerType ? (timer.owner[timerType] ?? null) : null;
  return {
    timerId: timer.timerId,
    elementId: timer.elementId,
    dueAt: timer.dueAt.toISOString(),
    timerType,
    expression: typeof expression === 'string' ? expression : null,
    repeat: typeof timer.owner.repeat === 'number' ? timer.owner.repeat : null,
  };
}

function evaluateAttribute(value: string | null, variables: Variables): unknown {
  if (value === null) return null;
  return compileTemplate(value).evaluate({ ...variables, variables });
}

function describeTask(
  taskId: string,
  api: PostponedApi,
  meta: UserTaskMetadata | undefined,
  clock: Clock,
): WaitingTask {
  const variables = userVariables(api.environment.variables);
  const groups = (meta?.candidateGroups ?? []).flatMap((group) => {
    const value = evaluateAttribute(group, variables);
    return Array.isArray(value)
      ? value.map(String)
      : value === null || value === ''
        ? []
        : String(value)
            .split(',')
            .map((g) => g.trim());
  });
  const assignee = evaluateAttribute(meta?.assignee ?? null, variables);
  const priority = evaluateAttribute(meta?.priority ?? null, variables);
  return {
    taskId,
    elementId: api.id,
    name: meta?.name ?? api.name ?? null,
    names: meta?.names ?? {},
    formKey: meta?.form.key ?? '',
    formVersion: meta?.form.version ?? null,
    candidateGroups: groups.filter(Boolean),
    assignee: assignee === null || assignee === '' ? null : String(assignee),
    dueAt: resolveDueAt(evaluateAttribute(meta?.dueDate ?? null, variables), clock.now()),
    priority:
      priority === null || priority === '' || Number.isNaN(Number(priority)) ? null : Number(priority),
  };
}

/** camunda:dueDate: an ISO date-time, or (our extension) an ISO duration from task creation. */
function resolveDueAt(value: unknown, now: Date): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value).trim();
  try {
    if (/^P/i.test(text)) return addDuration(now, parseIsoDuration(text)).toISOString();
    return parseIsoDateTime(text).date.toISOString();
  } catch {
    return null;
  }
}

function describeFailure(err: unknown): StepFailure {
  const error = err as
    | { message?: string; code?: string; source?: { content?: { id?: string } } }
    | undefined;
  return {
    elementId: error?.source?.content?.id ?? null,
    code: error?.code ?? null,
    message: error?.message ?? String(err),
  };
}
