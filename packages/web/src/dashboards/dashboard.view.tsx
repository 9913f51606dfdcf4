import { type CSSProperties, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api, query } from '../api/client';
import { useLocale } from '../i18n/locale.context';
import { useDirectory } from '../shell/directory';
import type { FilterValues } from './dashboard.filters';
import { type DimensionLabeler, formatBucket } from './dashboard.format';
import type { DashboardData, DashboardDefinition, WidgetData } from './dashboard.types';
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
  const { teams, teamName } = useDirectory();
  return useCallback<DimensionLabeler>(
    (column, value) => {
      if (value === null || value === undefined || value === '') return `(${t('none')})`;
      if (column.type === 'boolean') return value === true || value === 'true' ? t('yes') : t('no');
      if (column.type === 'date' && column.bucket) return formatBucket(value, column.bucket, locale);
      if (column.type === 'date') return formatDate(String(value));
      if (column.type === 'date-time') return formatDateTime(String(value));
      const text = String(value);
      return teams.some((x) => x.id === text) ? teamName(text) : text;
    },
    [t, locale, formatDate, formatDateTime, teams, teamName],
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
