import {
  createContext,
  lazy,
  type ReactNode,
  Suspense,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ToastApi, ToastLevel } from './toast-host';

export type { ToastApi } from './toast-host';

const ToastContext = createContext<{ message: ToastApi } | null>(null);

// antd's message (and the notification code under it) loads with the first toast, not with
// every route: most page views show none.
const ToastHost = lazy(() => import('./toast-host'));

/**
 * Toasts in the app's theme and language. Only antd's message, not its App component, which would
 * also bring modal and notification code onto every route. Toasts asked for before the host has
 * loaded are shown as soon as it has.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [wanted, setWanted] = useState(false);
  const host = useRef<ToastApi | null>(null);
  const queue = useRef<[ToastLevel, ReactNode][]>([]);
  const onReady = useCallback((api: ToastApi) => {
    host.current = api;
    for (const [level, content] of queue.current.splice(0)) api[level](content);
  }, []);
  const value = useMemo(() => {
    const show = (level: ToastLevel) => (content: ReactNode) => {
      if (host.current) {
        host.current[level](content);
        return;
      }
      queue.current.push([level, content]);
      setWanted(true);
    };
    return {
      message: {
        success: show('success'),
        error: show('error'),
        info: show('info'),
        warning: show('warning'),
      },
    };
  }, []);
  return (
    <ToastContext.Provider value={value}>
      {wanted && (
        <Suspense fallback={null}>
          <ToastHost onReady={onReady} />
        </Suspense>
      )}
      {children}
    </ToastContext.Provider>
  );
}

export function useToast(): { message: ToastApi } {
  const value = useContext(ToastContext);
  if (!value) throw new Error('useToast outside ToastProvider');
  return value;
}
