import { hostname } from 'node:os';
import { type Clock, systemClock } from '@collectflow/engine';
import type { Store } from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import { BUILTIN_ROLE_KEYS } from '../auth/builtin-roles.js';
import type { Logger } from '../logger.js';
import { DeploymentCache } from './deployment.cache.js';
import { DeploymentService } from './deployment.service.js';
import { createHttpHandler } from './http.service-handler.js';
import { IncidentService } from './incident.service.js';
import { InstanceService } from './instance.service.js';
import { JobRunner } from './job.runner.js';
import { MessageCorrelator } from './message.correlator.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';
import { ProcessAdminService } from './process-admin.service.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.policy.js';
import type { FormCatalog, GroupCatalog, OutboxSink, TaskFormValidator, TaskGuard } from './runtime.ports.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import { ServiceHandlerRegistry } from './service-handler.registry.js';
import { type SchedulerWork, StepExecutor } from './step.executor.js';
import { TaskService } from './task.service.js';

/** Without a catalog, tasks may be offered to the built-in roles (see auth/builtin-roles.ts). */
export const DEFAULT_GROUPS: readonly string[] = BUILTIN_ROLE_KEYS;

export interface ProcessRuntimeOptions {
  store: Store;
  logger: Logger;
  /** Validates task data against its form (the form registry). */
  validator: TaskFormValidator;
  /** Deploy-time form lookup (the form registry). */
  forms: FormCatalog;
  groups?: GroupCatalog;
  /** The one source of "now" for steps, timers, leases and history. */
  clock?: Clock;
  /** Handlers by name; `http` is added unless already registered. */
  handlers?: ServiceHandlerRegistry;
  outboxSink?: OutboxSink;
  /** Domain rules on claiming and completing user tasks (the collection pack's compliance). */
  taskGuards?: readonly TaskGuard[];
  retry?: Partial<RetryPolicy>;
  scheduler?: Partial<SchedulerOptions>;
  nodeId?: string;
  maxBpmnBytes?: number;
  serviceCallTimeoutMs?: number;
  serviceLeaseMs?: number;
}

export interface ProcessRuntime {
  readonly nodeId: string;
  readonly clock: Clock;
  readonly handlers: ServiceHandlerRegistry;
  readonly deployments: DeploymentService;
  readonly instances: InstanceService;
  readonly tasks: TaskService;
  readonly messages: MessageCorrelator;
  readonly incidents: IncidentService;
  /** Cancel, migrate, per-element statistics. */
  readonly admin: ProcessAdminService;
  readonly scheduler: Scheduler;
  readonly executor: StepExecutor;
}

/** Wires the runtime's parts around one store and one clock. Starting the scheduler is the caller's call. */
export function createProcessRuntime(options: ProcessRuntimeOptions): ProcessRuntime {
  const { store, logger } = options;
  const clock = options.clock ?? systemClock;
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const nodeId = options.nodeId ?? `${hostname()}:${process.pid}:${uuidv7().slice(-8)}`;
  const handlers = options.handlers ?? new ServiceHandlerRegistry();
  if (!handlers.has('http')) handlers.register('http', createHttpHandler());
  const groups = options.groups ?? { knownGroups: () => DEFAULT_GROUPS };
  const outboxSink: OutboxSink =
    options.outboxSink ??
    (async (message) => {
      logger.info(
        {
          outboxId: message.id,
          name: message.name,
          instanceId: message.instanceId,
          key: message.idempotencyKey,
        },
        'outbox message (no sink configured)',
      );
    });

  // Set below; steps call it after commit so the scheduler picks up new service jobs at once.
  let scheduler: Scheduler | undefined;
  const onWork = (work?: SchedulerWork) => scheduler?.wake(work);

  const deploymentCache = new DeploymentCache();
  const executor = new StepExecutor({ clock, deployments: deploymentCache, retry });
  const correlator = new MessageCorrelator({ store, clock, executor, onWork });
  const runner = new JobRunner({
    store,
    clock,
    executor,
    handlers,
    retry,
    nodeId,
    leaseMs: options.serviceLeaseMs ?? 120_000,
    callTimeoutMs: options.serviceCallTimeoutMs ?? 60_000,
    logger,
  });
  scheduler = new Scheduler(
    { runner, correlator, outbox: new OutboxDispatcher({ store, clock, sink: outboxSink, retry }), logger },
    { timerConcurrency: store.backend === 'postgres' ? 2 : 1, ...options.scheduler },
  );
  return {
    nodeId,
    clock,
    handlers,
    executor,
    scheduler,
    messages: correlator,
    deployments: new DeploymentService({
      store,
      clock,
      forms: options.forms,
      groups,
      handlerExists: (name) => handlers.has(name),
      ...(options.maxBpmnBytes ? { maxBytes: options.maxBpmnBytes } : {}),
    }),
    instances: new InstanceService({ store, executor, onWork }),
    tasks: new TaskService({
      store,
      clock,
      executor,
      validator: options.validator,
      onWork,
      ...(options.taskGuards ? { guards: options.taskGuards } : {}),
    }),
    incidents: new IncidentService({ store, clock, executor, onWork }),
    admin: new ProcessAdminService({ store, executor, deployments: deploymentCache }),
  };
}
