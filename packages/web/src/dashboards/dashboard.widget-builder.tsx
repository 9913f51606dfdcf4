import { Alert, Button, Form, Input, Select, Space } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api } from '../api/client';
import { loadFormVersion } from '../api/forms.api';
import type { FormSummary, FormVersion, Page } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session.context';
import { type FieldInfo, formFields } from '../forms/field-display';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import type { FilterValues } from './dashboard.filters';
import { localized } from './dashboard.format';
import { widgetId } from './dashboard.layout';
import type {
  DashboardDefinition,
  DateBucket,
  MeasureOp,
  ProcessDataset,
  QuerySpec,
  WidgetData,
  WidgetSpec,
  WidgetType,
} from './dashboard.types';
import { useLabeler, useWidgetLabelers } from './dashboard.view';
import { WidgetView } from './dashboard.widget';

type Kind = 'number' | 'date' | 'group';
interface Choice {
  field: string;
  label: string;
  kind: Kind;
}

// The process datasets' columns a widget can use (the server's DATASET_COLUMNS in the store).
const PROCESS_COLUMNS: Record<ProcessDataset, [string, Kind][]> = {
  tasks: [
    ['processKey', 'group'],
    ['name', 'group'],
    ['status', 'group'],
    ['elementId', 'group'],
    ['assignee', 'group'],
    ['formKey', 'group'],
    ['priority', 'number'],
    ['createdAt', 'date'],
    ['dueAt', 'date'],
    ['completedAt', 'date'],
  ],
  instances: [
    ['processKey', 'group'],
    ['status', 'group'],
    ['startedBy', 'group'],
    ['createdAt', 'date'],
    ['endedAt', 'date'],
  ],
  history: [
    ['processKey', 'group'],
    ['event', 'group'],
    ['elementType', 'group'],
    ['name', 'group'],
    ['actor', 'group'],
    ['at', 'date'],
  ],
};

const OPS: MeasureOp[] = ['count', 'sum', 'avg', 'min', 'max', 'countDistinct'];
const ADDABLE: WidgetType[] = ['kpi', 'bar', 'line', 'pie', 'donut', 'funnel', 'gauge', 'table'];
const MEASURE_LABEL: Record<string, { 'zh-CN': string; en: string }> = {
  count: { 'zh-CN': '数量', en: 'Count' },
  sum: { 'zh-CN': '合计', en: 'Sum' },
  avg: { 'zh-CN': '平均', en: 'Average' },
  min: { 'zh-CN': '最小', en: 'Minimum' },
  max: { 'zh-CN': '最大', en: 'Maximum' },
  countDistinct: { 'zh-CN': '去重数', en: 'Distinct' },
};

function kindOf(field: FieldInfo): Kind | null {
  if (field.kind === 'number' || field.kind === 'decimal') return 'number';
  if (field.kind === 'date' || field.kind === 'date-time') return 'date';
  if (field.kind === 'string' || field.kind === 'enum' || field.kind === 'boolean') return 'group';
  return null;
}

/**
 * Builds one widget: dataset, measure, dimension and chart type, with a live preview from
 * POST /api/dashboards/query under the dashboard's filters.
 */
