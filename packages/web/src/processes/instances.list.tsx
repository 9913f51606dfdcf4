import {
  DeleteOutlined,
  MessageOutlined,
  PlayCircleOutlined,
  PlusOutlined,
  StopOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, query } from '../api/client';
import type { Instance, Page } from '../api/types';
import { useSession } from '../auth/session.context';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { useToast } from '../shell/toast';
import { type Deployment, INSTANCE_STATUSES, type InstanceStatus, parseVariableValue } from './processes.api';
import '../i18n/dayjs-locale';

interface Filters {
  processKey?: string;
  version?: number;
  status?: InstanceStatus;
  businessKey?: string;
  started?: [Dayjs | null, Dayjs | null] | null;
}

const STATUS_COLORS: Record<InstanceStatus, string> = {
  running: 'blue',
  completed: 'green',
  failed: 'red',
  cancelled: 'default',
};

export function StatusTag({ status }: { status: Instance['status'] }) {
  const { t } = useLocale();
  return <Tag color={STATUS_COLORS[status]}>{t(`procStatus_${status}` as MessageKey)}</Tag>;
}

function filterParams(f: Filters) {
  const [from, to] = f.started ?? [null, null];
  return {
    processKey: f.processKey,
    version: f.processKey ? f.version : undefined,
    status: f.status,
    businessKey: f.businessKey?.trim() || undefined,
    startedFrom: from ? from.startOf('day').toISOString() : undefined,
    startedBefore: to ? to.add(1, 'day').startOf('day').toISOString() : undefined,
  };
}

/** JSON object text → object, or null when it is not one. */
function parseObject(text: string | undefined): Record<string, unknown> | null {
  if (!text?.trim()) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Start an instance: process, version, business key and its start variables as name/value rows. */
export function StartInstanceDialog({
  deployments,
  processKey,
  open,
  onClose,
}: {
  deployments: Deployment[];
  processKey?: string;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useLocale();
  const { message } = useToast();
  const navigate = useNavigate();
  const [form] = Form.useForm<{
    processKey: string;
    version?: number;
    businessKey?: string;
    variables?: { name: string; value: string }[];
  }>();
  const chosen = Form.useWatch('processKey', form);
  const keys = [...new Set(deployments.map((d) => d.processKey))].sort();
  const versions = deployments.filter((d) => d.processKey === chosen).map((d) => d.version);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const values = await form.validateFields();
    const variables: Record<string, unknown> = {};
    for (const row of values.variables ?? [])
      variables[row.name.trim()] = parseVariableValue(row.value ?? '');
    try {
      const started = await api<{ instance: Instance }>('/api/instances', {
        json: {
          processKey: values.processKey,
          ...(values.version ? { version: values.version } : {}),
          ...(values.businessKey?.trim() ? { businessKey: values.businessKey.trim() } : {}),
          variables,
        },
      });
      message.success(t('procStarted'));
      onClose();
      navigate(`/processes/instances/${started.instance.id}`);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <Modal
      open={open}
      title={chosen || processKey ? t('procStartTitle', { key: chosen ?? processKey ?? '' }) : t('procStart')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('procStart')}
      destroyOnHidden
      width={640}
    >
      <Form
        form={form}
        name="start-instance"
        layout="vertical"
        initialValues={{ processKey, variables: [] }}
        preserve={false}
      >
        <Space style={{ width: '100%' }} align="start">
          <Form.Item name="processKey" label={t('procFilterProcess')} rules={[{ required: true }]}>
            <Select
              style={{ width: 260 }}
              options={keys.map((k) => ({ value: k, label: k }))}
              showSearch
              onChange={() => form.setFieldValue('version', undefined)}
            />
          </Form.Item>
          <Form.Item name="version" label={t('procFilterVersion')}>
            <Select
              style={{ width: 120 }}
              allowClear
              options={versions.map((v) => ({ value: v, label: `v${v}` }))}
            />
          </Form.Item>
        </Space>
        <Form.Item name="businessKey" label={t('procFilterBusinessKey')}>
          <Input maxLength={200} />
        </Form.Item>
        <Typography.Text strong>{t('procStartVariables')}</Typography.Text>
        <Form.List name="variables">
          {(fields, { add, remove }) => (
            <div style={{ marginTop: 8 }}>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
                  <Form.Item
                    name={[field.name, 'name']}
                    rules={[{ required: true, pattern: /^[A-Za-z_$][\w$]*$/ }]}
                    style={{ marginBottom: 8 }}
                  >
                    <Input
                      placeholder={t('procStartVarName')}
                      aria-label={t('procStartVarName')}
                      style={{ width: 180 }}
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, 'value']} style={{ marginBottom: 8 }}>
                    <Input
                      placeholder={t('procStartVarValue')}
                      aria-label={t('procStartVarValue')}
                      style={{ width: 320 }}
                    />
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    onClick={() => remove(field.name)}
                    aria-label="remove"
                  />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', value: '' })}>
                {t('procStartAddVariable')}
              </Button>
            </div>
          )}
        </Form.List>
        {error && <Alert style={{ marginTop: 12 }} type="error" showIcon title={error} />}
      </Form>
    </Modal>
  );
}

