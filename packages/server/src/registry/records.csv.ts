import type { Locale } from '@collectflow/schema';
import type { RecordView } from './registry.views.js';

export interface CsvColumn {
  key: string;
  title: string;
}

/**
 * The columns of a form's CSV export: one per top-level field, titled in the caller's language
 * (the field's x-i18n title, else its title, else its key). Nested objects and arrays go into
 * their column as JSON: a flat sheet of a repeating group would lose which row belongs to which.
 */
export function csvColumnsOf(schema: Record<string, unknown>, locale: Locale): CsvColumn[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties).map(([key, field]) => {
    const i18n = field['x-i18n'] as Record<string, { title?: string }> | undefined;
    const title = i18n?.[locale]?.title ?? (typeof field.title === 'string' ? field.title : key);
    return { key, title };
  });
}

export function csvRowOf(record: RecordView, columns: readonly CsvColumn[]): unknown[] {
  const data = (record.data ?? {}) as Record<string, unknown>;
  return [
    record.id,
    ...columns.map((c) => data[c.key] ?? record.computed?.[c.key]),
    record.formVersion,
    record.version,
    record.createdAt,
    record.updatedAt,
  ];
}

export function csvHeaderOf(columns: readonly CsvColumn[], locale: Locale): string[] {
  const zh = locale === 'zh-CN';
  return [
    'id',
    ...columns.map((c) => c.title),
    zh ? '表单版本' : 'form version',
    zh ? '记录版本' : 'record version',
    zh ? '创建时间' : 'created at',
    zh ? '更新时间' : 'updated at',
  ];
}
