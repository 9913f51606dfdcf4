import type { AddressInfo } from 'node:net';
import {
  type Actor,
  type CollectflowApp,
  createApp,
  createLogger,
  PERMISSIONS,
  type Permission,
} from '@collectflow/server';
import type { Store } from '@collectflow/store';
import type { Request } from 'express';

/** Header a test uses to say who calls: JSON of a partial Actor. Only `testAuthenticate` reads it. */
export const TEST_ACTOR_HEADER = 'x-test-actor';

export function testActor(
  overrides: Partial<Omit<Actor, 'permissions'>> & { permissions?: Permission[] } = {},
): Actor {
  return {
    userId: overrides.userId ?? 'user-admin',
    displayName: overrides.displayName ?? 'Test Admin',
    roles: overrides.roles ?? ['admin'],
    groups: overrides.groups ?? overrides.roles ?? ['admin'],
    teamIds: overrides.teamIds ?? [],
    permissions: new Set(overrides.permissions ?? PERMISSIONS),
    ...(overrides.formGrants ? { formGrants: overrides.formGrants } : {}),
    ...(overrides.processGrants ? { processGrants: overrides.processGrants } : {}),
  };
}

/** Test authentication: the actor from the x-test-actor header, an admin when absent. */
export async function testAuthenticate(req: Request): Promise<Actor | undefined> {
  const header = req.headers[TEST_ACTOR_HEADER];
  if (header === 'none') return undefined;
  if (typeof header !== 'string') return testActor();
  return testActor(JSON.parse(header) as Parameters<typeof testActor>[0]);
}

export interface RunningTestApp extends CollectflowApp {
  url: string;
  close(): Promise<void>;
  /** fetch against the app; `as` sets the caller. */
  request(
    path: string,
    init?: RequestInit & { as?: Parameters<typeof testActor>[0] | 'none'; json?: unknown },
  ): Promise<Response>;
}

/** A real HTTP server on a random port around `createApp`, for route tests. */
export async function startTestApp(
  store: Store,
  options: Partial<Parameters<typeof createApp>[0]> = {},
): Promise<RunningTestApp> {
  const built = createApp({
    store,
    logger: createLogger({ level: 'silent' }),
    version: 'test',
    authenticate: testAuthenticate,
    ...options,
  });
  const server = built.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...built,
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    request: (path, init = {}) => {
      const { as, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (as !== undefined) headers.set(TEST_ACTOR_HEADER, as === 'none' ? 'none' : JSON.stringify(as));
      if (json !== undefined) {
        headers.set('content-type', 'application/json');
        rest.body = JSON.stringify(json);
      }
      return fetch(`${url}${path}`, { ...rest, headers });
    },
  };
}
