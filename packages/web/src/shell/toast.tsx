import { message as antdMessage } from 'antd';
import type { MessageInstance } from 'antd/es/message/interface';
import { createContext, type ReactNode, useContext, useMemo } from 'react';

const ToastContext = createContext<{ message: MessageInstance } | null>(null);

/**
 * Toasts in the app's theme and language. Only antd's message, not its App component, which would
 * also bring modal and notification code onto every route.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [api, holder] = antdMessage.useMessage();
  const value = useMemo(() => ({ message: api }), [api]);
  return (
    <ToastContext.Provider value={value}>
      {holder}
      {children}
    </ToastContext.Provider>
  );
}

export function useToast(): { message: MessageInstance } {
  const value = useContext(ToastContext);
  if (!value) throw new Error('useToast outside ToastProvider');
  return value;
}
