import { MessageOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Popconfirm, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { HistoryEntry, Task } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session.context';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { useToast } from '../shell/toast';
import { SendMessageDialog, StatusTag } from './instances.list';
import { completedElementIds, type Incident, type InstanceDetail, type Job } from './processes.api';
import { useDeploymentSource } from './use-deployment-source';

const BpmnCanvas = lazy(() => import('./bpmn-canvas'));

/** One instance: the diagram with its path and active elements, variables, history, timers, tasks, incidents. */
export default function InstancePage() {
  const { id = '' } = useParams();
  const { t, formatDateTime } = useLocale();
  const { can } = useSession();
  const { message } = useToast();
  const view = useApi<InstanceDetail>(`/api/instances/${encodeURIComponent(id)}`);
  const source = useDeploymentSource(view.data?.deployment.id ?? null);
  const [messaging, setMessaging] = useState(false);

  const markers = useMemo(() => {
    const byId: Record<string, string[]> = {};
    if (!view.data) return byId;
    for (const done of completedElementIds(view.data.history)) byId[done] = ['cf-bpmn-completed'];
    for (const active of view.data.activeElementIds) byId[active] = ['cf-bpmn-active'];
    for (const incident of view.data.incidents) {
      if (incident.status === 'open' && incident.elementId) {
        byId[incident.elementId] = [...(byId[incident.elementId] ?? []), 'cf-bpmn-incident'];
      }
    }
    return byId;
  }, [view.data]);

  if (view.error) return <Alert type="error" showIcon title={view.error.message} />;
  if (!view.data) return <Spin />;
  const { instance, deployment } = view.data;

  const cancel = async () => {
    try {
      await api(`/api/instances/${instance.id}/cancel`, { json: {} });
      message.success(t('procCancelled'));
      await view.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const retry = async (incident: Incident) => {
    try {
      await api(`/api/incidents/${incident.id}/retry`, { method: 'POST' });
      message.success(t('procRetried'));
      await view.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const running = instance.status === 'running';
  return (
    <div>
      <PageTitle
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void view.reload()} aria-label="reload" />
            {running && (
              <Button icon={<MessageOutlined />} onClick={() => setMessaging(true)}>
                {t('procSendMessage')}
              </Button>
            )}
            {running && can('process.admin') && (
              <Popconfirm
                title={t('procCancelConfirm')}
                onConfirm={() => void cancel()}
                okButtonProps={{ danger: true }}
              >
                <Button danger icon={<StopOutlined />}>
                  {t('procCancel')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        }
      >
        {t('procInstanceTitle', { id: instance.id.slice(-8) })}
      </PageTitle>
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 4 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('procColKey')}>
          <Link to={`/processes/versions/${deployment.id}`}>
            {t('procInstanceOf', { key: deployment.processKey, version: deployment.version })}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('procColStatus')}>
          <span data-testid="instance-status">
            <StatusTag status={instance.status} />
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('procColBusinessKey')}>{instance.businessKey ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('procColStarted')}>
          {formatDateTime(instance.createdAt)}
        </Descriptions.Item>
      </Descriptions>
      <div data-testid="active-elements" data-active={view.data.activeElementIds.join(' ')} hidden />
      {source.error && <Alert type="error" showIcon title={source.error} />}
      {source.xml ? (
        <Suspense fallback={<Spin />}>
          <BpmnCanvas xml={source.xml} markers={markers} height={380} />
        </Suspense>
      ) : (
        <Spin />
      )}
      <div className="cf-bpmn-legend">
        <span>
          <i style={{ background: '#e6f0ff', border: '2px solid #1f5fbf' }} />
          {t('procLegendActive')}
        </span>
        <span>
          <i style={{ background: '#f0faf0', border: '2px solid #52a447' }} />
          {t('procLegendCompleted')}
        </span>
        <span>
          <i style={{ background: '#fff', border: '2px solid #cf1322' }} />
          {t('procLegendIncident')}
        </span>
      </div>
      <Tabs
        style={{ marginTop: 12 }}
        items={[
          {
            key: 'tasks',
            label: `${t('procTasks')} (${view.data.tasks.length})`,
            children: (
              <Table<Task>
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={view.data.tasks}
                columns={[
                  {
                    title: t('procColTask'),
                    dataIndex: 'name',
                    render: (n: string | null, task) => n ?? task.elementId,
                  },
                  {
                    title: t('procColElement'),
                    dataIndex: 'elementId',
                    render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
                  },
                  {
                    title: t('procColGroups'),
                    dataIndex: 'candidateGroups',
                    render: (g: string[]) => g.map((x) => <Tag key={x}>{x}</Tag>),
                  },
                  { title: t('procColStatus'), dataIndex: 'status', width: 110 },
                  {
                    title: t('procColDue'),
                    dataIndex: 'dueAt',
                    render: (v: string | null) => formatDateTime(v),
                  },
                ]}
              />
            ),
          },
          {
            key: 'variables',
            label: t('procVariables'),
            children: (
              <pre
                className="cf-json"
                data-testid="instance-variables"
                style={{ maxHeight: 320, overflow: 'auto' }}
              >
                {JSON.stringify(view.data.variables, null, 2)}
              </pre>
            ),
          },
          {
            key: 'history',
            label: `${t('procHistory')} (${view.data.history.length})`,
            children: (
              <Table<HistoryEntry>
                size="small"
                rowKey="id"
                pagination={{ pageSize: 15 }}
                dataSource={[...view.data.history].reverse()}
                columns={[
                  {
                    title: t('procColAt'),
                    dataIndex: 'at',
                    width: 180,
                    render: (v: string) => formatDateTime(v),
                  },
                  { title: t('procColEvent'), dataIndex: 'event', width: 170 },
                  {
                    title: t('procColElement'),
                    dataIndex: 'elementId',
                    render: (v: string | null, e) => (v ? `${e.name ?? ''} ${v}`.trim() : '—'),
                  },
                  {
                    title: t('procColActor'),
                    dataIndex: 'actor',
                    width: 140,
                    render: (v: string | null) => v ?? '',
                  },
                ]}
              />
            ),
          },
          {
            key: 'jobs',
            label: `${t('procTimers')} (${view.data.jobs.length})`,
            children: (
              <Table<Job>
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={view.data.jobs}
                columns={[
                  { title: t('procColKind'), dataIndex: 'kind', width: 90 },
                  { title: t('procColElement'), dataIndex: 'elementId' },
                  { title: t('procColDue'), dataIndex: 'runAt', render: (v: string) => formatDateTime(v) },
                  {
                    title: t('procColAttempts'),
                    key: 'attempts',
                    render: (_, j) => `${j.attempts}/${j.maxAttempts}`,
                  },
                  { title: t('procColStatus'), dataIndex: 'status' },
                ]}
              />
            ),
          },
          {
            key: 'incidents',
            label: `${t('procIncidents')} (${view.data.incidents.filter((i) => i.status === 'open').length})`,
            children: (
              <Table<Incident>
                size="small"
                rowKey="id"
                pagination={false}
                locale={{ emptyText: t('procNoIncidents') }}
                dataSource={view.data.incidents}
                columns={[
                  { title: t('procColKind'), dataIndex: 'kind', width: 140 },
                  { title: t('procColElement'), dataIndex: 'elementId' },
                  { title: t('procColMessage'), dataIndex: 'message' },
                  { title: t('procColStatus'), dataIndex: 'status', width: 90 },
                  {
                    title: t('procColActions'),
                    key: 'actions',
                    width: 100,
                    render: (_, incident) =>
                      incident.status === 'open' &&
                      incident.jobId &&
                      can('process.admin') && (
                        <Button size="small" onClick={() => void retry(incident)}>
                          {t('procRetry')}
                        </Button>
                      ),
                  },
                ]}
              />
            ),
          },
        ]}
      />
      <SendMessageDialog
        instance={instance}
        open={messaging}
        onClose={() => setMessaging(false)}
        onSent={() => void view.reload()}
      />
    </div>
  );
}
