import { message } from 'antd';
import { type ReactNode, useEffect } from 'react';

export type ToastLevel = 'success' | 'error' | 'info' | 'warning';
export type ToastApi = Record<ToastLevel, (content: ReactNode) => void>;

/** antd's message holder, loaded by ToastProvider (toast.tsx) with the first toast. */
export default function ToastHost({ onReady }: { onReady(api: ToastApi): void }) {
  const [api, holder] = message.useMessage();
  // The holder's ref is attached before this effect runs, so the queued toasts are not dropped.
  useEffect(() => {
    onReady({
      success: (content) => void api.success(content),
      error: (content) => void api.error(content),
      info: (content) => void api.info(content),
      warning: (content) => void api.warning(content),
    });
  }, [api, onReady]);
  return holder;
}
