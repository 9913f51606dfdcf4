import { type CSSProperties, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api, query } from '../api/client';
import { loadFormVersion } from '../api/forms.api';
import { enumLabels, pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import { useDirectory } from '../shell/directory';
import type { FilterValues } from './dashboard.filters';
import { type DimensionLabeler, formatBucket } from './dashboard.format';
import type { DashboardData, DashboardDefinition, WidgetData, WidgetSpec } from './dashboard.types';
import './dashboard.css';

/** The data of every widget; `data` is undefined while the filters' first answer is on its way. */
export function useDashboardData(key: string, version: number | undefined, values: FilterValues) {
  const path = `/api/dashboards/${encodeURIComponent(key)}/data${query({ ...values, ...(version ? { version: String(version) } : {}) })}`;
  const [state, setState] = useState<{ path: string; data?: DashboardData; error?: ApiError }>({ path: '' });
  const [refreshing, setRefreshing] = useState(false);
  const ticket = useRef(0);
  const load = useCallback(async () => {
    const mine = ++ticket.current;
    setRefreshing(true);
    try {
      const data = await api<DashboardData>(path);
      if (mine === ticket.current) setState({ path, data });
    } catch (e) {
      if (mine === ticket.current)
        setState({
          path,
          error:
            e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client.error', detail: String(e) }),
        });
    } finally {
      if (mine === ticket.current) setRefreshing(false);
    }
  }, [path]);
  useEffect(() => {
    void load();
  }, [load]);
  const current = state.path === path;
  return {
    data: current ? state.data : undefined,
    /** The last answer, even for other filters (kept on screen while a refresh runs). */
    error: current ? state.error : undefined,
    refreshing,
    reload: load,
  };
}

/** Dimension values as people read them: team names, yes/no, months, "none" for the empty group. */
export function useLabeler(): DimensionLabeler {
  const { t, locale, formatDate, formatDateTime } = useLocale();
  const { teams } = useDirectory();
  return useCallback<DimensionLabeler>(
    (column, value) => {
      if (value === null || value === undefined || value === '') return `(${t('none')})`;
      if (column.type === 'boolean') return value === true || value === 'true' ? t('yes') : t('no');
      if (column.type === 'date' && column.bucket) return formatBucket(value, column.bucket, locale);
      if (column.type === 'date') return formatDate(String(value));
      if (column.type === 'date-time') return formatDateTime(String(value));
      const text = String(value);
      const team = teams.find((x) => x.id === text);
      return team ? pickText(team.name, locale, text) : text;
    },
    [t, locale, formatDate, formatDateTime, teams],
  );
}

/**
 * Values each filter can take, read from the widgets that group by the field the filter follows
 * (the collectors of "collected by collector" feed the collector filter).
 */
export function observedValues(definition: DashboardDefinition, widgets: WidgetData[] | undefined) {
  const out = new Map<string, Set<string>>();
  for (const widget of definition.widgets) {
    const data = widgets?.find((w) => w.id === widget.id);
    if (!data?.rows || !data.columns) continue;
    for (const [filterId, field] of Object.entries(widget.query.follow ?? {})) {
      const dim = widget.query.dimensions?.find((d) => d.field === field && !d.bucket);
      if (!dim) continue;
      const index = data.columns.findIndex((c) => c.id === dim.id);
      if (index < 0) continue;
      const set = out.get(filterId) ?? new Set<string>();
      for (const row of data.rows)
        if (row[index] !== null && row[index] !== undefined) set.add(String(row[index]));
      out.set(filterId, set);
    }
  }
  return out;
}

/** The definition's grid: its columns and row height; one column on narrow screens (CSS). */
export function DashboardGrid({
  definition,
  children,
}: {
  definition: DashboardDefinition;
  children: ReactNode;
}) {
  const columns = definition.grid?.columns ?? 12;
  const rowHeight = definition.grid?.rowHeight ?? 80;
  const style = useMemo(
    () =>
      ({
        '--cf-cols': columns,
        gridAutoRows: `${rowHeight}px`,
      }) as CSSProperties,
    [columns, rowHeight],
  );
  return (
    <div className="cf-dash-grid" style={style} data-testid="dashboard-grid">
      {children}
    </div>
  );
}

/** Filter values from the URL's search (version aside). */
export function filterValuesOf(search: URLSearchParams): FilterValues {
  const out: FilterValues = {};
  for (const name of new Set(search.keys())) {
    if (name === 'version') continue;
    const all = search.getAll(name).filter((v) => v !== '');
    if (all.length === 0) continue;
    out[name] = name === 'from' || name === 'to' ? (all[0] as string) : all;
  }
  return out;
}

export function searchOf(values: FilterValues, version: number | undefined): URLSearchParams {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) for (const v of [value].flat()) search.append(name, v);
  if (version) search.set('version', String(version));
  return search;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema of the field at a JSON pointer ('/a/b'), through nested objects. */
function fieldSchemaAt(schema: Json, pointer: string): unknown {
  let node: unknown = schema;
  for (const raw of pointer.split('/').slice(1)) {
    const name = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) || !isObject(node.properties)) return undefined;
    node = node.properties[name];
  }
  return node;
}

