import { type Actor, PERMISSIONS } from '../auth/actor.js';
import type { RuntimeActor } from '../runtime/runtime.ports.js';

/** Who the pack acts as when it reads and writes records and messages: recorded in history and audit. */
export const PACK_ACTOR_ID = 'system:collection';

/** A registry actor with every permission: the pack reads debtors of every team and unmasked contact points. */
export function packActor(userId: string = PACK_ACTOR_ID): Actor {
  return {
    userId,
    displayName: 'collectflow',
    roles: ['admin'],
    groups: [],
    teamIds: [],
    permissions: new Set(PERMISSIONS),
  };
}

/** The same for the runtime: may complete any task (the demo seeder replays collectors' work). */
export function packRuntimeActor(userId: string = PACK_ACTOR_ID): RuntimeActor {
  return { userId, groups: [], admin: true };
}