export function WidgetBuilder({
  definition,
  values,
  onAdd,
}: {
  definition: DashboardDefinition;
  /** The dashboard filters' values the preview applies. */
  values: FilterValues;
  onAdd(widget: WidgetSpec, preview: WidgetData | null): void;
}) {
  const { t, locale } = useLocale();
  const { can } = useSession();
  const baseLabel = useLabeler();
  const forms = useApi<Page<FormSummary>>('/api/forms?limit=200');
  const [dataset, setDataset] = useState<string | undefined>(undefined);
  const [op, setOp] = useState<MeasureOp>('count');
  const [field, setField] = useState<string | undefined>(undefined);
  const [dimension, setDimension] = useState<string | undefined>(undefined);
  const [bucket, setBucket] = useState<DateBucket>('day');
  const [periodField, setPeriodField] = useState<string | undefined>(undefined);
  const [type, setType] = useState<WidgetType>('bar');
  const [titleZh, setTitleZh] = useState('');
  const [titleEn, setTitleEn] = useState('');
  const [version, setVersion] = useState<FormVersion | null>(null);
  const [preview, setPreview] = useState<{ data?: WidgetData; error?: ApiError; loading: boolean }>({
    loading: false,
  });

  const formKey = dataset?.startsWith('form:') ? dataset.slice(5) : undefined;
  const processSet = dataset?.startsWith('process:') ? (dataset.slice(8) as ProcessDataset) : undefined;

  useEffect(() => {
    setVersion(null);
    if (!formKey) return;
    let live = true;
    loadFormVersion(formKey, null).then(
      (v) => live && setVersion(v),
      () => live && setVersion(null),
    );
    return () => {
      live = false;
    };
  }, [formKey]);

  const choices: Choice[] = useMemo(() => {
    if (processSet)
      return PROCESS_COLUMNS[processSet].map(([name, kind]) => ({ field: `@${name}`, label: name, kind }));
    if (!version) return [];
    const seeSensitive = can('sensitive.view');
    return formFields(version, locale).flatMap((f) => {
      const kind = kindOf(f);
      if (!kind || (f.sensitive && !seeSensitive)) return [];
      return [{ field: f.pointer, label: f.title, kind }];
    });
  }, [processSet, version, locale, can]);

  // Fields that the (new) dataset does not have are dropped; the period follows its first date field.
  useEffect(() => {
    const has = (f: string | undefined) => f !== undefined && choices.some((c) => c.field === f);
    setField((f) => (has(f) ? f : undefined));
    setDimension((d) => (has(d) ? d : undefined));
    setPeriodField((p) => (has(p) ? p : choices.find((c) => c.kind === 'date')?.field));
  }, [choices]);

  const dimensionChoice = choices.find((c) => c.field === dimension);
  const needsField = op !== 'count';
  const periodFilter = (definition.filters ?? []).find((f) => f.type === 'dateRange');

  const query: QuerySpec | null = useMemo(() => {
    if (!dataset) return null;
    if (needsField && !field) return null;
    const measureLabel = MEASURE_LABEL[op] ?? { 'zh-CN': op, en: op };
    const fieldLabel = choices.find((c) => c.field === field)?.label;
    const follow: Record<string, string> = {};
    if (periodFilter && periodField) follow[periodFilter.id] = periodField;
    // Filters follow same-named fields of a form (a case's /team, a payment's /currency).
    for (const filter of definition.filters ?? []) {
      if (filter.type === 'dateRange' || filter.type === 'collector' || filter.type === 'bucket') continue;
      if (choices.some((c) => c.field === `/${filter.type}`)) follow[filter.id] = `/${filter.type}`;
    }
    return {
      dataset: formKey ? { form: formKey } : { process: processSet as ProcessDataset },
      measures: [
        {
          id: 'value',
          op,
          ...(needsField && field ? { field } : {}),
          label: fieldLabel
            ? { 'zh-CN': `${fieldLabel}${measureLabel['zh-CN']}`, en: `${measureLabel.en} of ${fieldLabel}` }
            : measureLabel,
        },
      ],
      ...(dimension
        ? {
            dimensions: [
              {
                id: 'group',
                field: dimension,
                ...(dimensionChoice?.kind === 'date' ? { bucket } : {}),
                ...(dimensionChoice
                  ? { label: { 'zh-CN': dimensionChoice.label, en: dimensionChoice.label } }
                  : {}),
              },
            ],
          }
        : {}),
      ...(Object.keys(follow).length > 0 ? { follow } : {}),
      ...(dimension && dimensionChoice?.kind !== 'date'
        ? { sort: [{ by: 'value', direction: 'desc' as const }], limit: 50 }
        : {}),
    };
  }, [
    dataset,
    needsField,
    field,
    op,
    choices,
    periodFilter,
    periodField,
    definition.filters,
    formKey,
    processSet,
    dimension,
    dimensionChoice,
    bucket,
  ]);

  const previewTitle = t('dashPreview');
  const widget: WidgetSpec | null = useMemo(
    () =>
      query
        ? {
            id: 'preview',
            type,
            title: { 'zh-CN': titleZh || previewTitle, en: titleEn || previewTitle },
            layout: {
              x: 0,
              y: 0,
              w: type === 'kpi' || type === 'gauge' ? 3 : 6,
              h: type === 'kpi' || type === 'gauge' ? 2 : 4,
            },
            query,
            ...(type === 'gauge' ? { value: 'value' } : {}),
            ...(type === 'kpi'
              ? { value: 'value', ...(periodFilter ? { compare: 'previousPeriod' as const } : {}) }
              : {}),
          }
        : null,
    [query, type, titleZh, titleEn, previewTitle, periodFilter],
  );

  const labelFor = useWidgetLabelers(widget ? [widget] : undefined, baseLabel);

  // The live preview, a moment after the last change.
  const ticket = useRef(0);
  const queryText = query ? JSON.stringify(query) : '';
  useEffect(() => {
    if (!queryText) {
      setPreview({ loading: false });
      return;
    }
    const mine = ++ticket.current;
    setPreview((p) => ({ ...p, loading: true }));
    const timer = setTimeout(() => {
      api<WidgetData>('/api/dashboards/query', {
        method: 'POST',
        json: {
          query: JSON.parse(queryText),
          filters: definition.filters ?? [],
          values,
          ...(definition.timeZone ? { timeZone: definition.timeZone } : {}),
        },
      }).then(
        (data) => mine === ticket.current && setPreview({ data, loading: false }),
        (e: unknown) =>
          mine === ticket.current &&
          setPreview({
            error:
              e instanceof ApiError
                ? e
                : new ApiError({ status: 0, code: 'client.error', detail: String(e) }),
            loading: false,
          }),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [queryText, definition.filters, definition.timeZone, values]);

  const previewData = useMemo(
    () => (preview.data && !preview.loading ? { ...preview.data, id: 'preview', type } : undefined),
    [preview, type],
  );
  const titleOk = titleZh.trim() !== '' && titleEn.trim() !== '';
  const fieldOptions = (kinds: Kind[]) =>
    choices.filter((c) => kinds.includes(c.kind)).map((c) => ({ value: c.field, label: c.label }));
  const add = () => {
    if (!widget || !titleOk) return;
    const id = widgetId(titleEn, new Set(definition.widgets.map((w) => w.id)));
    onAdd(
      { ...widget, id, title: { 'zh-CN': titleZh.trim(), en: titleEn.trim() } },
      preview.data && !preview.error ? preview.data : null,
    );
  };

  return (
    <div className="cf-dash-builder" data-testid="widget-builder">
      <Form layout="vertical" component="div">
        <Space wrap size="middle" align="start">
          <Form.Item label={t('dashDataset')} style={{ minWidth: 240 }}>
            <Select
              data-testid="builder-dataset"
              aria-label={t('dashDataset')}
              showSearch={{ optionFilterProp: 'label' }}
              value={dataset}
              onChange={setDataset}
              options={[
                {
                  label: t('dashDatasetForms'),
                  options: (forms.data?.items ?? [])
                    .filter((f) => f.latestVersion !== null)
                    .map((f) => ({ value: `form:${f.key}`, label: pickText(f.title, locale, f.key) })),
                },
                {
                  label: t('dashDatasetProcess'),
                  options: [
                    { value: 'process:tasks', label: t('dashDatasetTasks') },
                    { value: 'process:instances', label: t('dashDatasetInstances') },
                    { value: 'process:history', label: t('dashDatasetHistory') },
                  ],
                },
              ]}
            />
          </Form.Item>
          <Form.Item label={t('dashChartType')} style={{ minWidth: 160 }}>
            <Select
              data-testid="builder-type"
              aria-label={t('dashChartType')}
              value={type}
              onChange={setType}
              options={ADDABLE.map((w) => ({ value: w, label: t(`dashType.${w}` as MessageKey) }))}
            />
          </Form.Item>
        </Space>
        <Space wrap size="middle" align="start">
          <Form.Item label={t('dashMeasure')} style={{ minWidth: 160 }}>
            <Select
              data-testid="builder-op"
              aria-label={t('dashMeasure')}
              value={op}
              onChange={setOp}
              options={OPS.map((o) => ({ value: o, label: t(`dashOp.${o}` as MessageKey) }))}
            />
          </Form.Item>
          {needsField && (
            <Form.Item
              label={t('dashMeasureField')}
              style={{ minWidth: 220 }}
              validateStatus={field ? undefined : 'warning'}
              help={field ? undefined : t('dashFieldRequired')}
            >
              <Select
                data-testid="builder-field"
                aria-label={t('dashMeasureField')}
                value={field}
                onChange={setField}
                options={fieldOptions(op === 'countDistinct' ? ['group', 'number', 'date'] : ['number'])}
              />
            </Form.Item>
          )}
        </Space>
        <Space wrap size="middle" align="start">
          <Form.Item label={t('dashDimension')} style={{ minWidth: 240 }}>
            <Select
              data-testid="builder-dimension"
              aria-label={t('dashDimension')}
              allowClear
              placeholder={t('dashDimensionNone')}
              value={dimension}
              onChange={(v?: string) => setDimension(v)}
              options={fieldOptions(['group', 'date'])}
            />
          </Form.Item>
          {dimensionChoice?.kind === 'date' && (
            <Form.Item label={t('dashBucket')} style={{ minWidth: 120 }}>
              <Select
                aria-label={t('dashBucket')}
                value={bucket}
                onChange={setBucket}
                options={[
                  { value: 'day', label: t('dashBucketDay') },
                  { value: 'week', label: t('dashBucketWeek') },
                  { value: 'month', label: t('dashBucketMonth') },
                ]}
              />
            </Form.Item>
          )}
          {periodFilter && (
            <Form.Item label={localized(periodFilter.label, locale)} style={{ minWidth: 200 }}>
              <Select
                data-testid="builder-period-field"
                aria-label={localized(periodFilter.label, locale)}
                allowClear
                value={periodField}
                onChange={(v?: string) => setPeriodField(v)}
                options={fieldOptions(['date'])}
              />
            </Form.Item>
          )}
        </Space>
        <Space wrap size="middle" align="start">
          <Form.Item label={t('dashTitleZh')} required style={{ minWidth: 240 }}>
            <Input
              data-testid="builder-title-zh"
              value={titleZh}
              maxLength={200}
              onChange={(e) => setTitleZh(e.target.value)}
            />
          </Form.Item>
          <Form.Item label={t('dashTitleEn')} required style={{ minWidth: 240 }}>
            <Input
              data-testid="builder-title-en"
              value={titleEn}
              maxLength={200}
              onChange={(e) => setTitleEn(e.target.value)}
            />
          </Form.Item>
        </Space>
      </Form>
      <h3 className="cf-dash-builder-heading">{t('dashPreview')}</h3>
      <div
        className="cf-dash-preview"
        data-testid="widget-preview"
        data-loading={preview.loading ? 'true' : 'false'}
      >
        {!widget ? (
          <Alert type="info" showIcon title={t('dashPreviewHint')} />
        ) : preview.error ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={preview.error.problem.detail ?? preview.error.code}
            description={preview.error.errors.map((e) => e.message).join('; ') || undefined}
          />
        ) : (
          <WidgetView
            dashboardKey={definition.key}
            widget={widget}
            data={previewData}
            currency={undefined}
            label={labelFor(widget)}
          />
        )}
      </div>
      <div className="cf-dash-builder-actions">
        {!titleOk && widget && <span className="cf-dash-note">{t('dashTitleRequired')}</span>}
        <Button type="primary" disabled={!widget || !titleOk} onClick={add} data-testid="builder-add">
          {t('dashAddToDashboard')}
        </Button>
      </div>
    </div>
  );
}
