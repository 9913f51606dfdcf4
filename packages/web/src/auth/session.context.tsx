import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, onUnauthenticated, setCsrfToken } from '../api/client';
import type { Me } from '../api/types';

type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'user'; me: Me };

interface SessionValue {
  state: SessionState;
  me: Me | null;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  reload(): Promise<void>;
  can(permission: string): boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const adopt = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    setState({ status: 'user', me });
  }, []);

  const reload = useCallback(async () => {
    try {
      adopt(await api<Me>('/api/auth/me', { quiet401: true }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        setState({ status: 'anonymous', expired: false });
      } else throw error;
    }
  }, [adopt]);

  useEffect(() => {
    // Any 401 from the API means the session is gone (expired, logged out elsewhere): back to login.
    onUnauthenticated(() => {
      setCsrfToken(null);
      setState((s) => (s.status === 'user' ? { status: 'anonymous', expired: true } : s));
    });
    reload().catch(() => setState({ status: 'anonymous', expired: false }));
  }, [reload]);

  const value = useMemo<SessionValue>(
    () => ({
      state,
      me: state.status === 'user' ? state.me : null,
      login: async (username, password) => {
        const me = await api<Me>('/api/auth/login', { json: { username, password }, quiet401: true });
        adopt(me);
        return me;
      },
      logout: async () => {
        try {
          await api('/api/auth/logout', { method: 'POST', quiet401: true });
        } finally {
          setCsrfToken(null);
          setState({ status: 'anonymous', expired: false });
        }
      },
      reload,
      can: (permission) => state.status === 'user' && state.me.permissions.includes(permission),
    }),
    [state, adopt, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The logged-in user; only for pages rendered inside the authenticated shell. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a session');
  return me;
}
