import {
  BUILTIN_ROLE_KEYS,
  BUILTIN_ROLE_PERMISSIONS,
  ensureAdmin,
  ensureBuiltinRoles,
  hashPassword,
} from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

/**
 * The access policy, written down independently of the routes: for each operation, the
 * permissions of which the caller needs one ('login' = any logged-in user). Every operation in
 * /api/openapi.json must be listed, so a new route cannot slip in without a decision.
 */
const POLICY: Record<string, readonly string[] | 'public' | 'login'> = {
  getHealth: 'public',
  getOpenApi: 'public',
  login: 'public',
  logout: 'login',
  getMe: 'login',
  changePassword: 'login',
  listApiTokens: 'login',
  createApiToken: 'login',
  revokeApiToken: 'login',
  listUsers: ['users.admin'],
  listUserDirectory: 'login',
  createUser: ['users.admin'],
  updateUser: ['users.admin'],
  resetUserPassword: ['users.admin'],
  listRoles: 'login',
  putRole: ['users.admin'],
  deleteRole: ['users.admin'],
  listTeams: 'login',
  putTeam: ['users.admin'],
  listAudit: ['audit.view'],
  exportAudit: ['audit.view'],
  listForms: ['forms.design', 'records.view', 'records.create', 'records.edit', 'tasks.work'],
  getForm: ['forms.design', 'records.view', 'records.create', 'records.edit', 'tasks.work'],
  listFormVersions: ['forms.design', 'records.view', 'records.create', 'records.edit', 'tasks.work'],
  getFormVersion: ['forms.design', 'records.view', 'records.create', 'records.edit', 'tasks.work'],
  getFormVersionTypes: ['forms.design', 'records.view', 'records.create', 'records.edit', 'tasks.work'],
  validateFormData: ['forms.design', 'records.view', 'records.create', 'records.edit', 'tasks.work'],
  compareFormVersions: ['forms.design', 'records.view', 'records.create', 'records.edit', 'tasks.work'],
  createForm: ['forms.design'],
  checkFormDefinition: ['forms.design'],
  getFormDraft: ['forms.design'],
  saveFormDraft: ['forms.design'],
  validateAgainstFormDraft: ['forms.design'],
  publishForm: ['forms.design'],
  createRecord: ['records.create'],
  listRecords: ['records.view'],
  exportRecords: ['records.view'],
  getRecord: ['records.view'],
  updateRecord: ['records.edit'],
  deployProcess: ['process.deploy'],
  listDeployments: ['process.deploy', 'process.admin', 'process.start'],
  getDeployment: ['process.deploy', 'process.admin', 'process.start'],
  getDeploymentSource: ['process.deploy', 'process.admin', 'process.start', 'tasks.work'],
  getDeploymentStatistics: ['process.deploy', 'process.admin', 'process.start'],
  startInstance: ['process.start'],
  listInstances: ['process.admin', 'process.start'],
  getInstance: ['process.admin', 'process.start', 'tasks.work'],
  getInstanceHistory: ['process.admin', 'process.start', 'tasks.work'],
  cancelInstance: ['process.admin'],
  migrateInstances: ['process.admin'],
  correlateMessage: ['process.start'],
  listIncidents: ['process.admin'],
  getIncident: ['process.admin'],
  retryIncident: ['process.admin'],
  resolveIncident: ['process.admin'],
  listTasks: ['tasks.work'],
  getTask: ['tasks.work'],
  claimTask: ['tasks.work'],
  unclaimTask: ['tasks.work'],
  completeTask: ['tasks.work'],
  // Dashboards: definitions, versions, data, drill-down; saving and the editor's ad-hoc preview need edit.
  listDashboards: ['dashboards.view'],
  getDashboard: ['dashboards.view'],
  saveDashboard: ['dashboards.edit'],
  listDashboardVersions: ['dashboards.view'],
  getDashboardData: ['dashboards.view'],
  getDashboardWidgetRecords: ['dashboards.view'],
  queryDashboardData: ['dashboards.edit'],
  // Team collaboration: comments, timeline, notifications, attachments, webhooks, targets.
  createRecordComment: ['records.view'],
  listRecordComments: ['records.view'],
  createTaskComment: ['tasks.work', 'process.admin'],
  listTaskComments: ['tasks.work', 'process.admin'],
  listRecordMentionCandidates: ['records.view'],
  listTaskMentionCandidates: ['tasks.work', 'process.admin'],
  getComment: 'login',
  editComment: 'login',
  deleteComment: 'login',
  getCommentHistory: 'login',
  getRecordTimeline: ['records.view'],
  listNotifications: 'login',
  getUnreadNotificationCount: 'login',
  markNotificationRead: 'login',
  markAllNotificationsRead: 'login',
  getNotificationPreferences: 'login',
  setNotificationPreferences: 'login',
  uploadRecordAttachment: ['records.edit'],
  uploadFormFile: ['records.create', 'records.edit'],
  listRecordAttachments: ['records.view'],
  uploadTaskAttachment: ['tasks.work', 'process.admin'],
  listTaskAttachments: ['tasks.work', 'process.admin'],
  uploadCommentAttachment: 'login',
  getAttachment: 'login',
  downloadAttachment: 'login',
  deleteAttachment: 'login',
  listWebhooks: ['users.admin'],
  createWebhook: ['users.admin'],
  getWebhook: ['users.admin'],
  updateWebhook: ['users.admin'],
  deleteWebhook: ['users.admin'],
  testWebhook: ['users.admin'],
  listWebhookDeliveries: ['users.admin'],
  retryWebhookDelivery: ['users.admin'],
  // Supervision (targets, commission rules, team review): the managers' and admins' audit.view.
  listTargets: ['audit.view'],
  putTargets: ['audit.view'],
  deleteTarget: ['audit.view'],
  listCommissionRules: ['audit.view'],
  putCommissionRule: ['audit.view'],
  previewCommission: 'login',
  getMyPerformance: 'login',
  getTeamPerformance: ['audit.view'],
};

