import { useMemo } from 'react';
import type { UserDirectoryEntry } from '../api/types';
import { useCached } from '../api/use-api';

/** Display names by user id, from the user directory every logged-in user may read. */
export function useUserDirectory(): ReadonlyMap<string, string> {
  const directory = useCached<UserDirectoryEntry[]>('/api/users/directory').data;
  return useMemo(() => new Map((directory ?? []).map((u) => [u.id, u.displayName])), [directory]);
}

/**
 * A user id's display name (task claimers, comment authors, timeline actors). An id not in the
 * directory (a deactivated user) stays an id.
 */
export function useUserNames(): (id: string) => string {
  const names = useUserDirectory();
  return useMemo(() => (id: string) => names.get(id) ?? id, [names]);
}
