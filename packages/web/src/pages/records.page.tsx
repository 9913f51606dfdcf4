import {
  DownloadOutlined,
  LeftOutlined,
  PlusOutlined,
  ReloadOutlined,
  RightOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Input,
  Result,
  Select,
  Space,
  Table,
  type TableColumnsType,
  type TablePaginationConfig,
  Tag,
} from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, downloadFile, query } from '../api/client';
import { loadFormVersion } from '../api/forms.api';
import type { FormVersion, Page, RecordView } from '../api/types';
import { useSession } from '../auth/session.context';
import { type FieldInfo, FieldValue, formFields, valueText } from '../forms/field-display';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { PageTitle } from '../shell/app-shell';
import { useToast } from '../shell/toast';

type Op = 'eq' | 'contains' | 'gt' | 'gte' | 'lt' | 'lte';
interface Filter {
  pointer: string;
  op: Op;
  value: string;
}

const OP_LABEL: Record<Op, MessageKey> = {
  eq: 'opEq',
  contains: 'opContains',
  gt: 'opGt',
  gte: 'opGte',
  lt: 'opLt',
  lte: 'opLte',
};

function opsFor(field: FieldInfo | undefined): Op[] {
  if (!field) return ['eq'];
  if (field.kind === 'string') return ['eq', 'contains'];
  if (field.kind === 'boolean' || field.kind === 'enum') return ['eq'];
  if (field.kind === 'array') return ['contains'];
  return ['eq', 'gt', 'gte', 'lt', 'lte'];
}

const filterParam = (f: Filter) => `${f.pointer}:${f.op}:${f.value}`;

/** Which columns a list shows: the indexed scalar fields first, then others, at most seven. */
function listColumns(fields: FieldInfo[]): FieldInfo[] {
  const scalar = fields.filter((f) => f.kind !== 'object' && f.kind !== 'array');
  const indexed = scalar.filter((f) => f.indexed || f.computed);
  return [...indexed, ...scalar.filter((f) => !indexed.includes(f))].slice(0, 7);
}

