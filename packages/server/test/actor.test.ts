import { actorFor, canOnForm } from '@collectflow/server';
import type { RoleRecord, UserRecord } from '@collectflow/store';
import { describe, expect, it } from 'vitest';

const user: UserRecord = {
  id: 'u1',
  username: 'wang.fang',
  displayName: '王芳',
  passwordHash: null,
  locale: 'zh-CN',
  teamId: 'team-south',
  active: true,
  mustChangePassword: false,
  roles: ['liaison', 'field-agent'],
  createdAt: new Date(),
  lastLoginAt: null,
};
const role = (key: string, permissions: string[], formGrants: Record<string, string[]> = {}): RoleRecord => ({
  key,
  name: { en: key },
  permissions,
  formGrants,
  processGrants: {},
  builtin: false,
});

describe('an actor from a user and their roles', () => {
  const actor = actorFor(user, [
    role('liaison', ['records.view', 'tasks.work', 'no.such.permission']),
    role('field-agent', [], { visit: ['view', 'create'], 'debt-case': ['design'] }),
  ]);

  it('holds the union of the roles’ known permissions and ignores unknown ones', () => {
    expect([...actor.permissions].sort()).toEqual(['records.view', 'tasks.work']);
  });

  it('works for its roles and its team as candidate groups', () => {
    expect(actor.groups).toEqual(['liaison', 'field-agent', 'team-south']);
    expect(actor.teamIds).toEqual(['team-south']);
  });

  it('gets per-form rights from form grants, on top of the coarse permissions', () => {
    expect(canOnForm(actor, 'visit', 'create')).toBe(true);
    expect(canOnForm(actor, 'debtor', 'create')).toBe(false);
    expect(canOnForm(actor, 'debtor', 'view')).toBe(true); // records.view covers every form
    expect(canOnForm(actor, 'debt-case', 'design')).toBe(true);
    expect(canOnForm(actor, 'visit', 'edit')).toBe(false);
  });
});
