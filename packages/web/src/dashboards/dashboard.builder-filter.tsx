import { DeleteOutlined } from '@ant-design/icons';
import { Button, Input, Select } from 'antd';
import type { ReactNode } from 'react';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import {
  type BuilderFilter,
  type FieldChoice,
  type FilterOp,
  filterOpsFor,
  isListOp,
  isUnaryOp,
} from './dashboard.builder-model';

// The records page's comparison words where they exist; the rest are the dashboards'.
const OP_LABEL: Record<FilterOp, MessageKey> = {
  eq: 'opEq',
  ne: 'dashCmpNe',
  gt: 'opGt',
  gte: 'opGte',
  lt: 'opLt',
  lte: 'opLte',
  contains: 'opContains',
  in: 'dashCmpIn',
  notIn: 'dashCmpNotIn',
  isNull: 'dashCmpIsNull',
  notNull: 'dashCmpNotNull',
};

const PLACEHOLDER: Partial<Record<FieldChoice['kind'], string>> = {
  number: '100',
  decimal: '1000.00',
  date: 'YYYY-MM-DD',
  'date-time': '2025-06-01T00:00:00+08:00',
};

/** One condition: field, operator and the value(s) the field's kind takes. */
export function FilterRow({
  index,
  filter,
  choices,
  invalid,
  onChange,
  onRemove,
}: {
  index: number;
  filter: BuilderFilter;
  choices: readonly FieldChoice[];
  /** Which of 'field', 'op', 'value' have a problem. */
  invalid: (part: 'field' | 'op' | 'value') => boolean;
  onChange(filter: BuilderFilter): void;
  onRemove(): void;
}) {
  const { t, locale } = useLocale();
  const choice = choices.find((c) => c.field === filter.field);
  const ops = filterOpsFor(choice);
  const name = t('dashConditionN', { n: index + 1 });
  const pickField = (field: string) => {
    const next = choices.find((c) => c.field === field);
    const allowed = filterOpsFor(next);
    // A new field keeps the operator if it still applies; values of another field's kind do not carry over.
    onChange({
      field,
      op: allowed.includes(filter.op) ? filter.op : (allowed[0] ?? 'eq'),
      value: '',
      values: [],
    });
  };
  const status = (part: 'field' | 'op' | 'value') => (invalid(part) ? ('warning' as const) : undefined);

  let valueInput: ReactNode = null;
  if (choice && !isUnaryOp(filter.op)) {
    const options =
      choice.options?.map((o) => ({ value: o.value, label: o.label[locale] })) ??
      (choice.kind === 'boolean'
        ? [
            { value: 'true', label: t('yes') },
            { value: 'false', label: t('no') },
          ]
        : undefined);
    const common = {
      'aria-label': t('dashFilterValue'),
      'data-testid': 'filter-value',
      status: status('value'),
      className: 'cf-dash-filter-value',
    };
    if (isListOp(filter.op))
      valueInput = (
        <Select
          {...common}
          mode={options ? 'multiple' : 'tags'}
          value={filter.values}
          options={options}
          placeholder={t('dashFilterValuesHint')}
          onChange={(values: string[]) => onChange({ ...filter, values })}
          {...(options
            ? { showSearch: { optionFilterProp: 'label' } }
            : { open: false, tokenSeparators: [','] })}
        />
      );
    else if (options)
      valueInput = (
        <Select
          {...common}
          value={filter.value || undefined}
          options={options}
          onChange={(value: string) => onChange({ ...filter, value })}
        />
      );
    else
      valueInput = (
        <Input
          {...common}
          value={filter.value}
          placeholder={PLACEHOLDER[choice.kind]}
          maxLength={500}
          onChange={(e) => onChange({ ...filter, value: e.target.value })}
        />
      );
  }

  return (
    <fieldset className="cf-dash-filter-row" aria-label={name} data-testid={`condition-${index}`}>
      <Select
        aria-label={t('dashFilterField')}
        className="cf-dash-filter-field"
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('dashFilterField')}
        status={status('field')}
        value={filter.field}
        onChange={pickField}
        options={choices.map((c) => ({ value: c.field, label: c.label[locale] }))}
      />
      <Select
        aria-label={t('dashFilterOp')}
        className="cf-dash-filter-op"
        status={status('op')}
        value={filter.op}
        disabled={!choice}
        onChange={(op: FilterOp) =>
          onChange({
            ...filter,
            op,
            ...(isListOp(op) !== isListOp(filter.op) ? { value: '', values: [] } : {}),
          })
        }
        options={ops.map((op) => ({ value: op, label: t(OP_LABEL[op]) }))}
      />
      {valueInput}
      <Button
        type="text"
        size="small"
        danger
        icon={<DeleteOutlined />}
        aria-label={`${t('dashRemove')}: ${name}`}
        data-testid="remove-condition"
        onClick={onRemove}
      />
    </fieldset>
  );
}
