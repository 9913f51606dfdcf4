import { EditOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Result, Row, Space, Spin, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, type ProblemItem } from '../api/client';
import { loadFormVersion } from '../api/forms.api';
import type { FormVersion, RecordView } from '../api/types';
import { useSession } from '../auth/session.context';
import { AttachmentsPanel, CommentsPanel, useCollab } from '../collaboration/collab-panels';
import { FieldValue, formFields } from '../forms/field-display';
import { FormRenderer } from '../forms/form-renderer';
import { pickText } from '../forms/localize-form';
import { relaxMasked } from '../forms/masked-fields';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { useToast } from '../shell/toast';

interface Conflict {
  mine: Record<string, unknown>;
  theirs: RecordView;
  editedVersion: number;
}

/** Read-only view of a record's fields, in the form's order and the UI language. */
export function RecordDetails({
  version,
  record,
  highlight,
  testId,
}: {
  version: FormVersion;
  record: Pick<RecordView, 'data' | 'masked'>;
  highlight?: Set<string>;
  testId?: string;
}) {
  const { locale } = useLocale();
  const fields = useMemo(() => formFields(version, locale), [version, locale]);
  return (
    <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2, xl: 3 }} data-testid={testId}>
      {fields
        .filter((f) => record.data?.[f.name] !== undefined || f.computed)
        .map((f) => (
          <Descriptions.Item
            key={f.pointer}
            label={f.title}
            styles={highlight?.has(f.name) ? { content: { background: '#fffbe6' } } : undefined}
          >
            <FieldValue field={f} record={record} />
          </Descriptions.Item>
        ))}
    </Descriptions>
  );
}

