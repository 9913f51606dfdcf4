import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Spin, Tag } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { useToast } from '../shell/toast';
import { type AppNotification, collabApi } from './collab.api';
import './collab.css';

const NotificationPopover = lazy(() => import('./notification-popover'));

/** How often the badge asks for the unread count (it also asks on every navigation). */
export const BELL_POLL_MS = 30_000;
/** Other parts of the app fire this after changing notifications, so the badge follows at once. */
export const NOTIFICATIONS_CHANGED = 'cf:notifications-changed';

export const KIND_COLOR: Record<string, string> = {
  mention: 'blue',
  assignment: 'geekblue',
  'task.due_soon': 'gold',
  'task.overdue': 'red',
  'task.escalated': 'volcano',
  'promise.broken': 'magenta',
  incident: 'red',
};

export function kindLabel(t: (key: MessageKey) => string, kind: string): string {
  return t(`notifKind.${kind}` as MessageKey);
}

/** One notification as a clickable row: kind, title, excerpt, time; unread ones in bold. */
export function NotificationRow({
  item,
  onOpen,
}: {
  item: AppNotification;
  onOpen: (item: AppNotification) => void;
}) {
  const { t, locale, formatDateTime } = useLocale();
  return (
    <button
      type="button"
      className={`cf-notif${item.readAt ? '' : ' cf-notif-unread'}`}
      data-testid="notification"
      data-kind={item.kind}
      onClick={() => onOpen(item)}
    >
      <span className="cf-notif-head">
        <Tag color={KIND_COLOR[item.kind] ?? 'default'}>{kindLabel(t, item.kind)}</Tag>
        <span className="cf-notif-time">{formatDateTime(item.createdAt)}</span>
      </span>
      <span className="cf-notif-title">{pickText(item.title, locale)}</span>
      {item.excerpt && <span className="cf-notif-excerpt">{item.excerpt}</span>}
    </button>
  );
}

/** Opens what a notification is about, after marking it read. */
export function useOpenNotification(after?: () => void) {
  const navigate = useNavigate();
  const { message } = useToast();
  return useCallback(
    async (item: AppNotification) => {
      try {
        if (!item.readAt) await collabApi.markRead(item.id);
      } catch (e) {
        message.error((e as Error).message);
      }
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
      after?.();
      if (item.link) navigate(item.link);
    },
    [navigate, message, after],
  );
}

/** The bell in the header: unread badge (polled, and refreshed on navigation) and the latest ones. */
export function NotificationBell() {
  const { t } = useLocale();
  const { message } = useToast();
  const location = useLocation();
  const [count, setCount] = useState(0);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<AppNotification[] | null>(null);
  const live = useRef(true);

  const refreshCount = useCallback(async () => {
    try {
      const { count: n } = await collabApi.unreadCount();
      if (live.current) setCount(n);
    } catch {
      // The badge is a hint: a failed poll keeps the last count and the next one tries again.
    }
  }, []);

  const loadList = useCallback(async () => {
    try {
      const page = await collabApi.notifications({ limit: 8 });
      if (!live.current) return;
      setItems(page.items);
      setCount(page.unreadCount);
    } catch (e) {
      message.error((e as Error).message);
      setItems([]);
    }
  }, [message]);

  useEffect(() => {
    live.current = true;
    const timer = window.setInterval(() => void refreshCount(), BELL_POLL_MS);
    const changed = () => void refreshCount();
    window.addEventListener(NOTIFICATIONS_CHANGED, changed);
    return () => {
      live.current = false;
      window.clearInterval(timer);
      window.removeEventListener(NOTIFICATIONS_CHANGED, changed);
    };
  }, [refreshCount]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new location is the reason to ask again
  useEffect(() => {
    void refreshCount();
  }, [location.pathname, refreshCount]);

  const close = useCallback(() => setOpen(false), []);
  const openItem = useOpenNotification(close);

  const markAll = async () => {
    try {
      const { marked } = await collabApi.markAllRead(items?.[0]?.id);
      message.success(t('notifMarkedAll', { count: marked }));
      await loadList();
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const content = (
    <div className="cf-notif-panel" data-testid="notification-panel">
      <div className="cf-notif-panel-head">
        <strong>{t('notifTitle')}</strong>
        <Button size="small" type="link" onClick={markAll} disabled={count === 0}>
          {t('notifMarkAllRead')}
        </Button>
      </div>
      <div className="cf-notif-list">
        {items === null ? (
          <Spin size="small" />
        ) : items.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifNone')} />
        ) : (
          items.map((item) => <NotificationRow key={item.id} item={item} onOpen={openItem} />)
        )}
      </div>
      <div className="cf-notif-panel-foot">
        <Link to="/notifications" onClick={close}>
          {t('notifSeeAll')}
        </Link>
        <Link to="/notifications?tab=preferences" onClick={close}>
          {t('notifPreferences')}
        </Link>
      </div>
    </div>
  );

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) {
      setItems(null);
      void loadList();
    }
  };
  // Until the first click the bell is a plain button; the popover's code loads then.
  const [wanted, setWanted] = useState(false);
  const bell = (
    <Button
      type="text"
      className="cf-bell"
      data-testid="notification-bell"
      aria-label={t('notifBell', { count })}
      onClick={
        wanted
          ? undefined
          : () => {
              setWanted(true);
              onOpenChange(true);
            }
      }
      icon={
        <Badge count={count} size="small" overflowCount={99} data-testid="notification-count">
          <BellOutlined style={{ fontSize: 18, color: '#fff' }} />
        </Badge>
      }
    />
  );
  if (!wanted) return bell;
  return (
    <Suspense fallback={bell}>
      <NotificationPopover open={open} onOpenChange={onOpenChange} content={content}>
        {bell}
      </NotificationPopover>
    </Suspense>
  );
}
