import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Select } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { FormSummary, Page } from '../api/types';
import { useApi } from '../api/use-api';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { useFieldChoices } from './dashboard.builder-fields';
import { FilterRow } from './dashboard.builder-filter';
import { LookupEditor } from './dashboard.builder-lookups';
import { MeasureEditor, RatioEditor, withoutKept } from './dashboard.builder-measures';
import {
  ADDABLE_TYPES,
  type BuilderDimension,
  type BuilderState,
  bucketKey,
  buildWidget,
  DIMENSION_KINDS,
  emptyFilter,
  type FieldChoice,
  initialState,
  isDateKind,
  lookupIdFor,
  MAX_LOOKUPS,
  MAX_MEASURES,
  nextMeasureId,
  pruneState,
  SINGLE_VALUE_TYPES,
} from './dashboard.builder-model';
import { PreviewPane, usePreview } from './dashboard.builder-preview';
import type { FilterValues } from './dashboard.filters';
import { localized } from './dashboard.format';
import { widgetId } from './dashboard.layout';
import type { DashboardDefinition, DateBucket, Localized, WidgetData, WidgetSpec } from './dashboard.types';

/**
 * Builds one widget without JSON: dataset, lookups to other forms, measures with conditions and a
 * ratio, one or two dimensions and the chart type, with a live preview from
 * POST /api/dashboards/query under the dashboard's filters. The state becomes a query in
 * dashboard.builder-model.ts; a saved widget reopens through dashboard.builder-reopen.ts.
 */