export default function RecordsPage({ formKey }: { formKey?: string }) {
  const params = useParams();
  const key = formKey ?? params.key ?? '';
  const isCases = formKey === 'debt-case';
  const { t, locale, formatDateTime } = useLocale();
  const { can } = useSession();
  const { message } = useToast();
  const navigate = useNavigate();
  const [form, setForm] = useState<FormVersion | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filter[]>([]);
  const [draft, setDraft] = useState<Filter>({ pointer: '', op: 'eq', value: '' });
  const [sort, setSort] = useState('-createdAt');
  const [limit, setLimit] = useState(20);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [pageIndex, setPageIndex] = useState(0);
  const [page, setPage] = useState<Page<RecordView> | null>(null);
  const [loading, setLoading] = useState(false);
  const [listError, setListError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    setForm(null);
    setFilters([]);
    setSort('-createdAt');
    setCursors([null]);
    setPageIndex(0);
    loadFormVersion(key, null).then(setForm, (e: Error) => setFormError(e.message));
  }, [key]);

  const fields = useMemo(() => (form ? formFields(form, locale) : []), [form, locale]);
  const columnsShown = useMemo(() => listColumns(fields), [fields]);
  const mayUseSensitive = can('sensitive.view');
  const filterable = fields.filter((f) => f.kind !== 'object' && (!f.sensitive || mayUseSensitive));

  const listPath = (cursor: string | null, size: number) =>
    `/api/forms/${encodeURIComponent(key)}/records${query({
      filter: filters.map(filterParam),
      sort,
      limit: size,
      cursor: cursor ?? undefined,
    })}`;

  // biome-ignore lint/correctness/useExhaustiveDependencies: listPath is derived from the listed state
  useEffect(() => {
    if (!form) return;
    let live = true;
    setLoading(true);
    api<Page<RecordView>>(listPath(cursors[pageIndex] ?? null, limit))
      .then((p) => {
        if (!live) return;
        setPage(p);
        setListError(null);
      })
      .catch((e: Error) => live && setListError(e.message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [form, filters, sort, limit, cursors, pageIndex, key]);

  const restart = () => {
    setCursors([null]);
    setPageIndex(0);
  };

  const addFilter = () => {
    if (!draft.pointer || draft.value === '') return;
    if (filters.some((f) => filterParam(f) === filterParam(draft))) return;
    setFilters([...filters, draft]);
    setDraft({ pointer: draft.pointer, op: draft.op, value: '' });
    restart();
  };

  // The server builds the file: it masks and scopes rows as the list does, and audits the export.
  const exportCsv = async () => {
    if (!form) return;
    setExporting(true);
    try {
      const path = `/api/forms/${encodeURIComponent(key)}/records/export.csv${query({
        filter: filters.map(filterParam),
        sort,
      })}`;
      const headers = await downloadFile(path, `${key}.csv`);
      message.success(
        t(headers.get('x-collectflow-truncated') === 'true' ? 'exportTruncated' : 'exportDone'),
      );
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setExporting(false);
    }
  };

  if (formError) return <Result status="warning" title={formError} />;

  const columns: TableColumnsType<RecordView> = [
    ...columnsShown.map((f, i) => ({
      title: f.title,
      key: f.pointer,
      sorter: !f.sensitive || mayUseSensitive,
      sortOrder:
        sort === f.pointer ? ('ascend' as const) : sort === `-${f.pointer}` ? ('descend' as const) : null,
      render: (_: unknown, record: RecordView) =>
        i === 0 ? (
          <Link to={isCases || key === 'debt-case' ? `/cases/${record.id}` : `/records/${record.id}`}>
            <FieldValue field={f} record={record} />
          </Link>
        ) : (
          <FieldValue field={f} record={record} />
        ),
    })),
    {
      title: t('updatedAt'),
      key: 'updatedAt',
      sorter: true,
      sortOrder: sort === 'updatedAt' ? 'ascend' : sort === '-updatedAt' ? 'descend' : null,
      render: (_, record) => formatDateTime(record.updatedAt),
      responsive: ['lg'],
    },
  ];

  const onTableChange = (
    _p: TablePaginationConfig,
    _f: unknown,
    sorter: SorterResult<RecordView> | SorterResult<RecordView>[],
  ) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const column = String(s?.columnKey ?? '');
    const next = !s?.order || !column ? '-createdAt' : `${s.order === 'descend' ? '-' : ''}${column}`;
    if (next !== sort) {
      setSort(next);
      restart();
    }
  };

  const fieldByPointer = (p: string) => fields.find((f) => f.pointer === p);
  const draftField = fieldByPointer(draft.pointer);
  const title = form ? pickText(form.title, locale, key) : key;

  return (
    <div>
      <PageTitle
        extra={
          <>
            {can('records.create') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/forms/${key}/new`)}>
                {t('newRecord')}
              </Button>
            )}
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportCsv} disabled={!form}>
              {exporting ? t('exporting') : t('exportCsv')}
            </Button>
          </>
        }
      >
        {isCases ? t('navCases') : title}
      </PageTitle>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap align="center" aria-label={t('filter')}>
          <Select
            aria-label={t('field')}
            placeholder={t('field')}
            style={{ minWidth: 180 }}
            value={draft.pointer || undefined}
            onChange={(pointer: string) =>
              setDraft({ pointer, op: opsFor(fieldByPointer(pointer))[0] ?? 'eq', value: '' })
            }
            options={filterable.map((f) => ({ value: f.pointer, label: f.title }))}
            showSearch={{ optionFilterProp: 'label' }}
          />
          <Select
            aria-label={t('operator')}
            style={{ minWidth: 120 }}
            value={draft.op}
            onChange={(op: Op) => setDraft({ ...draft, op })}
            options={opsFor(draftField).map((op) => ({ value: op, label: t(OP_LABEL[op]) }))}
          />
          {draftField?.kind === 'enum' ? (
            <Select
              aria-label={t('value')}
              style={{ minWidth: 160 }}
              value={draft.value || undefined}
              onChange={(value: string) => setDraft({ ...draft, value })}
              options={(draftField.schema.enum as unknown[]).map((v) => ({
                value: String(v),
                label: valueText(draftField, v, locale),
              }))}
            />
          ) : (
            <Input
              aria-label={t('value')}
              placeholder={t('value')}
              style={{ width: 180 }}
              value={draft.value}
              onChange={(e) => setDraft({ ...draft, value: e.target.value })}
              onPressEnter={addFilter}
            />
          )}
          <Button onClick={addFilter} disabled={!draft.pointer || draft.value === ''}>
            {t('addFilter')}
          </Button>
          {filters.map((f, i) => (
            <Tag
              key={filterParam(f)}
              closable
              onClose={() => {
                setFilters(filters.filter((_, j) => j !== i));
                restart();
              }}
              color="processing"
            >
              {fieldByPointer(f.pointer)?.title ?? f.pointer} {t(OP_LABEL[f.op])} {f.value}
            </Tag>
          ))}
          {filters.length > 0 && (
            <Button
              type="link"
              onClick={() => {
                setFilters([]);
                restart();
              }}
            >
              {t('clearFilters')}
            </Button>
          )}
        </Space>
      </Card>
      {listError && <Alert type="error" showIcon title={listError} style={{ marginBottom: 12 }} />}
      <Table<RecordView>
        rowKey="id"
        size="middle"
        loading={loading || !form}
        columns={columns}
        dataSource={page?.items ?? []}
        onChange={onTableChange}
        pagination={false}
        locale={{ emptyText: t('noRecords') }}
        scroll={{ x: 'max-content' }}
        data-testid="records-table"
      />
      <Space style={{ marginTop: 12 }} wrap>
        <Button
          icon={<LeftOutlined />}
          disabled={pageIndex === 0}
          onClick={() => setPageIndex(pageIndex - 1)}
        >
          {t('prevPage')}
        </Button>
        <span aria-live="polite">{pageIndex + 1}</span>
        <Button
          disabled={!page?.nextCursor}
          onClick={() => {
            const next = [...cursors.slice(0, pageIndex + 1), page?.nextCursor ?? null];
            setCursors(next);
            setPageIndex(pageIndex + 1);
          }}
        >
          {t('nextPage')} <RightOutlined />
        </Button>
        <Select
          aria-label={t('pageSize')}
          value={limit}
          onChange={(v: number) => {
            setLimit(v);
            restart();
          }}
          options={[20, 50, 100, 200].map((n) => ({ value: n, label: `${t('pageSize')} ${n}` }))}
        />
        <Button icon={<ReloadOutlined />} onClick={() => setCursors([...cursors])}>
          {t('refresh')}
        </Button>
      </Space>
    </div>
  );
}
