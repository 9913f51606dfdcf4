import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Select, Tag } from 'antd';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { FilterRow } from './dashboard.builder-filter';
import {
  AGGREGATE_OPS,
  type AggregateOp,
  type BuilderMeasure,
  type BuilderState,
  emptyFilter,
  type FieldChoice,
  fieldKindsFor,
  type KeptText,
} from './dashboard.builder-model';

/** A reopened part with what it describes changed: its saved label and format no longer fit. */
export function withoutKept<T extends { kept?: KeptText }>(part: T): T {
  const { kept: _, ...rest } = part;
  return rest as T;
}

/** A measure's display name in the UI language: "Measure 2 · Sum of Amount". */
export function measureName(
  measure: BuilderMeasure,
  index: number,
  choices: readonly FieldChoice[],
  t: (key: MessageKey, params?: Record<string, string | number>) => string,
  locale: 'zh-CN' | 'en',
): string {
  const op = t(`dashOp.${measure.op}` as MessageKey);
  const field = choices.find((c) => c.field === measure.field)?.label[locale];
  const what = field && measure.op !== 'count' ? t('dashMeasureOf', { op, field }) : op;
  return `${t('dashMeasureN', { n: index + 1 })} · ${what}`;
}

/** One measure: its aggregate, the field it aggregates and the conditions on the rows it counts. */
export function MeasureEditor({
  index,
  measure,
  choices,
  problemAt,
  removable,
  onChange,
  onRemove,
}: {
  index: number;
  measure: BuilderMeasure;
  choices: readonly FieldChoice[];
  /** Whether a path under this measure ('field', 'filters/0/value') has a problem. */
  problemAt: (path: string) => boolean;
  removable: boolean;
  onChange(measure: BuilderMeasure): void;
  onRemove(): void;
}) {
  const { t, locale } = useLocale();
  const kinds = fieldKindsFor(measure.op);
  const name = t('dashMeasureN', { n: index + 1 });
  const setOp = (op: AggregateOp) => {
    const field = choices.find((c) => c.field === measure.field);
    onChange({
      ...withoutKept(measure),
      op,
      field: field && fieldKindsFor(op).includes(field.kind) ? field.field : undefined,
    });
  };
  return (
    <fieldset className="cf-dash-card" aria-label={name} data-testid={`builder-measure-${index}`}>
      <legend className="cf-dash-card-title">
        {name}
        {measure.filters.length > 0 && <Tag>{t('dashConditionsCount', { n: measure.filters.length })}</Tag>}
      </legend>
      <div className="cf-dash-card-row">
        <div className="cf-dash-field">
          <span>{t('dashAggregation')}</span>
          <Select
            aria-label={t('dashAggregation')}
            value={measure.op}
            onChange={setOp}
            options={AGGREGATE_OPS.map((o) => ({ value: o, label: t(`dashOp.${o}` as MessageKey) }))}
          />
        </div>
        {kinds.length > 0 && (
          <div className="cf-dash-field cf-dash-field-wide">
            <span>{t('dashMeasureField')}</span>
            <Select
              aria-label={t('dashMeasureField')}
              showSearch={{ optionFilterProp: 'label' }}
              status={problemAt('field') ? 'warning' : undefined}
              placeholder={t('dashFieldRequired')}
              value={measure.field}
              onChange={(field: string) => onChange({ ...withoutKept(measure), field })}
              options={choices
                .filter((c) => kinds.includes(c.kind))
                .map((c) => ({ value: c.field, label: c.label[locale] }))}
            />
          </div>
        )}
        {removable && (
          <Button
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={`${t('dashRemove')}: ${name}`}
            onClick={onRemove}
            className="cf-dash-card-remove"
          />
        )}
      </div>
      {measure.filters.map((filter, j) => (
        <FilterRow
          // Conditions have no identity but their place; removing one re-renders those after it.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          key={j}
          index={j}
          filter={filter}
          choices={choices}
          invalid={(part) => problemAt(`filters/${j}/${part}`)}
          onChange={(f) =>
            onChange({ ...measure, filters: measure.filters.map((x, k) => (k === j ? f : x)) })
          }
          onRemove={() => onChange({ ...measure, filters: measure.filters.filter((_, k) => k !== j) })}
        />
      ))}
      <Button
        size="small"
        type="dashed"
        icon={<PlusOutlined />}
        onClick={() => onChange({ ...measure, filters: [...measure.filters, emptyFilter()] })}
        aria-label={`${t('dashAddCondition')}: ${name}`}
        data-testid={`add-condition-${index}`}
      >
        {t('dashAddCondition')}
      </Button>
    </fieldset>
  );
}

/** The ratio of two measures, shown as a percentage. */
export function RatioEditor({
  ratio,
  measures,
  choices,
  invalid,
  onChange,
  onRemove,
}: {
  ratio: NonNullable<BuilderState['ratio']>;
  measures: readonly BuilderMeasure[];
  choices: readonly FieldChoice[];
  invalid: boolean;
  onChange(ratio: NonNullable<BuilderState['ratio']>): void;
  onRemove(): void;
}) {
  const { t, locale } = useLocale();
  const options = measures.map((m, i) => ({ value: m.id, label: measureName(m, i, choices, t, locale) }));
  const status = invalid ? ('warning' as const) : undefined;
  return (
    <fieldset className="cf-dash-card" aria-label={t('dashRatio')} data-testid="builder-ratio">
      <legend className="cf-dash-card-title">{t('dashRatio')}</legend>
      <div className="cf-dash-card-row">
        <div className="cf-dash-field cf-dash-field-wide">
          <span>{t('dashRatioNumerator')}</span>
          <Select
            aria-label={t('dashRatioNumerator')}
            status={status}
            value={ratio.numerator}
            onChange={(numerator: string) => onChange({ ...withoutKept(ratio), numerator })}
            options={options}
          />
        </div>
        <span className="cf-dash-ratio-sign" aria-hidden="true">
          ÷
        </span>
        <div className="cf-dash-field cf-dash-field-wide">
          <span>{t('dashRatioDenominator')}</span>
          <Select
            aria-label={t('dashRatioDenominator')}
            status={status}
            value={ratio.denominator}
            onChange={(denominator: string) => onChange({ ...withoutKept(ratio), denominator })}
            options={options}
          />
        </div>
        <Button
          type="text"
          danger
          icon={<DeleteOutlined />}
          aria-label={`${t('dashRemove')}: ${t('dashRatio')}`}
          onClick={onRemove}
          className="cf-dash-card-remove"
        />
      </div>
      <div className="cf-dash-note">{t('dashRatioHint')}</div>
    </fieldset>
  );
}
