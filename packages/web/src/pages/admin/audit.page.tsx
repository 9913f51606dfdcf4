import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Form, Input, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { api, downloadFile, query } from '../../api/client';
import type { AuditEntry, Page, User } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useSession } from '../../auth/session.context';
import { useLocale } from '../../i18n/locale.context';
import { PageTitle } from '../../shell/app-shell';
import { useToast } from '../../shell/toast';
import '../../i18n/dayjs-locale';

interface Filters {
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  from?: Dayjs | null;
  to?: Dayjs | null;
}

function params(f: Filters): Record<string, string | undefined> {
  return {
    actor: f.actor?.trim() || undefined,
    action: f.action?.trim() || undefined,
    subjectType: f.subjectType?.trim() || undefined,
    subjectId: f.subjectId?.trim() || undefined,
    from: f.from ? f.from.toISOString() : undefined,
    to: f.to ? f.to.toISOString() : undefined,
  };
}

/** The append-only audit log for admins and managers: filter, page, export. */
export default function AuditPage() {
  const { t, formatDateTime } = useLocale();
  const { message } = useToast();
  const [form] = Form.useForm<Filters>();
  const { can } = useSession();
  // Actors are user ids; administrators can resolve them to names.
  const users = useApi<User[]>(can('users.admin') ? '/api/users' : null);
  const actorName = (id: string) => {
    const user = users.data?.find((u) => u.id === id);
    return user ? `${user.displayName} (${user.username})` : id;
  };
  const [filters, setFilters] = useState<Filters>({});
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (f: Filters, cursor: string | null) => {
    setLoading(true);
    try {
      const page = await api<Page<AuditEntry>>(
        `/api/audit${query({ ...params(f), limit: 100, cursor: cursor ?? undefined })}`,
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

  const exportCsv = async () => {
    try {
      await downloadFile(`/api/audit/export.csv${query(params(filters))}`, 'audit.csv');
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <div>
      <PageTitle
        extra={
          <Button icon={<DownloadOutlined />} onClick={exportCsv}>
            {t('exportCsv')}
          </Button>
        }
      >
        {t('auditTitle')}
      </PageTitle>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form form={form} layout="inline" onFinish={(v) => setFilters(v)} style={{ rowGap: 8 }}>
          <Form.Item label={t('auditActor')} name="actor">
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t('auditAction')} name="action">
            <Input allowClear style={{ width: 160 }} placeholder="auth.login" />
          </Form.Item>
          <Form.Item label={t('auditSubjectType')} name="subjectType">
            <Input allowClear style={{ width: 120 }} />
          </Form.Item>
          <Form.Item label={t('auditSubjectId')} name="subjectId">
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t('auditFrom')} name="from">
            <DatePicker showTime />
          </Form.Item>
          <Form.Item label={t('auditTo')} name="to">
            <DatePicker showTime />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              {t('search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({});
              }}
            >
              {t('reset')}
            </Button>
          </Space>
        </Form>
      </Card>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="audit-table"
        columns={[
          { title: t('auditAt'), dataIndex: 'at', render: (v: string) => formatDateTime(v) },
          { title: t('auditActor'), dataIndex: 'actor', render: (v: string) => actorName(v) },
          { title: t('auditAction'), dataIndex: 'action', render: (v: string) => <code>{v}</code> },
          { title: t('auditSubjectType'), dataIndex: 'subjectType' },
          { title: t('auditSubjectId'), dataIndex: 'subjectId', render: (v: string | null) => v ?? '—' },
          {
            title: t('auditIp'),
            dataIndex: 'sourceIp',
            responsive: ['lg'],
            render: (v: string | null) => v ?? '—',
          },
          {
            title: t('auditDetail'),
            dataIndex: 'detail',
            render: (v: unknown) =>
              v && Object.keys(v as object).length ? (
                <Typography.Text
                  style={{ maxWidth: 360, fontSize: 12 }}
                  ellipsis={{ tooltip: JSON.stringify(v, null, 1) }}
                >
                  {JSON.stringify(v)}
                </Typography.Text>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {next && (
        <Button style={{ marginTop: 12 }} loading={loading} onClick={() => void load(filters, next)}>
          {t('loadMore')}
        </Button>
      )}
    </div>
  );
}
