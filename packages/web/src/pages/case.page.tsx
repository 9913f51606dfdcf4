import { DollarOutlined, EditOutlined, FileDoneOutlined, PhoneOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Result,
  Row,
  Space,
  Spin,
  Statistic,
  Table,
  Tabs,
  Tag,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, type ProblemItem, query } from '../api/client';
import { loadFormVersion } from '../api/forms.api';
import type { FormVersion, InstanceView, Page, RecordView, Task } from '../api/types';
import { useMe, useSession } from '../auth/session.context';
import { AttachmentsPanel, CaseTimeline, CommentsPanel, useCollab } from '../collaboration/collab-panels';
import { type FieldInfo, FieldValue, formFields } from '../forms/field-display';
import { FormRenderer } from '../forms/form-renderer';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { PageTitle } from '../shell/app-shell';
import { useToast } from '../shell/toast';
import { taskName } from './task-name';

const RELATED = [
  {
    key: 'contact-attempt',
    label: 'contactAttempts',
    columns: ['occurredAt', 'channel', 'party', 'outcomeCode', 'agentId'],
  },
  { key: 'promise-to-pay', label: 'promises', columns: ['amount', 'dueDate', 'status', 'requiredAmount'] },
  { key: 'payment', label: 'payments', columns: ['amount', 'currency', 'method', 'receivedAt', 'reference'] },
  {
    key: 'dispute',
    label: 'disputes',
    columns: ['receivedAt', 'receivedVia', 'disputeOutcome', 'claimedAmount'],
  },
  {
    key: 'legal-action',
    label: 'legalActions',
    columns: ['actionType', 'proceedingStatus', 'claimAmount', 'filedOn'],
  },
] as const satisfies readonly { key: string; label: MessageKey; columns: readonly string[] }[];

type RelatedKey = (typeof RELATED)[number]['key'];

interface Related {
  version: FormVersion | null;
  records: RecordView[];
  error?: string;
}

interface RunningFlow {
  view: InstanceView;
  steps: string[];
}

type Action = 'contact-attempt' | 'promise-to-pay' | 'payment';