/** A record: detail, edit (optimistic concurrency, conflicts shown with the newer data) and create. */
export default function RecordPage() {
  const { id, key } = useParams();
  const creating = id === undefined;
  const { t, locale, formatDateTime } = useLocale();
  const { can } = useSession();
  const { message } = useToast();
  const navigate = useNavigate();
  const [record, setRecord] = useState<RecordView | null>(null);
  const [form, setForm] = useState<FormVersion | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState(creating);
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<ProblemItem[]>([]);
  const [refused, setRefused] = useState<unknown>(undefined);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  // Files and comments on the record (a case shows them in its own workspace, with its timeline).
  const collab = useCollab('record', creating ? null : (id ?? null), { timeline: false });
  // The data and version the form edits; replaced when a conflict is resolved.
  const [base, setBase] = useState<{ data: Record<string, unknown>; version: number; nonce: number }>({
    data: {},
    version: 0,
    nonce: 0,
  });

  useEffect(() => {
    let live = true;
    setError(null);
    setConflict(null);
    setServerErrors([]);
    setEditing(creating);
    setRecord(null);
    (async () => {
      if (creating) {
        const version = await loadFormVersion(key ?? '', null);
        if (live) setForm(version);
        return;
      }
      const loaded = await api<RecordView>(`/api/records/${id}`);
      const version = await loadFormVersion(loaded.formKey, loaded.formVersion);
      if (!live) return;
      setRecord(loaded);
      setForm(version);
      setBase({ data: loaded.data, version: loaded.version, nonce: Date.now() });
    })().catch(
      (e: unknown) =>
        live &&
        setError(e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client', detail: String(e) })),
    );
    return () => {
      live = false;
    };
  }, [id, key, creating]);

  const editable = useMemo(() => (form && record ? relaxMasked(form, record.masked) : form), [form, record]);

  const save = async (data: Record<string, unknown>) => {
    if (!form) return;
    setBusy(true);
    try {
      if (creating) {
        const created = await api<RecordView>(`/api/forms/${encodeURIComponent(form.key)}/records`, {
          json: { data, formVersion: form.version },
        });
        message.success(t('recordCreated'));
        navigate(created.formKey === 'debt-case' ? `/cases/${created.id}` : `/records/${created.id}`, {
          replace: true,
        });
        return;
      }
      const saved = await api<RecordView>(`/api/records/${record!.id}`, {
        method: 'PUT',
        json: { data, version: base.version },
      });
      setRecord(saved);
      setBase({ data: saved.data, version: saved.version, nonce: Date.now() });
      setServerErrors([]);
      setConflict(null);
      setEditing(false);
      message.success(t('recordSaved', { version: saved.version }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        setServerErrors(e.errors.length ? e.errors : [{ pointer: '', message: e.problem.detail ?? e.code }]);
        setRefused(data);
      } else if (e instanceof ApiError && e.status === 409 && record) {
        const theirs = await api<RecordView>(`/api/records/${record.id}`);
        setConflict({ mine: data, theirs, editedVersion: base.version });
      } else message.error(t('failed', { detail: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  if (error)
    return (
      <Result
        status={error.status === 404 ? '404' : error.status === 403 ? '403' : 'error'}
        title={error.status === 404 || error.status === 403 ? t('notFound') : error.message}
        extra={<Link to="/forms">{t('back')}</Link>}
      />
    );
  if (!form || !editable || (!creating && !record)) return <Spin description={t('loading')} />;

  const formTitle = pickText(form.title, locale, form.key);
  const changedByThem = conflict
    ? new Set(
        Object.keys({ ...conflict.theirs.data, ...conflict.mine }).filter(
          (k) => JSON.stringify(conflict.theirs.data[k]) !== JSON.stringify(conflict.mine[k]),
        ),
      )
    : undefined;

  return (
    <div style={{ maxWidth: 1200 }}>
      <PageTitle
        extra={
          !creating &&
          !editing &&
          can('records.edit') && (
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('edit')}
            </Button>
          )
        }
      >
        {creating ? `${t('newRecord')} · ${formTitle}` : t('recordTitle', { form: formTitle })}
      </PageTitle>
      {record && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Tag>{`${t('version')} ${record.version}`}</Tag>
          <Tag>{`${form.key}@${record.formVersion}`}</Tag>
          <span style={{ color: '#8c8c8c' }}>
            {t('updatedAt')}: {formatDateTime(record.updatedAt)} · {record.updatedBy}
          </span>
          <Link to={form.key === 'debt-case' ? '/cases' : `/forms/${form.key}/records`}>{t('back')}</Link>
        </Space>
      )}
      {conflict && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          data-testid="conflict"
          style={{ marginBottom: 12 }}
          title={t('conflictTitle')}
          description={
            <div>
              <p>
                {t('conflictDetail', {
                  mine: conflict.editedVersion,
                  theirs: conflict.theirs.version,
                  by: conflict.theirs.updatedBy,
                  at: formatDateTime(conflict.theirs.updatedAt),
                })}
              </p>
              <Card size="small" title={t('newerData')} style={{ marginBottom: 12 }}>
                <RecordDetails
                  version={form}
                  record={conflict.theirs}
                  highlight={changedByThem}
                  testId="newer-data"
                />
              </Card>
              <Space wrap>
                <Button
                  onClick={() => {
                    setRecord(conflict.theirs);
                    setBase({
                      data: conflict.theirs.data,
                      version: conflict.theirs.version,
                      nonce: Date.now(),
                    });
                    setConflict(null);
                    setEditing(false);
                  }}
                >
                  {t('conflictUseTheirs')}
                </Button>
                <Button
                  type="primary"
                  onClick={() => {
                    setRecord(conflict.theirs);
                    setBase({ data: conflict.mine, version: conflict.theirs.version, nonce: Date.now() });
                    setConflict(null);
                  }}
                >
                  {t('conflictKeepMine')}
                </Button>
              </Space>
            </div>
          }
        />
      )}
      {editing ? (
        <Card>
          <FormRenderer
            key={`${form.key}@${form.version}#${base.nonce}`}
            version={editable}
            initialData={base.data}
            serverErrors={serverErrors}
            refusedData={refused}
            onSubmit={save}
            busy={busy}
            submitLabel={t('save')}
            uploadTo={`/api/forms/${encodeURIComponent(form.key)}/uploads`}
            actions={
              <Button onClick={() => (creating ? navigate(-1) : setEditing(false))} disabled={busy}>
                {t('cancel')}
              </Button>
            }
          />
        </Card>
      ) : (
        record && <RecordDetails version={form} record={record} testId="record-details" />
      )}
      {record && (
        <Row gutter={[16, 0]} style={{ marginTop: 16 }}>
          <Col xs={24} lg={14}>
            <CommentsPanel collab={collab} />
          </Col>
          <Col xs={24} lg={10}>
            <AttachmentsPanel collab={collab} canUpload={can('records.edit')} />
          </Col>
        </Row>
      )}
    </div>
  );
}
