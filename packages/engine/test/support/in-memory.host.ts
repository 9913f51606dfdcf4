import {
  type DeploymentDefinition,
  type HistoryEntry,
  type InstanceSnapshot,
  type InstanceStatus,
  type MessageSubscription,
  type OutboxMessage,
  runStep,
  type ServiceCall,
  type StepEvent,
  type StepResult,
  type TimerJob,
  type Variables,
  type WaitingTask,
} from '../../src/index.js';
import { FakeClock } from './fake.clock.js';

interface InstanceRow {
  id: string;
  snapshot: InstanceSnapshot;
  status: InstanceStatus;
  version: number;
  tasks: Map<string, WaitingTask>;
  subscriptions: MessageSubscription[];
  serviceCalls: Map<string, ServiceCall>;
  history: HistoryEntry[];
  variables: Variables;
  last: StepResult;
}

/**
 * What the store + server will do, in memory: keep the snapshot and the rows a step asks for,
 * and feed the next event. Snapshots go through JSON like they would through a database.
 */
export class InMemoryHost {
  readonly clock: FakeClock;
  readonly instances = new Map<string, InstanceRow>();
  readonly jobs = new Map<string, TimerJob & { instanceId: string }>();
  readonly outbox: OutboxMessage[] = [];
  private next = 1;

  constructor(
    readonly deployment: DeploymentDefinition,
    clock = new FakeClock(),
  ) {
    this.clock = clock;
  }

  async start(variables: Variables = {}, businessKey = 'case-1'): Promise<InstanceRow> {
    const id = `instance-${this.next++}`;
    const result = await runStep(
      this.deployment,
      null,
      { type: 'start', variables, businessKey },
      this.ctx(id),
    );
    const row: InstanceRow = {
      id,
      snapshot: result.snapshot,
      status: result.status,
      version: 0,
      tasks: new Map(),
      subscriptions: [],
      serviceCalls: new Map(),
      history: [],
      variables: {},
      last: result,
    };
    this.instances.set(id, row);
    this.persist(row, result);
    return row;
  }

  async send(instanceId: string, event: StepEvent): Promise<StepResult> {
    const row = this.instances.get(instanceId);
    if (!row) throw new Error(`no instance ${instanceId}`);
    const result = await runStep(this.deployment, row.snapshot, event, this.ctx(instanceId));
    this.persist(row, result);
    return result;
  }

  task(instanceId: string, elementId: string): WaitingTask {
    const task = [...(this.instances.get(instanceId)?.tasks.values() ?? [])].find(
      (t) => t.elementId === elementId,
    );
    if (!task) throw new Error(`no waiting task ${elementId}`);
    return task;
  }

  complete(instanceId: string, elementId: string, data: Variables = {}): Promise<StepResult> {
    return this.send(instanceId, {
      type: 'completeTask',
      taskId: this.task(instanceId, elementId).taskId,
      data,
    });
  }

  /** The scheduler: fire every job whose due time has come, oldest first. */
  async runDueTimers(): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = [...this.jobs.values()]
        .filter((job) => Date.parse(job.dueAt) <= this.clock.now().getTime())
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
      if (!due) return fired;
      this.jobs.delete(due.timerId);
      await this.send(due.instanceId, { type: 'timerDue', timerId: due.timerId, elementId: due.elementId });
      fired++;
    }
  }

  row(instanceId: string): InstanceRow {
    const row = this.instances.get(instanceId);
    if (!row) throw new Error(`no instance ${instanceId}`);
    return row;
  }

  waitingElementIds(instanceId: string): string[] {
    return [...this.row(instanceId).tasks.values()].map((t) => t.elementId).sort();
  }

  private ctx(instanceId: string) {
    return { instanceId, clock: this.clock };
  }

  private persist(row: InstanceRow, result: StepResult): void {
    row.snapshot = JSON.parse(JSON.stringify(result.snapshot)) as InstanceSnapshot;
    row.status = result.status;
    row.version++;
    row.last = result;
    row.variables = result.variables;
    for (const id of result.closedTaskIds) row.tasks.delete(id);
    for (const task of result.waitingTasks) row.tasks.set(task.taskId, task);
    for (const job of result.timers.cancel) this.jobs.delete(job.timerId);
    for (const job of result.timers.create) this.jobs.set(job.timerId, { ...job, instanceId: row.id });
    row.subscriptions = result.messageSubscriptions;
    for (const id of result.cancelledServiceCalls) row.serviceCalls.delete(id);
    for (const call of result.serviceCalls) row.serviceCalls.set(call.callId, call);
    row.history.push(...result.history);
    this.outbox.push(...result.outbox);
  }
}
