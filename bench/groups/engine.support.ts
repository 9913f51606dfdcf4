import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidatorCache } from '@collectflow/schema';
import {
  createLogger,
  createProcessRuntime,
  type ProcessRuntime,
  type SchedulerOptions,
  ServiceHandlerRegistry,
} from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { rawSelect } from '@collectflow/store/testing';

/** The reference flow: start, user task, complete, exclusive gateway, service task, end. */
export const REFERENCE_FLOW = 'review-approve-letter.bpmn';
export const REFERENCE_KEY = 'review-approve-letter';

export function fixture(repoRoot: string, name: string): Buffer {
  return readFileSync(join(repoRoot, 'packages/server/test/fixtures/bpmn', name));
}

const REVIEW_SCHEMA = {
  type: 'object',
  properties: { approved: { type: 'boolean' }, note: { type: 'string' } },
};

/** A runtime as the server builds it, with the review form validated by a ValidatorCache and a letter handler that answers at once. */
export function benchRuntime(store: Store, scheduler: Partial<SchedulerOptions> = {}): ProcessRuntime {
  const cache = new ValidatorCache();
  const handlers = new ServiceHandlerRegistry().register('letters.post', async (call) => ({
    letterId: call.idempotencyKey,
  }));
  return createProcessRuntime({
    store,
    logger: createLogger({ level: 'silent' }),
    validator: {
      async validate(formKey, _version, data, locale) {
        const result = cache.validate(formKey, 1, REVIEW_SCHEMA, data, { locale });
        return { valid: result.valid, errors: result.errors, version: 1 };
      },
    },
    forms: { formExists: () => true },
    groups: { knownGroups: () => ['collectors', 'supervisors'] },
    handlers,
    scheduler,
  });
}

export const BENCH_ACTOR = { userId: 'bench', groups: ['collectors'], admin: false };

/**
 * Runs `flows` reference flows to their end through the runtime: start (commit), complete the
 * review (commit), the scheduler runs the letter handler (commit). `concurrency` drivers start
 * and complete; the scheduler works alongside, as on a server.
 */
export async function runDurableFlows(
  runtime: ProcessRuntime,
  store: Store,
  options: { flows: number; concurrency: number; prefix: string },
): Promise<void> {
  runtime.scheduler.start();
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.flows) {
          const i = next++;
          const started = await runtime.instances.start(
            { processKey: REFERENCE_KEY, businessKey: `${options.prefix}-${i}` },
            'bench',
          );
          await runtime.tasks.complete(started.taskIds[0]!, BENCH_ACTOR, { approved: true }, 'en');
        }
      }),
    );
    for (;;) {
      const [row] = await rawSelect<{ n: number }>(
        store,
        "select count(*) as n from process_instances where business_key like ? and status = 'running'",
        [`${options.prefix}-%`],
      );
      if (row!.n === 0) return;
      // Only the end is awaited here; the work itself is woken, never polled for.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    await runtime.scheduler.stop();
  }
}

/** start → timer → end: an instance that completes when its timer fires. */
export const TIMER_TO_END_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://collectflow.dev/bench">
  <bpmn:process id="bench-timer-to-end" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

/**
 * Copies one waiting instance (its row, open tasks and jobs) `copies` times, with overdue jobs.
 * A bench shortcut: building 100,000 instances step by step would take most of an hour, and a
 * copy of a waiting instance is exactly what the runtime would have stored for it.
 */
export async function cloneWaitingInstance(store: Store, templateId: string, copies: number, prefix: string) {
  const chunk = 10_000;
  for (let from = 1; from <= copies; from += chunk) {
    const to = Math.min(copies, from + chunk - 1);
    // rawSelect runs any statement in its own transaction; these return a row count.
    await rawSelect(
      store,
      `with t as (select * from process_instances where id = ?),
            made as (
              insert into process_instances (id, deployment_id, process_key, business_key, status, snapshot,
                variables, active_element_ids, failure, version, started_by, created_at, updated_at, ended_at)
              select gen_random_uuid(), t.deployment_id, t.process_key, ? || '-' || g, t.status, t.snapshot,
                t.variables, t.active_element_ids, t.failure, t.version, t.started_by, t.created_at, t.updated_at,
                t.ended_at
              from t, generate_series(?::int, ?::int) g
              returning id)
       select count(*) as n from made`,
      [templateId, prefix, from, to],
    );
  }
  await rawSelect(
    store,
    `with made as (
       insert into process_tasks (id, instance_id, engine_task_id, element_id, name, process_key, business_key,
         form_key, form_version, candidate_groups, assignee, due_at, priority, status, created_at)
       select gen_random_uuid(), i.id, t.engine_task_id, t.element_id, t.name, t.process_key, i.business_key,
         t.form_key, t.form_version, t.candidate_groups, t.assignee, t.due_at, t.priority, t.status, t.created_at
       from process_instances i, process_tasks t
       where t.instance_id = ? and i.business_key like ? || '-%'
       returning id)
     select count(*) as n from made`,
    [templateId, prefix],
  );
  await rawSelect(
    store,
    `with made as (
       insert into process_jobs (id, instance_id, kind, job_key, element_id, run_at, status, attempts, max_attempts,
         payload, created_at)
       select gen_random_uuid(), i.id, j.kind, j.job_key, j.element_id, now() - interval '1 minute', j.status, 0,
         j.max_attempts, j.payload, j.created_at
       from process_instances i, process_jobs j
       where j.instance_id = ? and i.business_key like ? || '-%'
       returning id)
     select count(*) as n from made`,
    [templateId, prefix],
  );
}

export interface ChildServer {
  url: string;
  pid: number;
  token: string;
  stop(): Promise<void>;
  /** Resident set size of the server process (Linux /proc). */
  rssMb(): number;
}

/** `collectflow start` as its own process, logged in as the administrator with an API token. */
export async function startChildServer(repoRoot: string, env: Record<string, string>): Promise<ChildServer> {
  const { spawn } = await import('node:child_process');
  const emptyDir = mkdtempSync(join(tmpdir(), 'collectflow-bench-defs-'));
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  const child = spawn(process.execPath, [join(repoRoot, 'packages/cli/dist/bin.js'), 'start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      COLLECTFLOW_ADMIN_USERNAME: 'admin',
      COLLECTFLOW_ADMIN_PASSWORD: password,
      // The runtime is measured, not the definitions pack: an empty definitions folder.
      COLLECTFLOW_DEFINITIONS_DIR: emptyDir,
      COLLECTFLOW_DEMO: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr.slice(-1000)}`)));
  });
  // A server whose database already had an admin keeps that one's password: log in as it then.
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: env.COLLECTFLOW_ADMIN_PASSWORD ?? password }),
  });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const made = await fetch(`${url}/api/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({
      name: 'bench',
      permissions: ['process.deploy', 'process.start', 'process.admin', 'tasks.work'],
    }),
  });
  const { token } = (await made.json()) as { token: string };
  return {
    url,
    pid: child.pid!,
    token,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(emptyDir, { recursive: true, force: true });
    },
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
    },
  };
}
