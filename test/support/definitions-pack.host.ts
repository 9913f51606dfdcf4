import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPUTE_HANDLERS,
  type HandlerContext,
  SERVICE_TOPIC_NAMES,
  SERVICE_TOPICS,
} from '@collectflow/collection';
import {
  type DeploymentDefinition,
  type LintProblem,
  type MessageSubscription,
  type OutboxMessage,
  parseAndLint,
  runStep,
  type ServiceCall,
  type StepEvent,
  type StepResult,
  type TimerJob,
  type Variables,
  type WaitingTask,
} from '@collectflow/engine';
import { evaluateComputedDetailed, type FormDefinition, ValidatorCache } from '@collectflow/schema';

export const definitionsDir = join(import.meta.dirname, '..', '..', 'definitions');

export function loadForms(): Map<string, FormDefinition> {
  const dir = join(definitionsDir, 'forms');
  const forms = new Map<string, FormDefinition>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.form.json'))
    .sort()) {
    const form = JSON.parse(readFileSync(join(dir, file), 'utf8')) as FormDefinition;
    forms.set(form.key, form);
  }
  return forms;
}

export function loadRoles(): { key: string; name: { 'zh-CN': string; en: string } }[] {
  return JSON.parse(readFileSync(join(definitionsDir, 'roles.json'), 'utf8')).roles;
}

export function processFiles(): string[] {
  return readdirSync(join(definitionsDir, 'processes'))
    .filter((f) => f.endsWith('.bpmn'))
    .sort();
}

/** What the registry would resolve: every pack form is version 1 of its key. */
export const resolveFormRef = (forms: Map<string, FormDefinition>) => (key: string, version: number) =>
  version === 1 ? (forms.get(key)?.schema as Record<string, unknown> | undefined) : undefined;

export async function deployProcess(
  file: string,
  forms: Map<string, FormDefinition>,
): Promise<{ definition?: DeploymentDefinition; problems: LintProblem[] }> {
  const groups = loadRoles().map((r) => r.key);
  return parseAndLint(readFileSync(join(definitionsDir, 'processes', file)), {
    formExists: (key, version) => forms.has(key) && (version === undefined || version === 1),
    knownGroups: groups,
    handlerExists: (name) => SERVICE_TOPIC_NAMES.has(name),
  });
}

interface Instance {
  id: string;
  processKey: string;
  businessKey: string;
  snapshot: StepResult['snapshot'] | null;
  status: StepResult['status'];
  tasks: Map<string, WaitingTask>;
  calls: Map<string, ServiceCall>;
  timers: Map<string, TimerJob>;
  subscriptions: MessageSubscription[];
  variables: Variables;
  history: string[];
}

/**
 * The pack running on the engine in memory, the way the runtime host will run it: compute
 * handlers from @collectflow/collection, outbound handlers that only record, task data
 * validated against its form, and a relay that delivers outbox messages to every instance of
 * the same business key (or starts a process with that message start event).
 */
export class PackHost {
  readonly forms = loadForms();
  readonly validators = new ValidatorCache({ resolveRef: resolveFormRef(this.forms) });
  readonly deployments = new Map<string, DeploymentDefinition>();
  readonly instances = new Map<string, Instance>();
  readonly outbox: (OutboxMessage & { businessKey: string })[] = [];
  readonly sent: { topic: string; businessKey: string; at: string }[] = [];
  readonly dropped: string[] = [];
  now = new Date('2025-07-01T02:00:00.000Z');
  context: Omit<HandlerContext, 'now'> = {};
  #next = 1;

  /** Deployed once per test file: a deployment is immutable data, as the runtime caches it. */
  static #deployed: Promise<DeploymentDefinition[]> | undefined;

  static async create(): Promise<PackHost> {
    const host = new PackHost();
    PackHost.#deployed ??= Promise.all(
      processFiles().map(async (file) => {
        const { definition, problems } = await deployProcess(file, host.forms);
        if (!definition) throw new Error(`${file} did not deploy: ${JSON.stringify(problems)}`);
        return definition;
      }),
    );
    for (const definition of await PackHost.#deployed)
      host.deployments.set(definition.processKey, definition);
    return host;
  }

  get clock() {
    return { now: () => new Date(this.now) };
  }

  async start(processKey: string, businessKey: string, variables: Variables = {}): Promise<Instance> {
    const instance = this.#newInstance(processKey, businessKey);
    await this.#apply(instance, { type: 'start', variables, businessKey });
    return instance;
  }

  /** Starts a process whose start event waits for `name`, as message correlation would. */
  async startByMessage(processKey: string, businessKey: string, name: string, payload: Variables) {
    const instance = this.#newInstance(processKey, businessKey);
    await this.#apply(instance, { type: 'start', businessKey });
    await this.#apply(instance, { type: 'message', name, payload });
    return instance;
  }

  async message(instance: Instance, name: string, payload: Variables = {}): Promise<void> {
    await this.#apply(instance, { type: 'message', name, payload });
  }