/** The form and pointer a dimension groups by ('lookup:/x' is the lookup's form). */
function dimensionSource(widget: WidgetSpec, field: string): { form: string; pointer: string } | null {
  const at = /^(?:([a-z][a-zA-Z0-9_-]*):)?(\/.*)$/.exec(field);
  if (!at) return null;
  const [, lookupId, pointer] = at;
  const parts = [widget.query, ...(widget.query.combine ?? [])];
  for (const part of parts) {
    if (lookupId) {
      const lookup = (part.lookups as { id: string; form: string }[] | undefined)?.find(
        (l) => l.id === lookupId,
      );
      if (lookup) return { form: lookup.form, pointer: pointer as string };
    } else if ('form' in part.dataset) return { form: part.dataset.form, pointer: pointer as string };
  }
  return null;
}

/**
 * Labels a widget's dimension values with the option names its form gives them ("Bank transfer"
 * for BANK_TRANSFER), falling back to `base`: the forms' published schemas are loaded once.
 */
export function useWidgetLabelers(
  widgets: WidgetSpec[] | undefined,
  base: DimensionLabeler,
): (widget: WidgetSpec) => DimensionLabeler {
  const { locale } = useLocale();
  const [schemas, setSchemas] = useState<Record<string, Json>>({});
  // A string, so that a new array of the same widgets does not load the forms again.
  const forms = useMemo(() => {
    const out = new Set<string>();
    for (const widget of widgets ?? [])
      for (const part of [widget.query, ...(widget.query.combine ?? [])])
        for (const d of part.dimensions ?? []) {
          const source = dimensionSource(widget, d.field);
          if (source) out.add(source.form);
        }
    return [...out].sort().join('|');
  }, [widgets]);
  useEffect(() => {
    let live = true;
    for (const form of forms ? forms.split('|') : [])
      loadFormVersion(form, null).then(
        (v) => live && setSchemas((s) => (s[form] ? s : { ...s, [form]: v.schema })),
        () => {},
      );
    return () => {
      live = false;
    };
  }, [forms]);
  // One labeler per widget, kept while the forms, language and team names stay: charts redraw
  // when their labeler changes.
  return useMemo(() => {
    const made = new WeakMap<WidgetSpec, DimensionLabeler>();
    return (widget: WidgetSpec): DimensionLabeler => {
      const hit = made.get(widget);
      if (hit) return hit;
      const maps = new Map<string, Map<unknown, string>>();
      for (const part of [widget.query, ...(widget.query.combine ?? [])])
        for (const d of part.dimensions ?? []) {
          const source = dimensionSource(widget, d.field);
          const schema = source ? schemas[source.form] : undefined;
          const labels =
            schema && source ? enumLabels(fieldSchemaAt(schema, source.pointer), locale) : undefined;
          if (labels && !maps.has(d.id)) maps.set(d.id, labels);
        }
      const labeler: DimensionLabeler =
        maps.size === 0 ? base : (column, value) => maps.get(column.id)?.get(value) ?? base(column, value);
      made.set(widget, labeler);
      return labeler;
    };
  }, [schemas, locale, base]);
}
