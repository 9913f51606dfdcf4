import {
  DeleteOutlined,
  EditOutlined,
  HistoryOutlined,
  LockOutlined,
  PlusOutlined,
  ReloadOutlined,
  SendOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Checkbox,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { ProblemItem } from '../api/client';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { PageTitle } from '../shell/app-shell';
import { useDirectory } from '../shell/directory';
import { useToast } from '../shell/toast';
import {
  collabApi,
  NOTIFICATION_KINDS,
  type NotificationKind,
  WEBHOOK_PLATFORMS,
  type Webhook,
  type WebhookDelivery,
  type WebhookInput,
  type WebhookPlatform,
} from './collab.api';
import { showProblemOnFields } from './problem-fields';
import './collab.css';

interface WebhookValues {
  name: string;
  platform: WebhookPlatform;
  url: string;
  secret: string;
  removeSecret: boolean;
  events: NotificationKind[];
  teamId: string | null;
  locale: 'zh-CN' | 'en';
  active: boolean;
}

const FIELDS = ['name', 'platform', 'url', 'secret', 'events', 'teamId', 'locale', 'active'];
// The shape only; the server refuses the rest (credentials in the address, over 2000 characters).
const HTTP_URL = /^https?:\/\/\S+$/i;
const STATUS_COLOR = { pending: 'gold', delivered: 'green', failed: 'red' } as const;

/** Add or change a webhook; the address and secret are never shown back, blank keeps them. */
function WebhookDialog({
  editing,
  onClose,
  onSaved,
}: {
  editing: Webhook | 'new' | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, locale } = useLocale();
  const { teams } = useDirectory();
  const { message } = useToast();
  const [form] = Form.useForm<WebhookValues>();
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string[]>([]);
  const isNew = editing === 'new';
  const hook = editing !== 'new' ? editing : null;

  useEffect(() => {
    if (!editing) return;
    setRefused([]);
    form.resetFields();
    form.setFieldsValue(
      editing === 'new'
        ? {
            name: '',
            platform: 'wecom',
            url: '',
            secret: '',
            removeSecret: false,
            events: ['mention', 'task.escalated', 'incident'],
            teamId: null,
            locale: locale === 'en' ? 'en' : 'zh-CN',
            active: true,
          }
        : {
            name: editing.name,
            platform: editing.platform,
            url: '',
            secret: '',
            removeSecret: false,
            events: editing.events,
            teamId: editing.teamId,
            locale: editing.locale,
            active: editing.active,
          },
    );
  }, [editing, form, locale]);

  // The server's field problems in the UI language (its own text for anything unexpected).
  const word = (item: ProblemItem) => {
    const field = item.pointer.split('/')[1] ?? '';
    const key = `whErr.${field}` as MessageKey;
    return FIELDS.includes(field) && key in WORDED ? t(key) : item.message;
  };

  const save = async () => {
    let values: WebhookValues;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is wrong next to each field
    }
    const input: WebhookInput = {
      name: values.name,
      platform: values.platform,
      events: values.events,
      teamId: values.teamId ?? null,
      locale: values.locale,
      active: values.active,
    };
    if (values.url.trim() !== '') input.url = values.url.trim();
    if (values.removeSecret) input.secret = null;
    else if (values.secret !== '') input.secret = values.secret;
    setBusy(true);
    setRefused([]);
    try {
      if (hook) await collabApi.updateWebhook(hook.id, input);
      else await collabApi.createWebhook(input);
      message.success(t('whSaved'));
      onSaved();
      onClose();
    } catch (e) {
      setRefused(
        showProblemOnFields(
          form,
          e,
          (s) => (s.length === 1 && FIELDS.includes(s[0]!) ? [s[0]!] : null),
          word,
        ),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={editing !== null}
      title={isNew ? t('whAdd') : `${t('whEdit')} · ${hook?.name ?? ''}`}
      onCancel={onClose}
      onOk={save}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      width={620}
      destroyOnHidden
      forceRender
    >
      {refused.length > 0 && (
        <Alert type="error" showIcon title={refused.join('; ')} style={{ marginBottom: 12 }} />
      )}
      <Form form={form} layout="vertical" data-testid="webhook-form" requiredMark>
        <Form.Item
          name="name"
          label={t('whName')}
          rules={[{ required: true, whitespace: true, max: 100, message: t('whErr.name') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="platform" label={t('whPlatform')} rules={[{ required: true }]}>
          <Select
            options={WEBHOOK_PLATFORMS.map((p) => ({ value: p, label: t(`whPlatform.${p}` as MessageKey) }))}
          />
        </Form.Item>
        <Form.Item
          name="url"
          label={t('whUrl')}
          extra={hook ? `${t('whUrlKeep')} (${hook.urlPreview})` : t('whUrlHint')}
          rules={[
            { required: isNew, whitespace: true, message: t('whErr.url') },
            {
              validator: (_, v: string) =>
                !v || v.trim() === '' || HTTP_URL.test(v.trim())
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('whErr.url'))),
            },
          ]}
        >
          <Input placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…" inputMode="url" />
        </Form.Item>
        <Form.Item
          name="secret"
          label={t('whSecret')}
          extra={hook?.hasSecret ? t('whSecretKeep') : t('whSecretHint')}
          rules={[{ max: 500, message: t('whErr.secret') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {hook?.hasSecret && (
          <Form.Item name="removeSecret" valuePropName="checked">
            <Checkbox>{t('whSecretRemove')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item
          name="events"
          label={t('whEvents')}
          rules={[{ required: true, type: 'array', min: 1, message: t('whErr.events') }]}
        >
          <Checkbox.Group
            options={NOTIFICATION_KINDS.map((k) => ({ value: k, label: t(`notifKind.${k}` as MessageKey) }))}
          />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="teamId" label={t('whTeam')}>
            <Select
              style={{ minWidth: 180 }}
              allowClear
              placeholder={t('whAllTeams')}
              options={teams.map((x) => ({ value: x.id, label: x.name[locale] ?? x.id }))}
            />
          </Form.Item>
          <Form.Item name="locale" label={t('whLocale')}>
            <Select
              style={{ minWidth: 120 }}
              options={[
                { value: 'zh-CN', label: '中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Form.Item>
          <Form.Item name="active" label={t('whActive')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

/** A webhook's recent deliveries: status, attempts, the last error; failed ones can be sent again. */
function DeliveriesDrawer({ hook, onClose }: { hook: Webhook | null; onClose: () => void }) {
  const { t, formatDateTime } = useLocale();
  const { message } = useToast();
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!hook) return;
    try {
      setItems((await collabApi.webhookDeliveries(hook.id)).items);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [hook]);
  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  const retry = async (d: WebhookDelivery) => {
    try {
      await collabApi.retryDelivery(d.webhookId, d.id);
      message.success(t('whRetried'));
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const failed = (items ?? []).filter((d) => d.status === 'failed').length;

  return (
    <Drawer
      open={hook !== null}
      onClose={onClose}
      size={960}
      title={hook ? t('whDeliveriesOf', { name: hook.name }) : ''}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="deliveries-refresh">
          {t('whRefresh')}
        </Button>
      }
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {failed > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('whFailedCount', { count: failed })}
          style={{ marginBottom: 12 }}
        />
      )}
      <Table<WebhookDelivery>
        size="small"
        rowKey="id"
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="webhook-deliveries"
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('whNoDeliveries')} />,
        }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('attachTime'), key: 'at', render: (_, d) => formatDateTime(d.createdAt) },
          {
            title: t('whEvent'),
            key: 'kind',
            render: (_, d) =>
              d.eventKind === 'test'
                ? t('whTestKind')
                : (NOTIFICATION_KINDS as readonly string[]).includes(d.eventKind)
                  ? t(`notifKind.${d.eventKind}` as MessageKey)
                  : d.eventKind,
          },
          {
            title: t('whStatus'),
            key: 'status',
            render: (_, d) => (
              <Tag color={STATUS_COLOR[d.status]} data-testid="delivery-status">
                {t(`whDelivery.${d.status}` as MessageKey)}
              </Tag>
            ),
          },
          { title: t('whAttempts'), key: 'attempts', render: (_, d) => `${d.attempts} / ${d.maxAttempts}` },
          {
            title: t('whLastError'),
            key: 'error',
            // The error says the status itself ("HTTP 500: ..."); a bare status only when it does not.
            render: (_, d) =>
              d.lastError || (d.lastStatus && d.status !== 'delivered') ? (
                <span className="cf-wh-error">{d.lastError ?? `HTTP ${d.lastStatus}`}</span>
              ) : (
                '—'
              ),
          },
          {
            title: t('whNextAttempt'),
            key: 'next',
            render: (_, d) =>
              d.status === 'pending' && d.nextAttemptAt
                ? formatDateTime(d.nextAttemptAt)
                : d.deliveredAt
                  ? formatDateTime(d.deliveredAt)
                  : '—',
          },
          {
            title: '',
            key: 'retry',
            render: (_, d) =>
              d.status === 'failed' ? (
                <Button size="small" icon={<ReloadOutlined />} onClick={() => retry(d)}>
                  {t('whRetry')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Drawer>
  );
}

/** Administrators' webhooks to team chat: list, add, edit, switch off, test, deliveries. */
export default function WebhooksPage() {
  const { t } = useLocale();
  const { teamName } = useDirectory();
  const { message } = useToast();
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [watching, setWatching] = useState<Webhook | null>(null);

  const load = useCallback(async () => {
    try {
      setHooks((await collabApi.webhooks()).items);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
      setHooks((prev) => prev ?? []);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const toggle = async (hook: Webhook, active: boolean) => {
    try {
      await collabApi.updateWebhook(hook.id, { active });
      message.success(t('whSaved'));
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const test = async (hook: Webhook) => {
    try {
      await collabApi.testWebhook(hook.id);
      message.success(t('whTestQueued'));
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const remove = async (hook: Webhook) => {
    try {
      await collabApi.deleteWebhook(hook.id);
      message.success(t('whDeleted'));
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <div data-testid="webhooks-page">
      <PageTitle
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('whAdd')}
          </Button>
        }
      >
        {t('whTitle')}
      </PageTitle>
      <Alert type="info" showIcon title={t('whIntro')} style={{ marginBottom: 16 }} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Table<Webhook>
        rowKey="id"
        size="middle"
        loading={hooks === null}
        dataSource={hooks ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="webhook-list"
        locale={{ emptyText: <Empty description={t('whNone')} /> }}
        columns={[
          {
            title: t('whName'),
            key: 'name',
            render: (_, h) => (
              <div>
                <strong>{h.name}</strong>
                <div className="cf-muted">
                  {h.urlPreview}{' '}
                  {h.hasSecret && (
                    <Tooltip title={t('whSecretSet')}>
                      <LockOutlined aria-label={t('whSecretSet')} />
                    </Tooltip>
                  )}
                </div>
              </div>
            ),
          },
          {
            title: t('whPlatform'),
            key: 'platform',
            render: (_, h) => <Tag color="blue">{t(`whPlatform.${h.platform}` as MessageKey)}</Tag>,
          },
          {
            title: t('whEvents'),
            key: 'events',
            render: (_, h) => (
              <div className="cf-wh-events">
                {h.events.map((k) => (
                  <Tag key={k}>{t(`notifKind.${k}` as MessageKey)}</Tag>
                ))}
              </div>
            ),
          },
          {
            title: t('whTeam'),
            key: 'team',
            render: (_, h) => (h.teamId ? teamName(h.teamId) : t('whAllTeams')),
          },
          {
            title: t('whStatus'),
            key: 'active',
            render: (_, h) => (
              <Space>
                <Switch
                  size="small"
                  checked={h.active}
                  aria-label={t('whActiveOf', { name: h.name })}
                  onChange={(on) => void toggle(h, on)}
                />
                <span className={h.active ? undefined : 'cf-muted'}>
                  {h.active ? t('whEnabled') : t('whDisabled')}
                </span>
              </Space>
            ),
          },
          {
            title: t('whActions'),
            key: 'actions',
            render: (_, h) => (
              <Space size={0} wrap>
                <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(h)}>
                  {t('commentsEdit')}
                </Button>
                <Button
                  size="small"
                  type="link"
                  icon={<SendOutlined />}
                  disabled={!h.active}
                  onClick={() => void test(h)}
                >
                  {t('whTest')}
                </Button>
                <Button size="small" type="link" icon={<HistoryOutlined />} onClick={() => setWatching(h)}>
                  {t('whDeliveries')}
                </Button>
                <Popconfirm title={t('whDeleteConfirm')} onConfirm={() => remove(h)}>
                  <Button size="small" type="link" danger icon={<DeleteOutlined />}>
                    {t('commentsDelete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <WebhookDialog editing={editing} onClose={() => setEditing(null)} onSaved={load} />
      <DeliveriesDrawer hook={watching} onClose={() => setWatching(null)} />
    </div>
  );
}

/** The fields the page words itself (others show the server's text). */
const WORDED = { 'whErr.name': 1, 'whErr.url': 1, 'whErr.events': 1, 'whErr.secret': 1, 'whErr.teamId': 1 };
