import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Clock } from '@collectflow/engine';
import { DomainError, ValidatorCache } from '@collectflow/schema';
import {
  createLogger,
  createProcessRuntime,
  type FormCatalog,
  type ProcessRuntime,
  type ProcessRuntimeOptions,
  type TaskFormValidator,
} from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { type RunningTestApp, startTestApp } from './test-app.js';

/** A clock tests move by hand; nothing sleeps. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start = '2026-03-02T09:00:00.000Z') {
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advanceDays(days: number): void {
    this.current += days * 86_400_000;
  }

  advanceMs(ms: number): void {
    this.current += ms;
  }
}

export function bpmnFixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../fixtures/bpmn/${name}`, import.meta.url)));
}

/** The forms the fixtures' user tasks name, as published versions. */
export const TEST_FORMS: Record<string, { version: number; schema: Record<string, unknown> }> = {
  promise: {
    version: 2,
    schema: {
      type: 'object',
      required: ['promisedAmount'],
      properties: { promisedAmount: { type: 'number', minimum: 0 }, note: { type: 'string' } },
    },
  },
  payment: {
    version: 1,
    schema: {
      type: 'object',
      required: ['paidAmount'],
      properties: { paidAmount: { type: 'number', minimum: 0 } },
    },
  },
  review: {
    version: 1,
    schema: { type: 'object', properties: { approved: { type: 'boolean' }, note: { type: 'string' } } },
  },
  'debt-case': { version: 3, schema: { type: 'object' } },
};

/**
 * Task-form validation straight on the schema package's ValidatorCache, for tests that are
 * about the runtime rather than the registry (the app's default wiring uses the registry).
 */
export function schemaTaskForms(forms = TEST_FORMS): TaskFormValidator & FormCatalog {
  const cache = new ValidatorCache();
  return {
    async validate(formKey, version, data, locale) {
      const form = forms[formKey];
      if (!form || (version !== null && version !== form.version)) {
        throw new DomainError('forms.not_found', 'not_found', `no form ${formKey}@${version ?? 'latest'}`);
      }
      const result = cache.validate(formKey, form.version, form.schema, data, { locale });
      return { valid: result.valid, errors: result.errors, version: form.version };
    },
    formExists: (key, version) => key in forms && (version === undefined || forms[key]?.version === version),
  };
}

export const TEST_GROUPS = ['collectors', 'supervisors', 'liaison', 'admin'];

export interface RuntimeHarness {
  app: RunningTestApp;
  runtime: ProcessRuntime;
  clock: FakeClock;
  store: Store;
  close(): Promise<void>;
}

/** An app on `store` with a runtime on a fake clock and the test forms and groups. */
export async function startRuntimeApp(
  store: Store,
  options: Partial<Omit<ProcessRuntimeOptions, 'store' | 'logger'>> & { clock?: FakeClock } = {},
): Promise<RuntimeHarness> {
  const clock = options.clock ?? new FakeClock();
  const forms = schemaTaskForms();
  const runtime = createProcessRuntime({
    store,
    logger: createLogger({ level: 'silent' }),
    validator: forms,
    forms,
    groups: { knownGroups: () => TEST_GROUPS },
    retry: { baseDelayMs: 60_000 },
    ...options,
    clock,
  });
  const app = await startTestApp(store, { runtime });
  return {
    app,
    runtime,
    clock,
    store,
    close: async () => {
      await runtime.scheduler.stop();
      await app.close();
    },
  };
}

/** Callers as tests name them. */
export const COLLECTOR = {
  userId: 'li.na',
  roles: ['collector'],
  groups: ['collectors'],
  permissions: ['tasks.work' as const, 'process.start' as const],
};
export const SUPERVISOR = {
  userId: 'wang.wei',
  roles: ['manager'],
  groups: ['supervisors'],
  permissions: ['tasks.work' as const, 'process.start' as const],
};
export const OUTSIDER = {
  userId: 'zhao.lei',
  roles: ['legal'],
  groups: ['legal'],
  permissions: ['tasks.work' as const],
};

export async function deploy(
  app: RunningTestApp,
  fixture: string,
): Promise<{ id: string; version: number; processKey: string }> {
  const res = await app.request('/api/deployments', {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: new Uint8Array(bpmnFixture(fixture)),
  });
  const body = await res.json();
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`deploy ${fixture}: ${res.status} ${JSON.stringify(body)}`);
  return body.deployment;
}

export async function startInstance(
  app: RunningTestApp,
  processKey: string,
  body: { businessKey?: string; variables?: Record<string, unknown> } = {},
): Promise<{ instance: { id: string; status: string; activeElementIds: string[] }; taskIds: string[] }> {
  const res = await app.request('/api/instances', { method: 'POST', json: { processKey, ...body } });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`start ${processKey}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
export async function json<T = any>(res: Response | Promise<Response>): Promise<{ status: number; body: T }> {
  const r = await res;
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}