export default function CasePage() {
  const { id = '' } = useParams();
  const { t, locale, formatDateTime, formatMoney } = useLocale();
  const me = useMe();
  const { can } = useSession();
  const { message } = useToast();
  const navigate = useNavigate();
  const [record, setRecord] = useState<RecordView | null>(null);
  const [caseForm, setCaseForm] = useState<FormVersion | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [related, setRelated] = useState<Partial<Record<RelatedKey, Related>>>({});
  const [debtor, setDebtor] = useState<{ version: FormVersion; record: RecordView } | null | undefined>(
    undefined,
  );
  const [flows, setFlows] = useState<RunningFlow[] | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [actionForm, setActionForm] = useState<FormVersion | null>(null);
  const [actionErrors, setActionErrors] = useState<ProblemItem[]>([]);
  const [actionRefused, setActionRefused] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const collab = useCollab('record', id);

  const caseNumber = typeof record?.data.caseNumber === 'string' ? record.data.caseNumber : '';
  const debtorNo = typeof record?.data.debtorNo === 'string' ? record.data.debtorNo : '';
  const currency = typeof record?.data.currency === 'string' ? record.data.currency : '';

  const loadRelated = useCallback(async (cn: string) => {
    const entries = await Promise.all(
      RELATED.map(async (r) => {
        try {
          const [version, page] = await Promise.all([
            loadFormVersion(r.key, null),
            api<Page<RecordView>>(
              `/api/forms/${r.key}/records${query({ filter: `/caseNumber:eq:${cn}`, sort: '-createdAt', limit: 100 })}`,
            ),
          ]);
          return [r.key, { version, records: page.items }] as const;
        } catch (e) {
          return [r.key, { version: null, records: [], error: (e as Error).message }] as const;
        }
      }),
    );
    setRelated(Object.fromEntries(entries));
  }, []);

  const loadFlows = useCallback(
    async (cn: string) => {
      if (!can('process.start') && !can('process.admin')) {
        setFlows([]);
        return;
      }
      try {
        const list = await api<Page<InstanceView['instance']>>(
          `/api/instances${query({ businessKey: cn, limit: 50 })}`,
        );
        const views = await Promise.all(
          list.items.map((i) => api<InstanceView>(`/api/instances/${i.id}?historyLimit=300`)),
        );
        setFlows(
          views.map((view) => {
            const open = view.tasks.filter((task: Task) => task.status === 'open');
            const names = view.activeElementIds.map((el) => {
              const task = open.find((candidate) => candidate.elementId === el);
              if (task) return taskName(task, locale);
              return [...view.history].reverse().find((h) => h.elementId === el && h.name)?.name ?? el;
            });
            return { view, steps: names };
          }),
        );
      } catch {
        setFlows([]);
      }
    },
    [can, locale],
  );

  const load = useCallback(async () => {
    const loaded = await api<RecordView>(`/api/records/${id}`);
    const version = await loadFormVersion(loaded.formKey, loaded.formVersion);
    setRecord(loaded);
    setCaseForm(version);
    const cn = String(loaded.data.caseNumber ?? '');
    const dn = String(loaded.data.debtorNo ?? '');
    await Promise.all([
      loadRelated(cn),
      loadFlows(cn),
      (async () => {
        try {
          const [v, page] = await Promise.all([
            loadFormVersion('debtor', null),
            api<Page<RecordView>>(
              `/api/forms/debtor/records${query({ filter: `/debtorNo:eq:${dn}`, limit: 1 })}`,
            ),
          ]);
          setDebtor(page.items[0] ? { version: v, record: page.items[0] } : null);
        } catch {
          setDebtor(null);
        }
      })(),
    ]);
  }, [id, loadRelated, loadFlows]);

  useEffect(() => {
    setRecord(null);
    load().catch((e: unknown) =>
      setError(e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client', detail: String(e) })),
    );
  }, [load]);

  const openAction = async (which: Action) => {
    setAction(which);
    setActionForm(null);
    setActionErrors([]);
    try {
      setActionForm(await loadFormVersion(which, null));
    } catch (e) {
      message.error((e as Error).message);
      setAction(null);
    }
  };

  const initialFor = (which: Action): Record<string, unknown> => {
    const now = new Date().toISOString();
    if (which === 'contact-attempt') return { caseNumber, debtorNo, agentId: me.username, occurredAt: now };
    if (which === 'promise-to-pay') return { caseNumber, ...(currency ? { currency } : {}) };
    return { caseNumber, ...(currency ? { currency } : {}), receivedAt: now };
  };

  const submitAction = async (data: Record<string, unknown>) => {
    if (!action || !actionForm) return;
    setBusy(true);
    try {
      const created = await api<RecordView>(`/api/forms/${action}/records`, {
        json: {
          data,
          formVersion: actionForm.version,
          ...(record?.ownerTeamId ? { ownerTeamId: record.ownerTeamId } : {}),
        },
      });
      if (action === 'payment') {
        try {
          const outcome = await api<{ outcome: string; instanceIds?: string[] }>('/api/messages', {
            json: {
              name: 'PaymentReceived',
              businessKey: caseNumber,
              all: true,
              payload: {
                paymentId: created.id,
                paymentAmount: data.amount,
                paymentCurrency: data.currency,
                paymentReference: data.reference ?? created.id,
                paymentReceivedAt: data.receivedAt,
              },
            },
          });
          message.success(t('paymentPosted', { count: outcome.instanceIds?.length ?? 0 }));
        } catch (e) {
          if (e instanceof ApiError && (e.code === 'message.no_match' || e.status === 403))
            message.info(t('paymentNoFlow'));
          else message.warning((e as Error).message);
        }
      } else message.success(t('recordCreated'));
      setAction(null);
      await Promise.all([load(), collab.reload()]);
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        setActionErrors(e.errors.length ? e.errors : [{ pointer: '', message: e.problem.detail ?? e.code }]);
        setActionRefused(data);
      } else message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // The server's timeline has the case's own changes, process steps, comments and files; the
  // page adds the records filed under the case (contacts, promises, payments...).
  const relatedEvents = useMemo(() => {
    const items: { at: string; text: string; color?: string }[] = [];
    for (const r of RELATED) {
      const rel = related[r.key];
      if (!rel?.version) continue;
      const title = pickText(rel.version.title, locale, r.key);
      for (const rec of rel.records)
        items.push({ at: rec.createdAt, text: t('eventRecord', { form: title }), color: 'green' });
    }
    return items;
  }, [related, locale, t]);

  if (error)
    return (
      <Result
        status={error.status === 404 ? '404' : error.status === 403 ? '403' : 'error'}
        title={error.status === 404 || error.status === 403 ? t('notFound') : error.message}
        extra={<Link to="/cases">{t('back')}</Link>}
      />
    );
  if (!record || !caseForm) return <Spin description={t('loading')} />;

  const fields = formFields(caseForm, locale);
  const field = (name: string) => fields.find((f) => f.name === name);
  const fieldValue = (name: string) => record.data[name] ?? record.computed[`/${name}`];
  const money = (name: string) => {
    const v = fieldValue(name);
    return v === undefined ? '—' : formatMoney(v);
  };
  const headerTag = (name: string) => {
    const f = field(name);
    return f && record.data[name] !== undefined ? <FieldValue field={f} record={record} /> : null;
  };

  const relatedTable = (r: (typeof RELATED)[number]) => {
    const rel = related[r.key];
    if (!rel) return <Spin />;
    if (rel.error) return <Alert type="info" showIcon title={rel.error} />;
    if (!rel.version) return null;
    const relFields = formFields(rel.version, locale);
    const cols = r.columns
      .map((name) => relFields.find((f) => f.name === name))
      .filter((f): f is FieldInfo => f !== undefined);
    return (
      <Table<RecordView>
        size="small"
        rowKey="id"
        dataSource={rel.records}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t('nothingYet') }}
        scroll={{ x: 'max-content' }}
        columns={[
          ...cols.map((f, i) => ({
            title: f.title,
            key: f.pointer,
            render: (_: unknown, rec: RecordView) =>
              i === 0 ? (
                <Link to={`/records/${rec.id}`}>
                  <FieldValue field={f} record={rec} />
                </Link>
              ) : (
                <FieldValue field={f} record={rec} />
              ),
          })),
          {
            title: t('createdAt'),
            key: 'createdAt',
            render: (_: unknown, rec: RecordView) => formatDateTime(rec.createdAt),
          },
        ]}
      />
    );
  };

  const actionLabel: Record<Action, MessageKey> = {
    'contact-attempt': 'logContact',
    'promise-to-pay': 'recordPromise',
    payment: 'recordPayment',
  };

  return (
    <div data-testid="case-workspace">
      <PageTitle
        extra={
          can('records.create') && (
            <>
              <Button icon={<PhoneOutlined />} onClick={() => openAction('contact-attempt')}>
                {t('logContact')}
              </Button>
              <Button icon={<FileDoneOutlined />} onClick={() => openAction('promise-to-pay')}>
                {t('recordPromise')}
              </Button>
              <Button type="primary" icon={<DollarOutlined />} onClick={() => openAction('payment')}>
                {t('recordPayment')}
              </Button>
            </>
          )
        }
      >
        <Space wrap>
          {t('caseTitle', { number: caseNumber })}
          {headerTag('status')}
          {headerTag('stage')}
          {headerTag('mBucket')}
        </Space>
      </PageTitle>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card
            size="small"
            title={t('balances')}
            style={{ marginBottom: 16 }}
            extra={
              can('records.edit') && (
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  onClick={() => navigate(`/records/${record.id}`)}
                >
                  {t('detail')}
                </Button>
              )
            }
          >
            <Row gutter={[16, 8]} data-testid="balances">
              {(['principal', 'interest', 'fees', 'costs', 'paid', 'totalDue', 'balance'] as const).map(
                (name) => (
                  <Col key={name} xs={12} sm={8} md={6} xl={{ flex: '14%' }}>
                    <Statistic
                      title={field(name)?.title ?? name}
                      value={money(name)}
                      styles={{
                        content: {
                          fontSize: name === 'balance' ? 22 : 16,
                          color: name === 'balance' ? '#cf1322' : undefined,
                        },
                      }}
                      suffix={
                        name === 'balance' && currency ? (
                          <span style={{ fontSize: 12 }}>{currency}</span>
                        ) : undefined
                      }
                    />
                  </Col>
                ),
              )}
            </Row>
          </Card>
          <Card size="small" style={{ marginBottom: 16 }}>
            <Tabs
              items={RELATED.map((r) => ({
                key: r.key,
                label: `${t(r.label)} (${related[r.key]?.records.length ?? 0})`,
                children: relatedTable(r),
              }))}
            />
          </Card>
          <CommentsPanel collab={collab} />
          <CaseTimeline
            collab={collab}
            local={relatedEvents}
            fieldTitle={(name) => field(name)?.title ?? name}
          />
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('debtor')} style={{ marginBottom: 16 }} data-testid="debtor">
            <Descriptions size="small" column={1}>
              {(
                [
                  'debtorNo',
                  'debtorName',
                  'jurisdiction',
                  'product',
                  'accountNumber',
                  'dueDate',
                  'daysPastDue',
                ] as const
              ).map((name) => {
                const f = field(name);
                return f ? (
                  <Descriptions.Item key={name} label={f.title}>
                    <FieldValue field={f} record={record} />
                  </Descriptions.Item>
                ) : null;
              })}
            </Descriptions>
            {debtor === undefined ? (
              <Spin size="small" />
            ) : debtor === null ? (
              <span style={{ color: '#8c8c8c' }}>{t('noDebtor')}</span>
            ) : (
              <Link to={`/records/${debtor.record.id}`}>{pickText(debtor.version.title, locale)} →</Link>
            )}
          </Card>
          <AttachmentsPanel collab={collab} canUpload={can('records.edit')} />
          <Card size="small" title={t('instances')} data-testid="flows">
            {flows === null ? (
              <Spin size="small" />
            ) : flows.filter((f) => f.view.instance.status === 'running').length === 0 ? (
              <span style={{ color: '#8c8c8c' }}>{t('nothingYet')}</span>
            ) : (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {flows
                  .filter((f) => f.view.instance.status === 'running')
                  .map((f) => (
                    <div key={f.view.instance.id}>
                      <strong>{f.view.instance.processKey}</strong>{' '}
                      <span style={{ color: '#8c8c8c' }}>
                        {t('startedAt')} {formatDateTime(f.view.instance.createdAt)}
                      </span>
                      <div>
                        {t('currentStep')}:{' '}
                        {f.steps.map((s) => (
                          <Tag key={s} color="processing">
                            {s}
                          </Tag>
                        ))}
                      </div>
                    </div>
                  ))}
              </Space>
            )}
          </Card>
        </Col>
      </Row>
      <Drawer
        open={action !== null}
        onClose={() => setAction(null)}
        size={720}
        title={action ? t(actionLabel[action]) : ''}
        destroyOnHidden
      >
        {action && !actionForm && <Spin />}
        {action && actionForm && (
          <FormRenderer
            key={action}
            idPrefix={action.replaceAll('-', '_')}
            version={actionForm}
            initialData={initialFor(action)}
            serverErrors={actionErrors}
            refusedData={actionRefused}
            onSubmit={submitAction}
            busy={busy}
            submitLabel={t('save')}
            actions={<Button onClick={() => setAction(null)}>{t('cancel')}</Button>}
          />
        )}
      </Drawer>
    </div>
  );
}
