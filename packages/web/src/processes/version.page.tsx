import { SwapOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { Page } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session.context';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { useToast } from '../shell/toast';
import type { Deployment, DeploymentStatistics, MigrationCandidate, MigrationReport } from './processes.api';
import { useDeploymentSource } from './use-deployment-source';

const BpmnCanvas = lazy(() => import('./bpmn-canvas'));

/** Dry run first, then apply: running instances of this version move to a newer one. */
function MigrationDialog({
  from,
  newer,
  open,
  onClose,
  onMigrated,
}: {
  from: Deployment;
  newer: Deployment[];
  open: boolean;
  onClose: () => void;
  onMigrated: () => void;
}) {
  const { t } = useLocale();
  const { message } = useToast();
  const [target, setTarget] = useState<number | undefined>(newer[0]?.version);
  const [report, setReport] = useState<MigrationReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (dryRun: boolean) => {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api<MigrationReport>('/api/migrations', {
        json: { processKey: from.processKey, fromVersion: from.version, toVersion: target, dryRun },
      });
      setReport(answer);
      if (!dryRun) {
        message.success(t('procMigrateDone', { n: answer.migrated.length }));
        onMigrated();
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const movable = report?.dryRun ? report.instances.filter((i) => i.migratable).length : 0;
  return (
    <Modal
      open={open}
      width={820}
      title={t('procMigrateTitle', { from: from.version })}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{t('procCancelUpload')}</Button>
          <Button loading={busy} disabled={!target} onClick={() => void run(true)}>
            {t('procMigrateDryRun')}
          </Button>
          <Button
            type="primary"
            loading={busy}
            disabled={!report?.dryRun || movable === 0 || report.to.version !== target}
            onClick={() => void run(false)}
          >
            {t('procMigrateApply', { n: movable })}
          </Button>
        </Space>
      }
    >
      {newer.length === 0 ? (
        <Alert type="info" showIcon title={t('procMigrateNoNewer')} />
      ) : (
        <Space style={{ marginBottom: 12 }}>
          <span>{t('procMigrateTarget')}</span>
          <Select
            style={{ width: 120 }}
            value={target}
            onChange={(v) => {
              setTarget(v);
              setReport(null);
            }}
            options={newer.map((d) => ({ value: d.version, label: `v${d.version}` }))}
          />
        </Space>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {report && (
        <div data-testid="migration-report">
          <Typography.Paragraph>
            {report.instances.length === 0
              ? t('procMigrateNone')
              : report.dryRun
                ? t('procMigrateReport', { ok: movable, blocked: report.instances.length - movable })
                : t('procMigrateDone', { n: report.migrated.length })}
          </Typography.Paragraph>
          <Table<MigrationCandidate>
            size="small"
            rowKey="instanceId"
            pagination={{ pageSize: 8 }}
            dataSource={report.instances}
            columns={[
              {
                title: t('procColInstance'),
                dataIndex: 'instanceId',
                width: 110,
                render: (id: string) => <Link to={`/processes/instances/${id}`}>{id.slice(-8)}</Link>,
              },
              {
                title: t('procColBusinessKey'),
                dataIndex: 'businessKey',
                width: 140,
                render: (v) => v ?? '—',
              },
              {
                title: t('procColActive'),
                dataIndex: 'activeElementIds',
                render: (ids: string[]) => ids.map((id) => <Tag key={id}>{id}</Tag>),
              },
              {
                title: t('procColStatus'),
                key: 'ok',
                render: (_, c) =>
                  c.migratable ? (
                    <Tag color="green">{t('procMigrateOk')}</Tag>
                  ) : (
                    <Space orientation="vertical" size={0}>
                      <Tag color="red">{t('procMigrateBlocked')}</Tag>
                      {c.reasons.map((r) => (
                        <Typography.Text
                          key={`${r.code}:${r.elementId}`}
                          type="secondary"
                          style={{ fontSize: 12 }}
                        >
                          {r.message}
                        </Typography.Text>
                      ))}
                    </Space>
                  ),
              },
            ]}
          />
        </div>
      )}
    </Modal>
  );
}

/** One deployed version: its diagram with running instances and open incidents per element. */
export default function VersionPage() {
  const { id = '' } = useParams();
  const { t, formatDateTime } = useLocale();
  const { can } = useSession();
  const detail = useApi<{ deployment: Deployment }>(`/api/deployments/${encodeURIComponent(id)}`);
  const stats = useApi<DeploymentStatistics>(`/api/deployments/${encodeURIComponent(id)}/statistics`);
  const deployment = detail.data?.deployment;
  const siblings = useApi<Page<Deployment>>(
    deployment ? `/api/deployments?processKey=${encodeURIComponent(deployment.processKey)}&limit=200` : null,
  );
  const source = useDeploymentSource(deployment?.id ?? null);
  const [migrating, setMigrating] = useState(false);

  if (detail.error) return <Alert type="error" showIcon title={detail.error.message} />;
  if (!deployment) return <Spin />;
  const newer = (siblings.data?.items ?? [])
    .filter((d) => d.version > deployment.version)
    .sort((a, b) => b.version - a.version);
  return (
    <div>
      <PageTitle
        extra={
          <Space>
            <Link to={`/processes?tab=instances`}>{t('procTabInstances')}</Link>
            {can('process.deploy') && (
              <Link to={`/processes/versions/${deployment.id}/edit`}>{t('procEditModel')}</Link>
            )}
            {can('process.admin') && (
              <Button icon={<SwapOutlined />} onClick={() => setMigrating(true)}>
                {t('procMigrate')}
              </Button>
            )}
          </Space>
        }
      >
        {t('procVersionTitle', { key: deployment.processKey, version: deployment.version })}
      </PageTitle>
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">
          {deployment.name ?? deployment.processKey} · {deployment.deployedBy} ·{' '}
          {formatDateTime(deployment.deployedAt)}
        </Typography.Text>
        {stats.data && (
          <>
            <Tag color="blue" data-testid="running-total">
              {t('procRunningTotal', { n: stats.data.totals.running })}
            </Tag>
            <Tag color={stats.data.totals.incidents > 0 ? 'red' : 'default'}>
              {t('procIncidentsTotal', { n: stats.data.totals.incidents })}
            </Tag>
          </>
        )}
      </Space>
      {source.error && <Alert type="error" showIcon title={source.error} />}
      {source.xml ? (
        <Suspense fallback={<Spin />}>
          <BpmnCanvas xml={source.xml} counts={stats.data?.elements ?? {}} height={520} />
        </Suspense>
      ) : (
        <Spin />
      )}
      <div className="cf-bpmn-legend">
        <span>
          <i style={{ background: '#1f5fbf' }} />
          {t('procActiveOnElement')}
        </span>
        <span>
          <i style={{ background: '#cf1322' }} />
          {t('procIncidentsOnElement')}
        </span>
      </div>
      {migrating && (
        <MigrationDialog
          from={deployment}
          newer={newer}
          open
          onClose={() => setMigrating(false)}
          onMigrated={() => void stats.reload()}
        />
      )}
    </div>
  );
}
