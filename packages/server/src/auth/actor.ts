import { DomainError } from '@collectflow/schema';
import type { Request, RequestHandler } from 'express';

/**
 * Who is calling. Every route that needs a user reads it with `actorOf(req)`; how it got there
 * (session cookie, API token, a test's header) is the `Authenticate` function's business.
 */
export interface Actor {
  userId: string;
  displayName: string;
  /** Role keys: admin, designer, process-admin, manager, strategist, liaison, analyst, legal, custom. */
  roles: readonly string[];
  /** Candidate groups this user works for (BPMN camunda:candidateGroups): their roles plus teams. */
  groups: readonly string[];
  teamIds: readonly string[];
  permissions: ReadonlySet<Permission>;
  /** Extra rights on single forms from the actor's roles: { "<formKey>": ["view","create","edit","design"] }. */
  formGrants?: Readonly<Record<string, readonly string[]>>;
  /** Extra rights on single processes: { "<processKey>": ["deploy","start","administer"] }. */
  processGrants?: Readonly<Record<string, readonly string[]>>;
}

export type FormAction = 'view' | 'create' | 'edit' | 'design';
const FORM_ACTION_PERMISSION: Record<FormAction, Permission> = {
  view: 'records.view',
  create: 'records.create',
  edit: 'records.edit',
  design: 'forms.design',
};

/** A coarse permission covers every form; a role's form grant covers one. */
export function canOnForm(actor: Actor, formKey: string, action: FormAction): boolean {
  return can(actor, FORM_ACTION_PERMISSION[action]) || actor.formGrants?.[formKey]?.includes(action) === true;
}

export function requireFormPermission(actor: Actor, formKey: string, action: FormAction): void {
  if (!canOnForm(actor, formKey, action)) {
    throw new DomainError(
      'auth.forbidden',
      'forbidden',
      `you may not ${action} records of the form "${formKey}"`,
      {
        hint: 'ask an administrator for a role that grants it',
      },
    );
  }
}

/** Whether the actor may `action` on at least one form (for routes that learn the form later). */
export function requireSomeFormPermission(actor: Actor, action: FormAction): void {
  if (can(actor, FORM_ACTION_PERMISSION[action])) return;
  if (Object.values(actor.formGrants ?? {}).some((g) => g.includes(action))) return;
  requirePermission(actor, FORM_ACTION_PERMISSION[action]);
}

export type ProcessAction = 'deploy' | 'start' | 'administer';
const PROCESS_ACTION_PERMISSION: Record<ProcessAction, Permission> = {
  deploy: 'process.deploy',
  start: 'process.start',
  administer: 'process.admin',
};

/** A coarse permission covers every process; a role's process grant covers one process key. */
export function canOnProcess(actor: Actor, processKey: string, action: ProcessAction): boolean {
  return (
    can(actor, PROCESS_ACTION_PERMISSION[action]) ||
    actor.processGrants?.[processKey]?.includes(action) === true
  );
}

export function requireProcessPermission(actor: Actor, processKey: string, action: ProcessAction): void {
  if (!canOnProcess(actor, processKey, action)) {
    throw new DomainError(
      'auth.forbidden',
      'forbidden',
      `you may not ${action} the process "${processKey}"`,
      {
        hint: 'ask an administrator for a role that grants it',
      },
    );
  }
}

/** Whether the actor may `action` on at least one process (the key is known only later). */
export function requireSomeProcessPermission(actor: Actor, action: ProcessAction): void {
  if (can(actor, PROCESS_ACTION_PERMISSION[action])) return;
  if (Object.values(actor.processGrants ?? {}).some((g) => g.includes(action))) return;
  requirePermission(actor, PROCESS_ACTION_PERMISSION[action]);
}

/** Coarse permissions; per-form and per-process grants refine them where the routes need it. */
export const PERMISSIONS = [
  'forms.design',
  'records.view',
  'records.create',
  'records.edit',
  'records.view_all_teams',
  'sensitive.view',
  'process.deploy',
  'process.start',
  'process.admin',
  'tasks.work',
  'dashboards.view',
  'dashboards.edit',
  'users.admin',
  'audit.view',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Resolves the caller of a request, or undefined when there is none (no session, bad token). */
export type Authenticate = (req: Request) => Promise<Actor | undefined>;

const ACTOR = Symbol('collectflow.actor');
type WithActor = Request & { [ACTOR]?: Actor };

export function authenticationMiddleware(authenticate: Authenticate): RequestHandler {
  return async (req, _res, next) => {
    (req as WithActor)[ACTOR] = await authenticate(req);
    next();
  };
}

/** The authenticated caller; a 401 problem when there is none. */
export function actorOf(req: Request): Actor {
  const actor = (req as WithActor)[ACTOR];
  if (!actor) {
    throw new DomainError('auth.unauthenticated', 'unauthenticated', 'this route needs a logged-in user', {
      hint: 'log in, or send an API token as "Authorization: Bearer <token>"',
    });
  }
  return actor;
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.permissions.has(permission);
}

/** Throws a 403 problem unless the actor holds `permission`. */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new DomainError('auth.forbidden', 'forbidden', `you lack the permission "${permission}"`, {
      hint: 'ask an administrator for a role that grants it',
    });
  }
}

/**
 * Refuses every /api request without a caller except the listed public paths (login, health,
 * the OpenAPI document), so that a route which forgets `actorOf` is still closed.
 */
export function requireAuthentication(publicPaths: readonly string[]): RequestHandler {
  const open = new Set(publicPaths);
  return (req, _res, next) => {
    if (open.has(req.originalUrl.split('?')[0] ?? '')) return next();
    actorOf(req);
    next();
  };
}
