import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from './client';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload(): Promise<void>;
  set(value: T): void;
}

/** GET `path` (null: nothing to load yet); reloads when the path changes, drops stale answers. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const latest = useRef(0);

  const load = useCallback(async () => {
    if (path === null) return;
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const value = await api<T>(path);
      if (ticket === latest.current) {
        setData(value);
        setError(null);
      }
    } catch (e) {
      if (ticket === latest.current)
        setError(
          e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client.error', detail: String(e) }),
        );
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    void load();
  }, [load]);

  return { data, error, loading, reload: load, set: setData };
}

/** Cached, shared GETs of things that rarely change during a session (roles, teams, form versions). */
const cache = new Map<string, Promise<unknown>>();

export function cachedGet<T>(path: string): Promise<T> {
  let hit = cache.get(path) as Promise<T> | undefined;
  if (!hit) {
    hit = api<T>(path);
    cache.set(path, hit);
    hit.catch(() => cache.delete(path));
  }
  return hit;
}

export function forgetCached(prefix: string): void {
  for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
}

export function useCached<T>(path: string | null): { data: T | undefined; error: ApiError | null } {
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | null; path: string | null }>({
    data: undefined,
    error: null,
    path: null,
  });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    cachedGet<T>(path).then(
      (data) => live && setState({ data, error: null, path }),
      (error: unknown) =>
        live &&
        setState({
          data: undefined,
          error: error instanceof ApiError ? error : new ApiError({ status: 0, code: 'client.error' }),
          path,
        }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return state.path === path ? { data: state.data, error: state.error } : { data: undefined, error: null };
}
