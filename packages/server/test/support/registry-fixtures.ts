import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormDefinition } from '@collectflow/schema';
import { expect } from 'vitest';
import type { RunningTestApp } from './test-app.js';

const schemaFixtures = join(import.meta.dirname, '..', '..', '..', 'schema', 'test', 'fixtures');

/** The 30-field debtor form of the schema package's fixtures (sensitive fields, a computed balance, if/then). */
export function debtorForm(key = 'debtor'): FormDefinition {
  const form = JSON.parse(readFileSync(join(schemaFixtures, 'debtor.form.json'), 'utf8')) as FormDefinition;
  return { ...form, key };
}

/** Data that is valid against debtorForm(); `overrides` replace top-level fields. */
export function validDebtor(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    caseNo: 'DC-20240001',
    debtorName: '张三',
    idNumber: '11010519491231002X',
    phone: '13800138000',
    principal: '1000.00',
    interest: '50.25',
    fees: '10',
    paid: '60.25',
    currency: 'CNY',
    address: { province: '北京', city: '北京', street: '长安街 1 号' },
    overdueDays: 45,
    dpdBucket: 'M2',
    contacts: [{ name: '李四', relation: 'spouse', phone: '13900139000' }],
    ...overrides,
  };
}

/** A minimal valid definition around `schema`. */
export function formWith(key: string, schema: Record<string, unknown>, extra: Partial<FormDefinition> = {}) {
  return {
    key,
    title: { 'zh-CN': key, en: key },
    schema,
    uiSchema: {},
    metadata: { sensitive: [], indexed: [], computed: [] },
    ...extra,
  };
}

/** Creates and publishes a form through the API; fails the test on anything but success. */
export async function publishForm(app: RunningTestApp, definition: object): Promise<number> {
  const key = (definition as { key: string }).key;
  const created = await app.request('/api/forms', { method: 'POST', json: definition });
  expect(created.status, JSON.stringify(await created.clone().json())).toBe(201);
  const published = await app.request(`/api/forms/${key}/publish`, { method: 'POST', json: {} });
  expect(published.status, JSON.stringify(await published.clone().json())).toBe(201);
  return ((await published.json()) as { version: { version: number } }).version.version;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in assertions
export type Body = Record<string, any>;

export async function json(res: Response): Promise<Body> {
  return (await res.json()) as Body;
}
