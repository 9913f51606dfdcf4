import type { Clock } from '@collectflow/engine';
import { BUILTIN_ROLE_PERMISSIONS, ensureBuiltinRoles, type Permission } from '@collectflow/server';
import type { Store, StoreTx, UserRecord } from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import { expect } from 'vitest';
import { formWith, publishForm } from './support/registry-fixtures.js';
import type { RunningTestApp, testActor } from './support/test-app.js';

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at.getTime());
  }
  set(at: Date): void {
    this.at = new Date(at.getTime());
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

export type TestUser = UserRecord & { as: Parameters<typeof testActor>[0] };

/** Stored users (mentions and notifications need real ones) with the test actor that logs in as each. */
export async function createUsers(
  store: Store,
  users: { username: string; role: string; teamId?: string | null; displayName?: string }[],
): Promise<Record<string, TestUser>> {
  await ensureBuiltinRoles(store);
  return store.transaction(async (tx) => {
    const out: Record<string, TestUser> = {};
    for (const team of new Set(users.flatMap((u) => (u.teamId ? [u.teamId] : [])))) {
      await tx.teams.upsert({ id: team, name: { 'zh-CN': team, en: team } });
    }
    for (const u of users) {
      const user = await tx.users.create({
        username: u.username,
        displayName: u.displayName ?? u.username,
        passwordHash: null,
        roles: [u.role],
        teamId: u.teamId ?? null,
      });
      out[u.username] = {
        ...user,
        as: {
          userId: user.id,
          displayName: user.displayName,
          roles: [u.role],
          groups: [u.role, ...(u.teamId ? [u.teamId] : [])],
          teamIds: u.teamId ? [u.teamId] : [],
          permissions: [...BUILTIN_ROLE_PERMISSIONS[u.role]!] as Permission[],
        },
      };
    }
    return out;
  });
}

/** A small stand-in for the debt-case form: the collaboration features only read caseNumber. */
export async function publishCaseForm(app: RunningTestApp, key = 'debt-case'): Promise<void> {
  await publishForm(
    app,
    formWith(key, {
      type: 'object',
      required: ['caseNumber'],
      properties: { caseNumber: { type: 'string' }, note: { type: 'string' }, status: { type: 'string' } },
    }),
  );
}

/** A process instance with one open user task, written straight to the store (no BPMN needed). */
export async function insertTask(
  tx: StoreTx,
  task: {
    businessKey: string;
    name: string;
    candidateGroups?: string[];
    assignee?: string | null;
    dueAt?: Date | null;
    at: Date;
  },
): Promise<{ taskId: string; instanceId: string }> {
  const deployment = await tx.deployments.insertNextVersion({
    id: uuidv7(),
    processKey: 'collab-test',
    name: 'collab-test',
    source: Buffer.from('<xml/>'),
    sourceSha256: 'sha',
    definition: { processKey: 'collab-test' },
    problems: [],
    messageStarts: [],
    deployedBy: 'tester',
    deployedAt: task.at,
  });
  const instanceId = uuidv7();
  await tx.instances.insert({
    id: instanceId,
    deploymentId: deployment.id,
    processKey: 'collab-test',
    businessKey: task.businessKey,
    status: 'running',
    snapshot: { format: 'test' },
    variables: {},
    activeElementIds: ['work'],
    failure: null,
    startedBy: 'tester',
    at: task.at,
  });
  const taskId = uuidv7();
  await tx.tasks.insertMany([
    {
      id: taskId,
      instanceId,
      engineTaskId: 'work_1',
      elementId: 'work',
      name: task.name,
      processKey: 'collab-test',
      businessKey: task.businessKey,
      formKey: 'contact-attempt',
      formVersion: null,
      candidateGroups: task.candidateGroups ?? ['liaison'],
      assignee: task.assignee ?? null,
      dueAt: task.dueAt ?? null,
      priority: null,
      createdAt: task.at,
    },
  ]);
  return { taskId, instanceId };
}

/** A problem+json answer with this status and code (and, when given, the pointer of its first error). */
export async function expectProblem(res: Response, status: number, code: string, pointer?: string) {
  const body = (await res.json()) as { code: string; status: number; errors?: { pointer: string }[] };
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(body.code).toBe(code);
  if (pointer !== undefined) expect(body.errors?.[0]?.pointer).toBe(pointer);
  return body;
}
