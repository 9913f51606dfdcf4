import { CloudUploadOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Space, Spin, Table, Tabs, Tag, Typography, Upload } from 'antd';
import { lazy, Suspense, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api } from '../api/client';
import type { Page } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session.context';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { useToast } from '../shell/toast';
import InstancesList from './instances.list';
import type { DeployAnswer, Deployment, LintProblem } from './processes.api';

// bpmn-js is its own chunk: the list of versions shows before the diagram code arrives.
const BpmnCanvas = lazy(() => import('./bpmn-canvas'));

interface Checked {
  name: string;
  xml: string;
  problems: LintProblem[];
  /** The server refused the file (422): it cannot be deployed as it is. */
  rejected: boolean;
  outcome?: DeployAnswer;
}

function problemsOf(error: unknown): LintProblem[] | null {
  if (!(error instanceof ApiError)) return null;
  const problems = (error.problem as { problems?: LintProblem[] }).problems;
  return Array.isArray(problems) ? problems : null;
}

/** Upload a .bpmn file: lint it (dry run), show the problems on the diagram, deploy when clean. */
function UploadPanel({ onDeployed }: { onDeployed: () => void }) {
  const { t } = useLocale();
  const { message } = useToast();
  const [checked, setChecked] = useState<Checked | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const canvasBox = useRef<HTMLDivElement>(null);

  const check = async (file: File) => {
    setFailure(null);
    setSelected(null);
    if (!/\.(bpmn|xml)$/i.test(file.name)) {
      setFailure(t('procNotBpmn'));
      return;
    }
    setBusy(t('procUploadChecking', { name: file.name }));
    const xml = await file.text();
    try {
      const answer = await api<DeployAnswer>('/api/deployments?dryRun=true', {
        method: 'POST',
        body: xml,
        headers: { 'content-type': 'application/xml' },
      });
      setChecked({ name: file.name, xml, problems: answer.problems, rejected: false });
    } catch (e) {
      const problems = problemsOf(e);
      if (problems) setChecked({ name: file.name, xml, problems, rejected: true });
      else setFailure((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const deploy = async () => {
    if (!checked) return;
    setBusy(t('procDeploy'));
    try {
      const outcome = await api<DeployAnswer>('/api/deployments', {
        method: 'POST',
        body: checked.xml,
        headers: { 'content-type': 'application/xml' },
      });
      setChecked({ ...checked, outcome });
      if (outcome.deployment && !outcome.unchanged) {
        message.success(
          t('procDeployed', { key: outcome.deployment.processKey, version: outcome.deployment.version }),
        );
      }
      onDeployed();
    } catch (e) {
      const problems = problemsOf(e);
      if (problems) setChecked({ ...checked, problems, rejected: true });
      else setFailure((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const errors = checked?.problems.filter((p) => p.severity === 'error') ?? [];
  const warnings = checked?.problems.filter((p) => p.severity === 'warning') ?? [];
  const markers = useMemo(() => {
    const byId: Record<string, string[]> = {};
    for (const p of checked?.problems ?? []) {
      if (!p.elementId) continue;
      byId[p.elementId] = [p.elementId === selected ? 'cf-bpmn-problem-selected' : 'cf-bpmn-problem'];
    }
    return byId;
  }, [checked, selected]);

  return (
    <Card title={t('procUploadTitle')} size="small" style={{ marginBottom: 16 }}>
      <div data-testid="bpmn-upload">
        <Upload.Dragger
          height={checked ? 64 : undefined}
          accept=".bpmn,.xml"
          multiple={false}
          showUploadList={false}
          beforeUpload={(file) => {
            void check(file);
            return false;
          }}
        >
          {!checked && (
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
          )}
          <p className="ant-upload-text">{t('procUploadHint')}</p>
        </Upload.Dragger>
      </div>
      {busy && (
        <div style={{ marginTop: 12 }}>
          <Spin size="small" /> <Typography.Text type="secondary">{busy}</Typography.Text>
        </div>
      )}
      {failure && <Alert style={{ marginTop: 12 }} type="error" showIcon title={failure} />}
      {checked && (
        <div style={{ marginTop: 16 }} data-testid="lint-result">
          <Space wrap style={{ marginBottom: 8 }}>
            <Typography.Text strong>{checked.name}</Typography.Text>
            {errors.length === 0 && !checked.rejected ? (
              <Tag color="green" data-testid="lint-clean">
                {t('procLintClean')}
              </Tag>
            ) : (
              <Tag color="red">{t('procLintErrors', { n: errors.length })}</Tag>
            )}
            {warnings.length > 0 && <Tag color="orange">{t('procLintWarnings', { n: warnings.length })}</Tag>}
          </Space>
          {checked.problems.length > 0 && (
            <>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
                {t('procLintShow')}
              </Typography.Paragraph>
              <Table<LintProblem & { key: number }>
                size="small"
                pagination={false}
                data-testid="lint-problems"
                dataSource={checked.problems.map((p, i) => ({ ...p, key: i }))}
                rowClassName={(p) =>
                  `cf-lint-row${p.elementId && p.elementId === selected ? ' cf-lint-row-selected' : ''}`
                }
                onRow={(p) => ({
                  onClick: () => {
                    setSelected(p.elementId);
                    // The diagram is below the list: bring the element into view with it.
                    canvasBox.current?.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
                  },
                })}
                columns={[
                  {
                    title: t('procLintColElement'),
                    dataIndex: 'elementId',
                    width: 220,
                    render: (id: string | null) =>
                      id ? <Typography.Text code>{id}</Typography.Text> : t('procLintNoElement'),
                  },
                  {
                    title: t('procLintColCode'),
                    dataIndex: 'code',
                    width: 220,
                    render: (code: string, p) => (
                      <Tag color={p.severity === 'error' ? 'red' : 'orange'}>{code}</Tag>
                    ),
                  },
                  { title: t('procLintColMessage'), dataIndex: 'message' },
                ]}
              />
            </>
          )}
          <div style={{ marginTop: 12 }} ref={canvasBox}>
            <Suspense fallback={<Spin />}>
              <BpmnCanvas
                xml={checked.xml}
                markers={markers}
                selected={selected}
                onElementClick={(id) => setSelected(id)}
                height={360}
              />
            </Suspense>
          </div>
          <Space style={{ marginTop: 12 }}>
            {checked.outcome?.unchanged && checked.outcome.deployment && (
              <Alert
                type="info"
                showIcon
                data-testid="deploy-unchanged"
                title={t('procUnchanged', { version: checked.outcome.deployment.version })}
              />
            )}
            {checked.outcome && !checked.outcome.unchanged && checked.outcome.deployment && (
              <Alert
                type="success"
                showIcon
                data-testid="deploy-done"
                title={t('procDeployed', {
                  key: checked.outcome.deployment.processKey,
                  version: checked.outcome.deployment.version,
                })}
              />
            )}
            {!checked.outcome && (
              <Button
                type="primary"
                icon={<CloudUploadOutlined />}
                disabled={errors.length > 0 || checked.rejected || busy !== null}
                onClick={() => void deploy()}
              >
                {t('procDeploy')}
              </Button>
            )}
            <Button
              onClick={() => {
                setChecked(null);
                setSelected(null);
              }}
            >
              {t('procCancelUpload')}
            </Button>
          </Space>
        </div>
      )}
    </Card>
  );
}

/** Versions per process key: who deployed what and when. */
function VersionList({ deployments }: { deployments: Deployment[] }) {
  const { t, formatDateTime } = useLocale();
  const { can } = useSession();
  const byKey = useMemo(() => {
    const groups = new Map<string, Deployment[]>();
    for (const d of deployments) groups.set(d.processKey, [...(groups.get(d.processKey) ?? []), d]);
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [deployments]);
  if (byKey.length === 0) return <Empty description={t('procNoDeployments')} />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={12}>
      {byKey.map(([key, versions]) => (
        <Card
          key={key}
          size="small"
          title={
            <Space>
              <Typography.Text strong>{versions[0]?.name ?? key}</Typography.Text>
              <Typography.Text type="secondary" code>
                {key}
              </Typography.Text>
            </Space>
          }
          data-testid={`process-${key}`}
        >
          <Table<Deployment>
            size="small"
            rowKey="id"
            pagination={versions.length > 5 ? { pageSize: 5 } : false}
            dataSource={versions}
            columns={[
              { title: t('procColVersion'), dataIndex: 'version', width: 90, render: (v: number) => `v${v}` },
              { title: t('procColDeployedBy'), dataIndex: 'deployedBy', width: 200 },
              {
                title: t('procColDeployedAt'),
                dataIndex: 'deployedAt',
                width: 220,
                render: (v: string) => formatDateTime(v),
              },
              {
                title: t('procColActions'),
                key: 'actions',
                render: (_, d) => (
                  <Space>
                    <Link to={`/processes/versions/${d.id}`}>{t('procOpen')}</Link>
                    {can('process.deploy') && (
                      <Link to={`/processes/versions/${d.id}/edit`}>{t('procEditModel')}</Link>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      ))}
    </Space>
  );
}

/** Process administration: upload and versions, and the instances list. */
export default function ProcessesPage() {
  const { t } = useLocale();
  const { can } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const tab = params.get('tab') === 'instances' ? 'instances' : 'definitions';
  const allowed = can('process.deploy') || can('process.admin');
  const deployments = useApi<Page<Deployment>>(allowed ? '/api/deployments?limit=200' : null);
  if (!allowed) return <Alert type="warning" showIcon title={t('procNoAccess')} />;
  return (
    <div>
      <PageTitle>{t('procTitle')}</PageTitle>
      <Tabs
        activeKey={tab}
        onChange={(key) => navigate(key === 'instances' ? '/processes?tab=instances' : '/processes')}
        items={[
          {
            key: 'definitions',
            label: t('procTabDefinitions'),
            children: (
              <>
                {can('process.deploy') && <UploadPanel onDeployed={() => void deployments.reload()} />}
                {deployments.error && <Alert type="error" showIcon title={deployments.error.message} />}
                {deployments.loading && !deployments.data ? (
                  <Spin />
                ) : (
                  <>
                    <Typography.Title level={5}>{t('procVersionsTitle')}</Typography.Title>
                    <VersionList deployments={deployments.data?.items ?? []} />
                  </>
                )}
              </>
            ),
          },
          {
            key: 'instances',
            label: t('procTabInstances'),
            children: <InstancesList deployments={deployments.data?.items ?? []} />,
          },
        ]}
      />
    </div>
  );
}