/** Send a message to one instance (by id) or by name + business key. */
export function SendMessageDialog({
  instance,
  open,
  onClose,
  onSent,
}: {
  instance: Pick<Instance, 'id' | 'businessKey'> | null;
  open: boolean;
  onClose: () => void;
  onSent?: () => void;
}) {
  const { t } = useLocale();
  const { message } = useToast();
  const [form] = Form.useForm<{ name: string; payload?: string }>();
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const values = await form.validateFields();
    const payload = parseObject(values.payload);
    if (!payload) {
      setError(t('procBadJson'));
      return;
    }
    try {
      const outcome = await api<{ outcome: string }>('/api/messages', {
        json: { name: values.name.trim(), ...(instance ? { instanceId: instance.id } : {}), payload },
      });
      message.success(outcome.outcome === 'buffered' ? t('procMessageBuffered') : t('procMessageSent'));
      onClose();
      onSent?.();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Modal
      open={open}
      title={t('procSendMessage')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('procSendMessage')}
      destroyOnHidden
    >
      <Form form={form} name="send-message" layout="vertical" preserve={false}>
        <Form.Item name="name" label={t('procMessageName')} rules={[{ required: true }]}>
          <Input placeholder="PaymentReceived" />
        </Form.Item>
        <Form.Item name="payload" label={t('procMessagePayload')}>
          <Input.TextArea rows={4} placeholder='{"amount": "100.00"}' />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} />}
      </Form>
    </Modal>
  );
}

