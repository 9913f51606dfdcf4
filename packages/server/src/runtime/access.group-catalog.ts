import type { Store } from '@collectflow/store';
import { BUILTIN_ROLE_KEYS } from '../auth/builtin-roles.js';
import type { GroupCatalog } from './runtime.ports.js';

/**
 * The groups a user task may be offered to are what an actor's `groups` can hold: role keys
 * (built-in and custom) and team ids. Read at deploy time, outside the deploy transaction.
 */
export function groupCatalogFromStore(store: Store): GroupCatalog {
  return {
    knownGroups: async () => {
      const stored = await store.transaction(
        async (tx) => [
          ...(await tx.roles.list()).map((r) => r.key),
          ...(await tx.teams.list()).map((t) => t.id),
        ],
        { readOnly: true },
      );
      return new Set([...BUILTIN_ROLE_KEYS, ...stored]);
    },
  };
}
