import { LockOutlined, PaperClipOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import type { FormVersion, RecordView } from '../api/types';
import { formatBytes } from '../collaboration/collab.api';
import { useLocale } from '../i18n/locale.context';
import type { Locale } from '../i18n/messages';
import { downloadUrlOf, isFileReference } from './file.field';
import { enumLabels, fieldTitles } from './localize-form';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface FieldInfo {
  pointer: string;
  name: string;
  title: string;
  schema: Json;
  kind:
    | 'string'
    | 'number'
    | 'boolean'
    | 'decimal'
    | 'date'
    | 'date-time'
    | 'enum'
    | 'object'
    | 'array'
    | 'file';
  sensitive: boolean;
  computed: boolean;
  indexed: boolean;
}

function kindOf(schema: Json): FieldInfo['kind'] {
  const types = new Set((Array.isArray(schema.type) ? schema.type : [schema.type]).filter(Boolean));
  if (Array.isArray(schema.enum)) return 'enum';
  if (schema['x-field'] === 'file') return 'file';
  if (types.has('array')) return 'array';
  if (types.has('object') || isObject(schema.properties)) return 'object';
  if (types.has('number') || types.has('integer')) return 'number';
  if (types.has('boolean')) return 'boolean';
  if (schema.format === 'decimal') return 'decimal';
  if (schema.format === 'date') return 'date';
  if (schema.format === 'date-time') return 'date-time';
  return 'string';
}

/** Top-level fields of a form version in display order (ui:order), with labels in the UI language. */
export function formFields(
  version: Pick<FormVersion, 'schema' | 'uiSchema' | 'metadata'>,
  locale: Locale,
): FieldInfo[] {
  const props = isObject(version.schema.properties) ? version.schema.properties : {};
  const titles = fieldTitles(version.schema, locale);
  const order = Array.isArray(version.uiSchema?.['ui:order'])
    ? (version.uiSchema['ui:order'] as string[])
    : [];
  const names = [
    ...order.filter((n) => n !== '*' && Object.hasOwn(props, n)),
    ...Object.keys(props).filter((n) => !order.includes(n)),
  ];
  const sensitive = new Set(version.metadata?.sensitive ?? []);
  const computed = new Set((version.metadata?.computed ?? []).map((c) => c.pointer));
  const indexed = new Set(version.metadata?.indexed ?? []);
  return names
    .filter((name) => isObject(props[name]))
    .map((name) => {
      const pointer = `/${name}`;
      const schema = props[name] as Json;
      return {
        pointer,
        name,
        title: titles.get(pointer) ?? name,
        schema,
        kind: kindOf(schema),
        sensitive: sensitive.has(pointer),
        computed: computed.has(pointer),
        indexed: indexed.has(pointer),
      };
    });
}

/** A value as plain text (CSV, timeline): enum labels, yes/no, dates as written. */
export function valueText(field: FieldInfo, value: unknown, locale: Locale): string {
  if (value === undefined || value === null) return '';
  if (field.kind === 'enum') return enumLabels(field.schema, locale)?.get(value) ?? String(value);
  if (typeof value === 'boolean')
    return value ? (locale === 'zh-CN' ? '是' : 'Yes') : locale === 'zh-CN' ? '否' : 'No';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A field value in a table or a detail view; masked values say so. */
export function FieldValue({
  field,
  record,
}: {
  field: FieldInfo;
  record: Pick<RecordView, 'data' | 'masked'>;
}) {
  const { t, locale, formatDate, formatDateTime, formatMoney } = useLocale();
  const value = record.data?.[field.name];
  if (record.masked?.includes(field.pointer))
    return (
      <Tooltip title={t('masked')}>
        <span className="cf-masked" data-masked="true">
          <LockOutlined /> {String(value ?? '')}
        </span>
      </Tooltip>
    );
  if (value === undefined || value === null || value === '')
    return <span style={{ color: '#bfbfbf' }}>—</span>;
  switch (field.kind) {
    case 'enum':
      return <Tag>{valueText(field, value, locale)}</Tag>;
    case 'decimal':
      return <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatMoney(value)}</span>;
    case 'date':
      return <span>{formatDate(String(value))}</span>;
    case 'date-time':
      return <span>{formatDateTime(String(value))}</span>;
    case 'boolean':
      return <span>{value ? t('yes') : t('no')}</span>;
    case 'file':
      return <FileLinks value={value} />;
    case 'object':
    case 'array':
      return <ObjectValue value={value} />;
    default:
      return <span>{String(value)}</span>;
  }
}

/** Attached files as downloads through the permission-checked, audited endpoint. */
function FileLinks({ value }: { value: unknown }) {
  const { locale } = useLocale();
  const files = Array.isArray(value) ? value.filter(isFileReference) : [];
  return (
    <span className="cf-file-links">
      {files.map((f) => (
        <a key={f.id} href={downloadUrlOf(f.id)} download={f.name} data-testid="file-link">
          <PaperClipOutlined /> {f.name} <span className="cf-file-size">({formatBytes(locale, f.size)})</span>
        </a>
      ))}
    </span>
  );
}

function ObjectValue({ value }: { value: unknown }) {
  if (Array.isArray(value))
    return (
      <span>{value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')}</span>
    );
  if (isObject(value))
    return (
      <span>
        {Object.entries(value)
          .filter(([, v]) => v !== undefined && v !== null && v !== '')
          .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
          .join('; ')}
      </span>
    );
  return <span>{String(value)}</span>;
}
