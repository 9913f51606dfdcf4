import { Alert, Button, Card, Empty, Spin, Switch, Table, Tabs } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { useToast } from '../shell/toast';
import {
  type AppNotification,
  collabApi,
  NOTIFICATION_KINDS,
  type NotificationKind,
  type NotificationPreferences,
} from './collab.api';
import { kindLabel, NOTIFICATIONS_CHANGED, NotificationRow, useOpenNotification } from './notification-bell';

function NotificationList() {
  const { t } = useLocale();
  const { message } = useToast();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [items, setItems] = useState<AppNotification[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [unread, setUnread] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (more?: string | null) => {
      try {
        const page = await collabApi.notifications({ unread: unreadOnly, limit: 30, cursor: more ?? null });
        setItems((prev) => (more ? [...(prev ?? []), ...page.items] : page.items));
        setCursor(page.nextCursor);
        setUnread(page.unreadCount);
        setError(null);
      } catch (e) {
        setError((e as Error).message);
        setItems([]);
      }
    },
    [unreadOnly],
  );
  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);
  const open = useOpenNotification();

  const markAll = async () => {
    try {
      const { marked } = await collabApi.markAllRead(items?.[0]?.id);
      message.success(t('notifMarkedAll', { count: marked }));
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <Card
      size="small"
      title={
        <span>
          <Switch size="small" checked={unreadOnly} onChange={setUnreadOnly} /> {t('notifUnreadOnly')}
        </span>
      }
      extra={
        <Button onClick={markAll} disabled={unread === 0}>
          {t('notifMarkAllRead')}
        </Button>
      }
    >
      {error && <Alert type="error" showIcon title={error} />}
      {items === null ? (
        <Spin />
      ) : items.length === 0 ? (
        <Empty description={t('notifNone')} />
      ) : (
        <div className="cf-notif-list cf-notif-list-page" data-testid="notification-list">
          {items.map((item) => (
            <NotificationRow key={item.id} item={item} onOpen={open} />
          ))}
        </div>
      )}
      {cursor && (
        <Button style={{ marginTop: 12 }} onClick={() => load(cursor)}>
          {t('notifMore')}
        </Button>
      )}
    </Card>
  );
}

function Preferences() {
  const { t } = useLocale();
  const { message } = useToast();
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [saving, setSaving] = useState<NotificationKind | null>(null);
  useEffect(() => {
    collabApi.preferences().then(setPrefs, (e: Error) => message.error(e.message));
  }, [message]);
  if (!prefs) return <Spin />;
  const change = async (kind: NotificationKind, on: boolean) => {
    setSaving(kind);
    try {
      setPrefs(await collabApi.setPreferences({ inApp: { [kind]: on } }));
      message.success(t('notifPreferencesSaved'));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(null);
    }
  };
  return (
    <Card size="small" title={t('notifPreferencesHint')} data-testid="notification-preferences">
      <Table
        size="small"
        rowKey="kind"
        pagination={false}
        dataSource={NOTIFICATION_KINDS.map((kind) => ({ kind }))}
        columns={[
          { title: t('notifTitle'), key: 'kind', render: (_, row) => kindLabel(t, row.kind) },
          {
            title: t('notifInApp'),
            key: 'inApp',
            width: 160,
            render: (_, row) => (
              <Switch
                aria-label={`${kindLabel(t, row.kind)}: ${t('notifInApp')}`}
                checked={prefs.inApp[row.kind] !== false}
                loading={saving === row.kind}
                onChange={(on) => change(row.kind, on)}
              />
            ),
          },
        ]}
      />
    </Card>
  );
}

export default function NotificationsPage() {
  const { t } = useLocale();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'preferences' ? 'preferences' : 'list';
  return (
    <div>
      <PageTitle>{t('notifTitle')}</PageTitle>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'preferences' ? { tab: 'preferences' } : {})}
        items={[
          { key: 'list', label: t('notifTitle'), children: <NotificationList /> },
          { key: 'preferences', label: t('notifPreferences'), children: <Preferences /> },
        ]}
      />
    </div>
  );
}
