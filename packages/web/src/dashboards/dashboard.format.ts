import type { Locale } from '../i18n/messages';
import type { ColumnMeta, Localized, ValueFormat, WidgetData, WidgetSpec } from './dashboard.types';

/**
 * Numbers, money and percentages in the UI language. Decimal values arrive as exact strings
 * ("2300.00", ratios to 6 places); Intl.NumberFormat formats such strings without going through a
 * float, so money keeps its cents exactly.
 */
const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = new Intl.NumberFormat(locale, options);
    cache.set(key, hit);
  }
  return hit;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** A number or a decimal string as Intl takes it (strings keep every digit); null if not numeric. */
function numeric(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && NUMERIC.test(value)) return value as unknown as number;
  return null;
}

export function formatNumber(
  value: unknown,
  format: ValueFormat | undefined,
  locale: Locale,
  currency?: string,
): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = numeric(value);
  if (n === null) return String(value);
  switch (format) {
    case 'percent':
      return numberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(n);
    case 'money':
      return currency
        ? numberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(n)
        : numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
    case 'integer':
      return numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
    case 'duration': {
      const seconds = Math.round(Number(value));
      const m = Math.floor(Math.abs(seconds) / 60);
      const s = Math.abs(seconds) % 60;
      return `${seconds < 0 ? '-' : ''}${m}:${String(s).padStart(2, '0')}`;
    }
    default:
      return numberFormat(locale, { maximumFractionDigits: 2 }).format(n);
  }
}

/** The format a column is shown in: its measure's, or integer for counts. */
export function formatOf(column: ColumnMeta | undefined): ValueFormat | undefined {
  if (!column) return undefined;
  if (column.format) return column.format;
  return column.type === 'integer' ? 'integer' : undefined;
}

/** A date bucket's first day (YYYY-MM-DD) as the bucket: "Jun 2025", "Jun 2, 2025". */
export function formatBucket(value: unknown, bucket: ColumnMeta['bucket'], locale: Locale): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return String(value ?? '');
  const d = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  if (bucket === 'month')
    return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}

export function localized(text: Localized | undefined, locale: Locale, fallback = ''): string {
  if (!text) return fallback;
  return text[locale] || text.en || text['zh-CN'] || fallback;
}

export function columnLabel(column: ColumnMeta, widget: WidgetSpec | undefined, locale: Locale): string {
  if (column.label) return localized(column.label, locale, column.id);
  // Columns of the server's answer carry labels when the definition gave them; else the definition's.
  const q = widget?.query;
  const parts = q ? [q, ...(q.combine ?? [])] : [];
  for (const part of parts) {
    const found = [...(part.dimensions ?? []), ...part.measures].find((x) => x.id === column.id);
    if (found?.label) return localized(found.label, locale, column.id);
  }
  return column.id;
}

/** Turns a dimension value into its label (team names, yes/no, date buckets). */
export type DimensionLabeler = (column: ColumnMeta, value: unknown) => string;

/** The measures a chart shows: the widget's `show` list, else every measure column. */
export function shownMeasures(widget: WidgetSpec, data: WidgetData): ColumnMeta[] {
  const measures = (data.columns ?? []).filter((c) => c.role === 'measure');
  if (!widget.show) return measures;
  return widget.show.flatMap((id) => measures.filter((c) => c.id === id));
}

/**
 * The widget's data as CSV (RFC 4180, with a BOM so that spreadsheet programs read the Chinese
 * labels): a header of column labels, then the values exactly as the API sent them.
 */
export function widgetCsv(widget: WidgetSpec, data: WidgetData, locale: Locale): string {
  const columns = data.columns ?? [];
  const cell = (value: unknown): string => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.map((c) => cell(columnLabel(c, widget, locale))).join(',')];
  for (const row of data.rows ?? []) lines.push(columns.map((_c, i) => cell(row[i])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The point's label for the drill-down heading: "early-cn · Collected". */
export function pointLabel(parts: string[]): string {
  return parts.filter(Boolean).join(' · ');
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function fileName(dashboardKey: string, widgetId: string, ext: string): string {
  return `${dashboardKey}-${widgetId}.${ext}`;
}