const PASSWORD = 'matrix password 1';
const FAKE_ID = '00000000-0000-7000-8000-000000000000';

interface Operation {
  method: string;
  path: string;
  operationId: string;
}

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'authorisation matrix on %s',
  (_n, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: RunningTestApp;
    let operations: Operation[];
    const sessions = new Map<string, { cookie: string; csrf: string }>();

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      await ensureBuiltinRoles(store);
      await ensureAdmin(store, { password: PASSWORD });
      const hash = await hashPassword(PASSWORD);
      await store.transaction(async (tx) => {
        await tx.teams.upsert({ id: 'team-a', name: { en: 'A' } });
        for (const role of BUILTIN_ROLE_KEYS.filter((r) => r !== 'admin')) {
          await tx.users.create({
            username: `u-${role}`,
            displayName: role,
            passwordHash: hash,
            roles: [role],
            teamId: 'team-a',
          });
        }
      });
      app = await startTestApp(store, { authenticate: undefined });
      for (const role of BUILTIN_ROLE_KEYS) {
        const res = await app.request('/api/auth/login', {
          method: 'POST',
          json: { username: role === 'admin' ? 'admin' : `u-${role}`, password: PASSWORD },
        });
        expect(res.status).toBe(200);
        sessions.set(role, {
          cookie: res.headers.get('set-cookie')!.split(';')[0]!,
          csrf: (await res.json()).csrfToken,
        });
      }
      const doc = await (await app.request('/api/openapi.json')).json();
      operations = Object.entries(
        doc.paths as Record<string, Record<string, { operationId: string }>>,
      ).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ method, path, operationId: op.operationId })),
      );
    });
    afterAll(async () => {
      await app?.close();
      await cleanup();
    });

    it('every operation in the OpenAPI document has a decided policy', () => {
      const undecided = operations.map((o) => o.operationId).filter((id) => !(id in POLICY));
      expect(undecided).toEqual([]);
    });

    it.each(BUILTIN_ROLE_KEYS)(
      'as %s, every route answers as the policy says (403 exactly where it must)',
      async (role) => {
        const session = sessions.get(role)!;
        const granted = new Set<string>(BUILTIN_ROLE_PERMISSIONS[role]);
        const wrong: string[] = [];
        for (const op of operations) {
          // Logging out would end the session the rest of the loop uses.
          if (op.operationId === 'logout') continue;
          const policy = POLICY[op.operationId];
          if (!policy) continue;
          const allowed = policy === 'public' || policy === 'login' || policy.some((p) => granted.has(p));
          const url = op.path.replace(/\{[^}]+\}/g, (m) =>
            m === '{version}' ? '1' : m === '{action}' ? 'claim' : FAKE_ID,
          );
          const res = await app.request(url, {
            method: op.method.toUpperCase(),
            headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
            ...(op.method === 'get' || op.method === 'delete' ? {} : { json: {} }),
          });
          const outcome =
            res.status === 403 ? 'forbidden' : res.status === 401 ? 'unauthenticated' : 'allowed';
          if (allowed ? outcome !== 'allowed' : outcome !== 'forbidden') {
            wrong.push(
              `${op.method.toUpperCase()} ${op.path} (${op.operationId}): ${res.status}, expected ${allowed ? 'not 401/403' : '403'}`,
            );
          }
        }
        expect(wrong).toEqual([]);
      },
    );
  },
);