  /** A collector submits a task's form: invalid data is refused like the API's 422. */
  async complete(instance: Instance, elementId: string, data: Variables): Promise<void> {
    const task = [...instance.tasks.values()].find((t) => t.elementId === elementId);
    if (!task)
      throw new Error(`${instance.processKey} is not waiting at ${elementId}: ${this.waitingAt(instance)}`);
    const form = this.forms.get(task.formKey);
    if (!form) throw new Error(`no form ${task.formKey}`);
    const computed = evaluateComputedDetailed(form, data).data;
    const result = this.validators.validate(form.key, 1, form.schema, computed);
    if (!result.valid) throw new Error(`${form.key} data is invalid: ${JSON.stringify(result.errors)}`);
    await this.#apply(instance, { type: 'completeTask', taskId: task.taskId, data: computed });
  }

  /** The scheduler: move the clock to the timer's due time and fire it. */
  async fireTimer(instance: Instance, elementId: string): Promise<string> {
    const job = [...instance.timers.values()].find((t) => t.elementId === elementId);
    if (!job) throw new Error(`no timer at ${elementId}: ${this.waitingAt(instance)}`);
    if (Date.parse(job.dueAt) > this.now.getTime()) this.now = new Date(job.dueAt);
    instance.timers.delete(job.timerId);
    await this.#apply(instance, { type: 'timerDue', timerId: job.timerId });
    return job.dueAt;
  }

  /** Delivers every pending outbox message; returns how many reached an instance. */
  async relay(): Promise<number> {
    let delivered = 0;
    while (this.outbox.length > 0) {
      const message = this.outbox.shift()!;
      let reached = false;
      for (const instance of [...this.instances.values()]) {
        if (instance.businessKey !== message.businessKey || instance.status !== 'running') continue;
        if (!instance.subscriptions.some((s) => s.name === message.name && s.kind !== 'start')) continue;
        await this.message(instance, message.name, message.payload);
        reached = true;
      }
      for (const deployment of this.deployments.values()) {
        const starts = deployment.metadata.messages.some(
          (m) => m.kind === 'start' && m.name === message.name,
        );
        if (!starts) continue;
        await this.startByMessage(deployment.processKey, message.businessKey, message.name, message.payload);
        reached = true;
      }
      if (reached) delivered++;
      else this.dropped.push(message.name);
    }
    return delivered;
  }

  waitingAt(instance: Instance): string[] {
    return [
      ...[...instance.tasks.values()].map((t) => t.elementId),
      ...[...instance.timers.values()].map((t) => t.elementId),
      ...instance.subscriptions.map((s) => s.elementId),
    ]
      .filter((id, i, all) => all.indexOf(id) === i)
      .sort();
  }

  instancesOf(processKey: string, businessKey: string): Instance[] {
    return [...this.instances.values()].filter(
      (i) => i.processKey === processKey && i.businessKey === businessKey,
    );
  }

  #newInstance(processKey: string, businessKey: string): Instance {
    if (!this.deployments.has(processKey)) throw new Error(`no process ${processKey}`);
    const instance: Instance = {
      id: `instance-${this.#next++}`,
      processKey,
      businessKey,
      snapshot: null,
      status: 'running',
      tasks: new Map(),
      calls: new Map(),
      timers: new Map(),
      subscriptions: [],
      variables: {},
      history: [],
    };
    this.instances.set(instance.id, instance);
    return instance;
  }

  async #apply(instance: Instance, event: StepEvent): Promise<void> {
    const deployment = this.deployments.get(instance.processKey)!;
    const result = await runStep(deployment, instance.snapshot, event, {
      instanceId: instance.id,
      clock: this.clock,
    });
    // Through JSON, as a database would store it.
    instance.snapshot = JSON.parse(JSON.stringify(result.snapshot));
    instance.status = result.status;
    instance.variables = result.variables;
    for (const id of result.closedTaskIds) instance.tasks.delete(id);
    for (const task of result.waitingTasks) instance.tasks.set(task.taskId, task);
    for (const job of result.timers.cancel) instance.timers.delete(job.timerId);
    for (const job of result.timers.create) instance.timers.set(job.timerId, job);
    for (const id of result.cancelledServiceCalls) instance.calls.delete(id);
    for (const call of result.serviceCalls) instance.calls.set(call.callId, call);
    instance.subscriptions = result.messageSubscriptions;
    instance.history.push(
      ...result.history.filter((h) => h.event === 'activity.end').map((h) => h.elementId),
    );
    for (const message of result.outbox) this.outbox.push({ ...message, businessKey: instance.businessKey });
    if (result.status === 'failed')
      throw new Error(`${instance.processKey} failed: ${JSON.stringify(result.failure)}`);
    // Handlers run after the step commits; each completion is a step of its own.
    for (const call of [...instance.calls.values()]) {
      if (instance.status !== 'running' || !instance.calls.has(call.callId)) continue;
      instance.calls.delete(call.callId);
      await this.#apply(instance, {
        type: 'serviceCompleted',
        callId: call.callId,
        output: this.#runHandler(call, instance),
      });
    }
  }

  #runHandler(call: ServiceCall, instance: Instance): Variables {
    const compute = COMPUTE_HANDLERS[call.handler];
    if (compute) return compute(call.input, { ...this.context, now: new Date(this.now) });
    const topic = SERVICE_TOPICS.find((t) => t.topic === call.handler);
    this.sent.push({ topic: call.handler, businessKey: instance.businessKey, at: this.now.toISOString() });
    const written = topic?.writes[0];
    return written ? { [written]: this.now.toISOString() } : {};
  }
}
