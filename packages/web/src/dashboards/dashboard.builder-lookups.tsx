import { DeleteOutlined } from '@ant-design/icons';
import { Button, Select } from 'antd';
import type { FormSummary } from '../api/types';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import { type BuilderLookup, type FieldChoice, KEY_KINDS, lookupIdFor } from './dashboard.builder-model';

/**
 * A lookup: each row of the dataset finds the record of another form whose field matches one of
 * its own (a payment's case number → the debt case with that case number); that form's fields
 * then appear in every field picker.
 */
export function LookupEditor({
  index,
  lookup,
  others,
  forms,
  base,
  target,
  invalid,
  onChange,
  onRemove,
}: {
  index: number;
  lookup: BuilderLookup;
  /** The other lookups, whose ids this one must not take. */
  others: readonly BuilderLookup[];
  forms: readonly FormSummary[];
  /** The dataset's fields (what to match from). */
  base: readonly FieldChoice[];
  /** The looked-up form's fields, once loaded (what to match to). */
  target: readonly FieldChoice[] | undefined;
  invalid: boolean;
  onChange(lookup: BuilderLookup): void;
  onRemove(): void;
}) {
  const { t, locale } = useLocale();
  const name = t('dashLookupN', { n: index + 1 });
  const keys = (choices: readonly FieldChoice[]) =>
    choices
      .filter((c) => KEY_KINDS.includes(c.kind))
      .map((c) => ({ value: c.field, label: c.label[locale] }));
  const status = (missing: boolean) => (invalid && missing ? ('warning' as const) : undefined);
  // Another form has other fields: the matching field is picked again.
  const pickForm = (form: string) => onChange({ id: lookupIdFor(form, others), form, from: lookup.from });
  return (
    <fieldset className="cf-dash-card" aria-label={name} data-testid={`builder-lookup-${index}`}>
      <legend className="cf-dash-card-title">{name}</legend>
      <div className="cf-dash-card-row">
        <div className="cf-dash-field cf-dash-field-wide">
          <span>{t('dashLookupForm')}</span>
          <Select
            aria-label={t('dashLookupForm')}
            showSearch={{ optionFilterProp: 'label' }}
            status={status(!lookup.form)}
            value={lookup.form}
            onChange={pickForm}
            options={forms
              .filter((f) => f.latestVersion !== null)
              .map((f) => ({ value: f.key, label: pickText(f.title, locale, f.key) }))}
          />
        </div>
        <div className="cf-dash-field cf-dash-field-wide">
          <span>{t('dashLookupFrom')}</span>
          <Select
            aria-label={t('dashLookupFrom')}
            showSearch={{ optionFilterProp: 'label' }}
            status={status(!lookup.from)}
            value={lookup.from}
            onChange={(from: string) => onChange({ ...lookup, from })}
            options={keys(base)}
          />
        </div>
        <div className="cf-dash-field cf-dash-field-wide">
          <span>{t('dashLookupTo')}</span>
          <Select
            aria-label={t('dashLookupTo')}
            showSearch={{ optionFilterProp: 'label' }}
            status={status(!lookup.to)}
            loading={lookup.form !== undefined && target === undefined}
            disabled={!lookup.form}
            value={lookup.to}
            onChange={(to: string) => onChange({ ...lookup, to })}
            options={keys(target ?? [])}
          />
        </div>
        <Button
          type="text"
          danger
          icon={<DeleteOutlined />}
          aria-label={`${t('dashRemove')}: ${name}`}
          onClick={onRemove}
          className="cf-dash-card-remove"
        />
      </div>
    </fieldset>
  );
}
