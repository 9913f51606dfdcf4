import { Alert, Checkbox, Empty, Modal, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { useLocale } from '../i18n/locale.context';
import { type Change, type CompatibilityReport, designerApi, type FormVersionSummary } from './designer.api';

/** A compatibility report in words: breaking changes first, each with the field it touches. */
export function ReportView({ report }: { report: CompatibilityReport }) {
  const { t } = useLocale();
  if (report.breaking.length === 0 && report.additive.length === 0)
    return <Typography.Text type="secondary">{t('dzNoChanges')}</Typography.Text>;
  const list = (changes: Change[], color: string, testId: string) => (
    <ul className="cf-dz-changes" data-testid={testId}>
      {changes.map((c) => (
        <li key={`${c.pointer}|${c.code}`}>
          <Tag color={color}>{c.pointer || '/'}</Tag> {c.message}
        </li>
      ))}
    </ul>
  );
  return (
    <div>
      {report.breaking.length > 0 && (
        <>
          <Typography.Text strong type="danger">
            {t('dzBreaking')} ({report.breaking.length})
          </Typography.Text>
          {list(report.breaking, 'red', 'breaking-changes')}
        </>
      )}
      {report.additive.length > 0 && (
        <>
          <Typography.Text strong>
            {t('dzAdditive')} ({report.additive.length})
          </Typography.Text>
          {list(report.additive, 'green', 'additive-changes')}
        </>
      )}
    </div>
  );
}

/** Publishing: the report against the latest version, and an explicit yes for breaking changes. */
export function PublishDialog({
  formKey,
  open,
  revision,
  hasVersion,
  onClose,
  onPublished,
}: {
  formKey: string;
  open: boolean;
  revision: number;
  hasVersion: boolean;
  onClose(): void;
  onPublished(version: number): void;
}) {
  const { t } = useLocale();
  const [report, setReport] = useState<CompatibilityReport | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [accept, setAccept] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    setAccept(false);
    setError(null);
    setReport(null);
    if (!hasVersion) return;
    setLoading(true);
    designerApi
      .diff(formKey, 'latest', 'draft')
      .then(setReport, (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)))
      .finally(() => setLoading(false));
  }, [open, formKey, hasVersion]);

  const breaking = (report?.breaking.length ?? 0) > 0;
  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await designerApi.publish(formKey, revision, breaking && accept);
      onPublished(result.version.version);
    } catch (e) {
      if (e instanceof ApiError && e.errors.length > 0 && e.code.includes('breaking')) {
        setReport({
          compatible: false,
          breaking: e.errors.map((x) => ({ pointer: x.pointer, code: x.code ?? '', message: x.message })),
          additive: report?.additive ?? [],
        });
      }
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('dzCompatibility')}
      okText={t('dzPublishConfirm')}
      cancelText={t('cancel')}
      onCancel={onClose}
      onOk={publish}
      confirmLoading={busy}
      okButtonProps={
        {
          disabled: loading || (breaking && !accept),
          danger: breaking,
          'data-testid': 'publish-confirm',
        } as never
      }
      width={640}
      destroyOnHidden
    >
      <div data-testid="publish-dialog">
        {loading && <Spin />}
        {!hasVersion && <Alert type="info" showIcon title={t('dzFirstVersion')} />}
        {report && <ReportView report={report} />}
        {breaking && (
          <>
            <Alert type="warning" showIcon title={t('dzBreakingWarning')} style={{ margin: '12px 0' }} />
            <Checkbox
              checked={accept}
              onChange={(e) => setAccept(e.target.checked)}
              data-testid="accept-breaking"
            >
              {t('dzAcceptBreaking')}
            </Checkbox>
          </>
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      </div>
    </Modal>
  );
}

/** Published versions and a readable diff between any two of them (or the draft). */
export function VersionsPanel({ formKey, refresh }: { formKey: string; refresh: number }) {
  const { t, formatDateTime } = useLocale();
  const [versions, setVersions] = useState<FormVersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState<string>('');
  const [to, setTo] = useState<string>('draft');
  const [report, setReport] = useState<CompatibilityReport | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads after each publish
  useEffect(() => {
    designerApi.versions(formKey).then(
      (page) => {
        setVersions(page.items);
        const [latest, previous] = page.items;
        if (latest) {
          setFrom(String(previous?.version ?? latest.version));
          setTo(previous ? String(latest.version) : 'draft');
        }
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [formKey, refresh]);

  useEffect(() => {
    if (!from || !to) return;
    setReport(null);
    designerApi
      .diff(formKey, from, to)
      .then(setReport, (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [formKey, from, to]);

  if (error) return <Alert type="error" showIcon title={error} />;
  if (!versions) return <Spin />;
  if (versions.length === 0) return <Empty description={t('dzNoVersions')} />;
  const choices = [
    { value: 'draft', label: t('dzCompareDraft') },
    ...versions.map((v) => ({ value: String(v.version), label: `v${v.version}` })),
  ];
  return (
    <div data-testid="versions">
      <Table<FormVersionSummary>
        rowKey="version"
        size="small"
        pagination={false}
        dataSource={versions}
        columns={[
          { title: t('dzVersion'), dataIndex: 'version', render: (v: number) => `v${v}` },
          { title: t('dzPublishedAt'), dataIndex: 'publishedAt', render: (v: string) => formatDateTime(v) },
          { title: t('dzPublishedBy'), dataIndex: 'publishedBy' },
          {
            title: t('dzCompatibility'),
            key: 'compat',
            render: (_, v) =>
              v.acceptedBreaking ? (
                <Tag color="red">{t('dzAcceptedBreaking')}</Tag>
              ) : v.compatibility ? (
                <Tag color="green">
                  +{v.compatibility.additive.length} / -{v.compatibility.breaking.length}
                </Tag>
              ) : null,
          },
        ]}
      />
      <Space style={{ margin: '16px 0 8px' }} wrap>
        <strong>{t('dzCompare')}</strong>
        <span>{t('dzCompareFrom')}</span>
        <Select
          value={from}
          options={choices}
          onChange={setFrom}
          style={{ minWidth: 120 }}
          data-testid="diff-from"
        />
        <span>{t('dzCompareTo')}</span>
        <Select
          value={to}
          options={choices}
          onChange={setTo}
          style={{ minWidth: 120 }}
          data-testid="diff-to"
        />
      </Space>
      <div data-testid="diff">{report ? <ReportView report={report} /> : <Spin />}</div>
    </div>
  );
}