/** Instances with filters and row actions (cancel, send a message), and a start button. */
export default function InstancesList({ deployments }: { deployments: Deployment[] }) {
  const { t, formatDateTime } = useLocale();
  const { can } = useSession();
  const { message } = useToast();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [items, setItems] = useState<Instance[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [messaging, setMessaging] = useState<Instance | null>(null);
  const chosenKey = Form.useWatch('processKey', form);
  const keys = useMemo(() => [...new Set(deployments.map((d) => d.processKey))].sort(), [deployments]);
  const versions = deployments.filter((d) => d.processKey === chosenKey).map((d) => d.version);

  const load = useCallback(async (f: Filters, cursor: string | null) => {
    setLoading(true);
    try {
      const page = await api<Page<Instance>>(
        `/api/instances${query({ ...filterParams(f), limit: 50, cursor: cursor ?? undefined })}`,
      );
      setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
      setNext(page.nextCursor);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(filters, null);
  }, [filters, load]);

  const cancel = async (instance: Instance) => {
    try {
      await api(`/api/instances/${instance.id}/cancel`, { json: {} });
      message.success(t('procCancelled'));
      void load(filters, null);
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const admin = can('process.admin');
  return (
    <div data-testid="instances-list">
      <Form
        form={form}
        name="instance-filters"
        layout="inline"
        onFinish={(values) => setFilters({ ...values })}
        style={{ marginBottom: 12, rowGap: 8 }}
      >
        <Form.Item name="processKey" label={t('procFilterProcess')}>
          <Select
            allowClear
            style={{ width: 200 }}
            options={keys.map((k) => ({ value: k, label: k }))}
            onChange={() => form.setFieldValue('version', undefined)}
          />
        </Form.Item>
        <Form.Item name="version" label={t('procFilterVersion')}>
          <Select
            allowClear
            disabled={!chosenKey}
            style={{ width: 90 }}
            options={versions.map((v) => ({ value: v, label: `v${v}` }))}
          />
        </Form.Item>
        <Form.Item name="status" label={t('procFilterStatus')}>
          <Select
            allowClear
            style={{ width: 120 }}
            options={INSTANCE_STATUSES.map((s) => ({ value: s, label: t(`procStatus_${s}` as MessageKey) }))}
          />
        </Form.Item>
        <Form.Item name="businessKey" label={t('procFilterBusinessKey')}>
          <Input allowClear style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="started" label={t('procFilterStarted')}>
          <DatePicker.RangePicker style={{ width: 250 }} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('procFilterApply')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({});
              }}
            >
              {t('procFilterReset')}
            </Button>
            {can('process.start') && (
              <Button icon={<PlayCircleOutlined />} onClick={() => setStarting(true)}>
                {t('procStart')}
              </Button>
            )}
          </Space>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<Instance>
        size="small"
        rowKey="id"
        loading={loading}
        pagination={false}
        dataSource={items}
        scroll={{ x: 1000 }}
        columns={[
          {
            title: t('procColInstance'),
            dataIndex: 'id',
            width: 130,
            render: (id: string) => (
              <Link to={`/processes/instances/${id}`}>
                <Typography.Text code>{id.slice(-8)}</Typography.Text>
              </Link>
            ),
          },
          { title: t('procColKey'), dataIndex: 'processKey', width: 190 },
          {
            title: t('procColBusinessKey'),
            dataIndex: 'businessKey',
            width: 150,
            render: (v: string | null) => v ?? '—',
          },
          {
            title: t('procColStatus'),
            dataIndex: 'status',
            width: 100,
            render: (s: Instance['status']) => <StatusTag status={s} />,
          },
          {
            title: t('procColActive'),
            dataIndex: 'activeElementIds',
            render: (ids: string[]) => (
              <Space size={2} wrap>
                {ids.map((id) => (
                  <Tag key={id}>{id}</Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('procColStarted'),
            dataIndex: 'createdAt',
            width: 170,
            render: (v: string) => formatDateTime(v),
          },
          {
            title: t('procColActions'),
            key: 'actions',
            width: 200,
            fixed: 'right',
            render: (_, instance) =>
              instance.status === 'running' && (
                <Space size={4}>
                  <Button size="small" icon={<MessageOutlined />} onClick={() => setMessaging(instance)}>
                    {t('procSendMessage')}
                  </Button>
                  {admin && (
                    <Popconfirm
                      title={t('procCancelConfirm')}
                      onConfirm={() => void cancel(instance)}
                      okButtonProps={{ danger: true }}
                    >
                      <Button size="small" danger icon={<StopOutlined />} aria-label={t('procCancel')} />
                    </Popconfirm>
                  )}
                </Space>
              ),
          },
        ]}
      />
      {next && (
        <Button style={{ marginTop: 12 }} onClick={() => void load(filters, next)}>
          {t('procMore')}
        </Button>
      )}
      <StartInstanceDialog deployments={deployments} open={starting} onClose={() => setStarting(false)} />
      <SendMessageDialog
        instance={messaging}
        open={messaging !== null}
        onClose={() => setMessaging(null)}
        onSent={() => void load(filters, null)}
      />
    </div>
  );
}