export function WidgetBuilder({
  definition,
  values,
  initial,
  onSave,
}: {
  definition: DashboardDefinition;
  /** The dashboard filters' values the preview applies. */
  values: FilterValues;
  /** A saved widget reopened: the builder starts from its state and title. */
  initial?: { state: BuilderState; title: Localized };
  /** The widget built (a new id; the caller keeps a reopened widget's id and place). */
  onSave(widget: WidgetSpec, preview: WidgetData | null): void;
}) {
  const { t, locale } = useLocale();
  const formsPage = useApi<Page<FormSummary>>('/api/forms?limit=200');
  const forms = useMemo(() => formsPage.data?.items ?? [], [formsPage.data]);
  const [state, setState] = useState<BuilderState>(() => initial?.state ?? initialState());
  const [titleZh, setTitleZh] = useState(initial?.title['zh-CN'] ?? '');
  const [titleEn, setTitleEn] = useState(initial?.title.en ?? '');
  const choices = useFieldChoices(state.dataset, state.lookups, forms);
  const update = (change: Partial<BuilderState>) => setState((s) => ({ ...s, ...change }));

  // Picks of fields no longer offered are dropped once the forms are loaded; the period follows
  // the dataset's first date, unless a reopened widget chose (follow is its choice of fields).
  useEffect(() => {
    if (!choices.ready) return;
    setState((s) => {
      const pruned = pruneState(s, choices.all, choices.base);
      if (pruned.periodField || pruned.follow) return pruned;
      const date = choices.base.find((c) => isDateKind(c.kind))?.field;
      return date ? { ...pruned, periodField: date } : pruned;
    });
  }, [choices]);

  const periodFilter = (definition.filters ?? []).find((f) => f.type === 'dateRange');
  const built = useMemo(
    () => buildWidget(state, { choices: choices.all, filters: definition.filters ?? [] }),
    [state, choices.all, definition.filters],
  );
  const problems = built.ok ? [] : built.problems;
  const problemAt = (path: string) => problems.some((p) => p.at === path || p.at.startsWith(`${path}/`));

  const previewTitle = t('dashPreview');
  const widget: WidgetSpec | null = useMemo(
    () =>
      built.ok
        ? {
            id: 'preview',
            title: { 'zh-CN': titleZh || previewTitle, en: titleEn || previewTitle },
            ...built.widget,
          }
        : null,
    [built, titleZh, titleEn, previewTitle],
  );
  const preview = usePreview(built.ok ? built.widget : null, definition, values);
  const currencyValue = values[(definition.filters ?? []).find((f) => f.type === 'currency')?.id ?? ''];
  const currency =
    (Array.isArray(currencyValue) ? currencyValue[0] : currencyValue) ??
    definition.filters?.find((f) => f.type === 'currency')?.default;

  const titleOk = titleZh.trim() !== '' && titleEn.trim() !== '';
  const add = () => {
    if (!widget || !titleOk) return;
    const id = widgetId(titleEn, new Set(definition.widgets.map((w) => w.id)));
    onSave(
      { ...widget, id, title: { 'zh-CN': titleZh.trim(), en: titleEn.trim() } },
      preview.data && !preview.error ? preview.data : null,
    );
  };

  const single = SINGLE_VALUE_TYPES.includes(state.type);
  const pivot = state.type === 'pivot';
  const setDimension = (i: 0 | 1, d: BuilderDimension) =>
    update({
      dimensions: (i === 0
        ? [d, state.dimensions[1]]
        : [state.dimensions[0], d]) as BuilderState['dimensions'],
    });
  const fieldOptions = (list: readonly FieldChoice[], kinds: readonly FieldChoice['kind'][]) =>
    list.filter((c) => kinds.includes(c.kind)).map((c) => ({ value: c.field, label: c.label[locale] }));

  return (
    <div className="cf-dash-builder" data-testid="widget-builder">
      <div className="cf-dash-card-row">
        <div className="cf-dash-field cf-dash-field-wide">
          <span>{t('dashDataset')}</span>
          <Select
            data-testid="builder-dataset"
            aria-label={t('dashDataset')}
            showSearch={{ optionFilterProp: 'label' }}
            status={problemAt('dataset') ? 'warning' : undefined}
            value={state.dataset}
            // Lookups match from the dataset's fields: another dataset starts without them.
            // A reopened widget's choices of fields and order were its dataset's.
            onChange={(dataset: string) =>
              update({ dataset, lookups: [], periodField: undefined, follow: undefined, order: undefined })
            }
            options={[
              {
                label: t('dashDatasetForms'),
                options: forms
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
        </div>
        <div className="cf-dash-field">
          <span>{t('dashChartType')}</span>
          <Select
            data-testid="builder-type"
            aria-label={t('dashChartType')}
            value={state.type}
            onChange={(type) => update({ type })}
            options={ADDABLE_TYPES.map((w) => ({ value: w, label: t(`dashType.${w}` as MessageKey) }))}
          />
        </div>
      </div>

      {state.dataset && (
        <section className="cf-dash-builder-section" aria-label={t('dashLookups')}>
          <h3 className="cf-dash-builder-heading">{t('dashLookups')}</h3>
          {state.lookups.length === 0 && <div className="cf-dash-note">{t('dashLookupHint')}</div>}
          {state.lookups.map((lookup, i) => (
            <LookupEditor
              key={lookup.id}
              index={i}
              lookup={lookup}
              others={state.lookups.filter((_, k) => k !== i)}
              forms={forms}
              base={choices.base}
              target={lookup.form ? choices.byForm.get(lookup.form) : undefined}
              invalid={problemAt(`lookups/${i}`)}
              onChange={(l) => update({ lookups: state.lookups.map((x, k) => (k === i ? l : x)) })}
              onRemove={() => update({ lookups: state.lookups.filter((_, k) => k !== i) })}
            />
          ))}
          {state.lookups.length < MAX_LOOKUPS && (
            <Button
              size="small"
              type="dashed"
              icon={<PlusOutlined />}
              data-testid="add-lookup"
              onClick={() =>
                update({ lookups: [...state.lookups, { id: lookupIdFor('lookup', state.lookups) }] })
              }
            >
              {t('dashAddLookup')}
            </Button>
          )}
        </section>
      )}

      <section className="cf-dash-builder-section" aria-label={t('dashMeasures')}>
        <h3 className="cf-dash-builder-heading">{t('dashMeasures')}</h3>
        {state.measures.map((measure, i) => (
          <MeasureEditor
            key={measure.id}
            index={i}
            measure={measure}
            choices={choices.all}
            problemAt={(path) => problemAt(`measures/${i}/${path}`)}
            removable={state.measures.length > 1}
            onChange={(m) => update({ measures: state.measures.map((x, k) => (k === i ? m : x)) })}
            onRemove={() => update({ measures: state.measures.filter((_, k) => k !== i) })}
          />
        ))}
        {state.ratio && (
          <RatioEditor
            ratio={state.ratio}
            measures={state.measures}
            choices={choices.all}
            invalid={problemAt('ratio')}
            onChange={(ratio) => update({ ratio })}
            onRemove={() => update({ ratio: null })}
          />
        )}
        <div className="cf-dash-builder-buttons">
          {state.measures.length < MAX_MEASURES && (
            <Button
              size="small"
              type="dashed"
              icon={<PlusOutlined />}
              data-testid="add-measure"
              onClick={() =>
                update({
                  measures: [
                    ...state.measures,
                    { id: nextMeasureId(state.measures), op: 'count', filters: [] },
                  ],
                })
              }
            >
              {t('dashAddMeasure')}
            </Button>
          )}
          {!state.ratio && state.measures.length >= 2 && (
            <Button
              size="small"
              type="dashed"
              icon={<PlusOutlined />}
              data-testid="add-ratio"
              onClick={() =>
                update({ ratio: { numerator: state.measures[0]?.id, denominator: state.measures[1]?.id } })
              }
            >
              {t('dashAddRatio')}
            </Button>
          )}
        </div>
      </section>

      {state.dataset && (
        <section className="cf-dash-builder-section" aria-label={t('dashRowConditions')}>
          <h3 className="cf-dash-builder-heading">{t('dashRowConditions')}</h3>
          {state.filters.length === 0 && <div className="cf-dash-note">{t('dashRowConditionsHint')}</div>}
          {state.filters.map((filter, j) => (
            <FilterRow
              // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
              key={j}
              index={j}
              filter={filter}
              choices={choices.all}
              invalid={(part) => problemAt(`filters/${j}/${part}`)}
              onChange={(f) => update({ filters: state.filters.map((x, k) => (k === j ? f : x)) })}
              onRemove={() => update({ filters: state.filters.filter((_, k) => k !== j) })}
            />
          ))}
          <Button
            size="small"
            type="dashed"
            icon={<PlusOutlined />}
            data-testid="add-row-condition"
            aria-label={`${t('dashAddCondition')}: ${t('dashRowConditions')}`}
            onClick={() => update({ filters: [...state.filters, emptyFilter()] })}
          >
            {t('dashAddCondition')}
          </Button>
        </section>
      )}

      <section className="cf-dash-builder-section" aria-label={t('dashDimensions')}>
        <h3 className="cf-dash-builder-heading">{t('dashDimensions')}</h3>
        <div className="cf-dash-card-row">
          {!single &&
            ([0, 1] as const)
              .filter((i) => i === 0 || pivot)
              .map((i) => {
                const label = pivot ? t(i === 0 ? 'dashPivotRows' : 'dashPivotColumns') : t('dashDimension');
                const d = state.dimensions[i];
                const kind = choices.all.find((c) => c.field === d.field)?.kind;
                return (
                  <div key={i} className="cf-dash-dimension">
                    <div className="cf-dash-field cf-dash-field-wide">
                      <span>{label}</span>
                      <Select
                        data-testid={i === 0 ? 'builder-dimension' : 'builder-dimension-columns'}
                        aria-label={label}
                        allowClear={!pivot}
                        showSearch={{ optionFilterProp: 'label' }}
                        status={problemAt(`dimensions/${i}`) ? 'warning' : undefined}
                        placeholder={pivot ? t('dashFieldRequired') : t('dashDimensionNone')}
                        value={d.field}
                        onChange={(field?: string) => setDimension(i, { ...withoutKept(d), field })}
                        options={fieldOptions(choices.all, DIMENSION_KINDS)}
                      />
                    </div>
                    {isDateKind(kind) && (
                      <div className="cf-dash-field">
                        <span>{`${label} · ${t('dashBucket')}`}</span>
                        <Select
                          aria-label={`${label} · ${t('dashBucket')}`}
                          value={d.bucket}
                          onChange={(bucket: DateBucket) => setDimension(i, { ...withoutKept(d), bucket })}
                          options={(['day', 'week', 'month'] as const).map((b) => ({
                            value: b,
                            label: t(bucketKey(b)),
                          }))}
                        />
                      </div>
                    )}
                  </div>
                );
              })}
          {periodFilter && (
            <div className="cf-dash-field cf-dash-field-wide">
              <span>{localized(periodFilter.label, locale)}</span>
              <Select
                data-testid="builder-period-field"
                aria-label={localized(periodFilter.label, locale)}
                allowClear
                value={state.periodField}
                onChange={(periodField?: string) => update({ periodField })}
                options={fieldOptions(choices.all, ['date', 'date-time'])}
              />
            </div>
          )}
        </div>
      </section>

      <div className="cf-dash-card-row">
        <div className="cf-dash-field cf-dash-field-wide">
          <span>{t('dashTitleZh')}</span>
          <Input
            data-testid="builder-title-zh"
            aria-label={t('dashTitleZh')}
            aria-required
            value={titleZh}
            maxLength={200}
            onChange={(e) => setTitleZh(e.target.value)}
          />
        </div>
        <div className="cf-dash-field cf-dash-field-wide">
          <span>{t('dashTitleEn')}</span>
          <Input
            data-testid="builder-title-en"
            aria-label={t('dashTitleEn')}
            aria-required
            value={titleEn}
            maxLength={200}
            onChange={(e) => setTitleEn(e.target.value)}
          />
        </div>
      </div>
      <h3 className="cf-dash-builder-heading">{t('dashPreview')}</h3>
      <PreviewPane
        definition={definition}
        widget={widget}
        preview={preview}
        problems={problems}
        currency={currency}
      />
      <div className="cf-dash-builder-actions">
        {!titleOk && widget && <span className="cf-dash-note">{t('dashTitleRequired')}</span>}
        <Button type="primary" disabled={!widget || !titleOk} onClick={add} data-testid="builder-add">
          {initial ? t('dashSaveWidget') : t('dashAddToDashboard')}
        </Button>
      </div>
    </div>
  );
}
