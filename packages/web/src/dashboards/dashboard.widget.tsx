import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DownloadOutlined,
  InfoCircleOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Button, Dropdown, Empty, Skeleton, Table, Tooltip } from 'antd';
import { type CSSProperties, lazy, type ReactNode, Suspense, useCallback, useRef } from 'react';
import { useLocale } from '../i18n/locale.context';
import type { ChartHandle } from './dashboard.chart';
import {
  columnLabel,
  type DimensionLabeler,
  fileName,
  formatNumber,
  formatOf,
  localized,
  saveBlob,
  shownMeasures,
  widgetCsv,
} from './dashboard.format';
import type { ColumnMeta, DataPoint, WidgetData, WidgetSpec } from './dashboard.types';

// ECharts and the chart code are one lazy chunk: no other route downloads them.
const DashboardChart = lazy(() => import('./dashboard.chart'));

export const CHART_TYPES = new Set(['bar', 'line', 'pie', 'donut', 'funnel', 'gauge']);

export interface WidgetViewProps {
  dashboardKey: string;
  widget: WidgetSpec;
  /** undefined while the dashboard's data loads. */
  data: WidgetData | undefined;
  currency: string | undefined;
  label: DimensionLabeler;
  onDrill?: (widget: WidgetSpec, point: DataPoint) => void;
  /** Controls shown in the card's header (the editor's move and resize buttons). */
  tools?: ReactNode;
}

/** One widget of a dashboard in its card: loading, error and empty states, export, drill-down. */
export function WidgetView({ dashboardKey, widget, data, currency, label, onDrill, tools }: WidgetViewProps) {
  const { t, locale } = useLocale();
  const chart = useRef<ChartHandle>(null);
  const title = localized(widget.title, locale, widget.id);
  const drillable = data?.drillable === true && onDrill !== undefined;
  const drill = useCallback((point: DataPoint) => onDrill?.(widget, point), [onDrill, widget]);
  const isChart = CHART_TYPES.has(widget.type);

  const exportCsv = () => {
    if (!data) return;
    saveBlob(
      new Blob([widgetCsv(widget, data, locale)], { type: 'text/csv;charset=utf-8' }),
      fileName(dashboardKey, widget.id, 'csv'),
    );
  };
  const exportPng = async () => {
    const url = chart.current?.png();
    if (!url) return;
    const blob = await (await fetch(url)).blob();
    saveBlob(blob, fileName(dashboardKey, widget.id, 'png'));
  };

  let body: ReactNode;
  if (!data) body = <Skeleton active paragraph={{ rows: 2 }} title={false} />;
  else if (data.error)
    body = (
      <div className="cf-dash-state cf-dash-error" role="alert" data-testid={`widget-error-${widget.id}`}>
        <WarningOutlined />
        <div>
          <div>{t('dashWidgetFailed')}</div>
          <div className="cf-dash-state-detail">{data.error.detail ?? data.error.code}</div>
        </div>
      </div>
    );
  else if (widget.type === 'kpi')
    body = (
      <KpiBody widget={widget} data={data} currency={currency} onDrill={drillable ? drill : undefined} />
    );
  else if (isEmpty(widget, data))
    body = (
      <div className="cf-dash-state" data-testid={`widget-empty-${widget.id}`}>
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashWidgetEmpty')} />
      </div>
    );
  else if (widget.type === 'table')
    body = (
      <TableBody
        widget={widget}
        data={data}
        currency={currency}
        label={label}
        onDrill={drillable ? drill : undefined}
      />
    );
  else if (widget.type === 'pivot')
    body = <PivotBody widget={widget} data={data} currency={currency} label={label} />;
  else
    body = (
      <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} title={false} />}>
        <DashboardChart
          ref={chart}
          widget={widget}
          data={data}
          locale={locale}
          currency={currency}
          label={label}
          {...(drillable && widget.type !== 'gauge' ? { onPoint: drill } : {})}
        />
      </Suspense>
    );

  const exportItems = [
    { key: 'csv', label: t('dashExportCsv') },
    ...(isChart ? [{ key: 'png', label: t('dashExportPng') }] : []),
  ];
  return (
    <section
      className="cf-dash-widget"
      data-testid={`widget-${widget.id}`}
      data-state={!data ? 'loading' : data.error ? 'error' : 'ready'}
      aria-label={title}
      style={
        {
          '--cf-x': widget.layout.x + 1,
          '--cf-y': widget.layout.y + 1,
          '--cf-w': widget.layout.w,
          '--cf-h': widget.layout.h,
        } as CSSProperties
      }
    >
      <header className="cf-dash-widget-head">
        <h2 className="cf-dash-widget-title" title={title}>
          {title}
        </h2>
        {widget.formula && (
          <Tooltip title={`${t('dashFormula')}: ${localized(widget.formula, locale)}`}>
            <InfoCircleOutlined className="cf-dash-formula" aria-label={t('dashFormula')} tabIndex={0} />
          </Tooltip>
        )}
        <div className="cf-dash-widget-tools">
          {tools}
          {data && !data.error && !tools && (
            <Dropdown
              trigger={['click']}
              menu={{
                items: exportItems,
                onClick: ({ key }) => (key === 'csv' ? exportCsv() : void exportPng()),
              }}
            >
              <Button
                type="text"
                size="small"
                icon={<DownloadOutlined />}
                aria-label={`${t('dashExport')}: ${title}`}
                data-testid={`export-${widget.id}`}
              />
            </Dropdown>
          )}
        </div>
      </header>
      <div className="cf-dash-widget-body">{body}</div>
      {data?.truncated && (
        <div className="cf-dash-note">{t('dashWidgetTruncated', { n: (data.rows ?? []).length })}</div>
      )}
    </section>
  );
}

/** No rows; or, for a pie, donut or funnel, nothing but zeros (equal slices of nothing would mislead). */
function isEmpty(widget: WidgetSpec, data: WidgetData): boolean {
  const rows = data.rows ?? [];
  if (rows.length === 0) return true;
  if (widget.type !== 'pie' && widget.type !== 'donut' && widget.type !== 'funnel') return false;
  const columns = data.columns ?? [];
  const shown = shownMeasures(widget, data).map((c) => columns.indexOf(c));
  return rows.every((row) =>
    shown.every((i) => row[i] === null || row[i] === undefined || Number(row[i]) === 0),
  );
}

function KpiBody({
  widget,
  data,
  currency,
  onDrill,
}: {
  widget: WidgetSpec;
  data: WidgetData;
  currency: string | undefined;
  onDrill: ((point: DataPoint) => void) | undefined;
}) {
  const { t, locale } = useLocale();
  const columns = data.columns ?? [];
  const valueColumn = columns.find((c) => c.id === (widget.value ?? widget.show?.[0])) ?? columns[0];
  const kpi = data.kpi;
  const value = kpi ? kpi.value : (data.rows?.[0]?.[valueColumn ? columns.indexOf(valueColumn) : 0] ?? null);
  const format = formatOf(valueColumn);
  const targetColumn =
    widget.target && 'measure' in widget.target
      ? columns.find((c) => c.id === (widget.target as { measure: string }).measure)
      : valueColumn;
  const shown = formatNumber(value, format, locale, currency);
  const ratio = kpi?.changeRatio;
  const change = kpi?.change;
  const direction = change === undefined || change === null ? 0 : Math.sign(Number(change));
  const number = (
    <span
      className="cf-kpi-value"
      data-testid={`kpi-${widget.id}`}
      data-value={value === null ? '' : String(value)}
    >
      {shown}
    </span>
  );
  return (
    <div className="cf-kpi">
      {onDrill ? (
        <button
          type="button"
          className="cf-kpi-drill"
          onClick={() => onDrill({ at: {}, label: localized(widget.title, locale) })}
          title={t('dashClickToDrill')}
        >
          {number}
        </button>
      ) : (
        number
      )}
      {kpi?.target !== undefined && kpi.target !== null && (
        <div className="cf-kpi-line" data-testid={`kpi-target-${widget.id}`}>
          {t('dashTarget')} {formatNumber(kpi.target, formatOf(targetColumn), locale, currency)}
          {kpi.attainment !== undefined && kpi.attainment !== null && (
            <>
              {' · '}
              {t('dashAttainment')} {formatNumber(kpi.attainment, 'percent', locale)}
            </>
          )}
        </div>
      )}
      {kpi && 'previous' in kpi && change !== null && change !== undefined && (
        <div
          className={`cf-kpi-line cf-kpi-change cf-kpi-${direction > 0 ? 'up' : direction < 0 ? 'down' : 'flat'}`}
          data-testid={`kpi-change-${widget.id}`}
        >
          {direction > 0 ? <ArrowUpOutlined /> : direction < 0 ? <ArrowDownOutlined /> : null}{' '}
          {direction === 0
            ? t('dashNoChange')
            : ratio !== null && ratio !== undefined
              ? `${formatNumber(ratio, 'percent', locale)} ${t('dashVsPrevious')}`
              : t('dashVsPrevious')}
          <span className="cf-kpi-previous">
            {' '}
            ({t('dashPrevious')} {formatNumber(kpi.previous, format, locale, currency)})
          </span>
        </div>
      )}
    </div>
  );
}

function cellText(
  column: ColumnMeta,
  value: unknown,
  label: DimensionLabeler,
  locale: 'zh-CN' | 'en',
  currency: string | undefined,
): string {
  return column.role === 'dimension'
    ? label(column, value)
    : formatNumber(value, formatOf(column), locale, currency);
}

function TableBody({
  widget,
  data,
  currency,
  label,
  onDrill,
}: {
  widget: WidgetSpec;
  data: WidgetData;
  currency: string | undefined;
  label: DimensionLabeler;
  onDrill: ((point: DataPoint) => void) | undefined;
}) {
  const { locale } = useLocale();
  const columns = data.columns ?? [];
  const dims = columns.filter((c) => c.role === 'dimension');
  const rows = (data.rows ?? []).map((row, i) => ({ key: i, row }));
  return (
    <Table
      size="small"
      pagination={false}
      sticky
      dataSource={rows}
      rowClassName={onDrill ? 'cf-dash-clickable' : ''}
      onRow={(record) =>
        onDrill
          ? {
              onClick: () =>
                onDrill({
                  at: Object.fromEntries(
                    dims.map((d) => {
                      const v = record.row[columns.indexOf(d)];
                      return [d.id, v === null || v === undefined ? '' : String(v)];
                    }),
                  ),
                  label: dims.map((d) => label(d, record.row[columns.indexOf(d)])).join(' · '),
                }),
            }
          : {}
      }
      columns={columns.map((c, i) => ({
        key: c.id,
        title: columnLabel(c, widget, locale),
        align: c.role === 'measure' ? ('right' as const) : ('left' as const),
        render: (_: unknown, record: { row: unknown[] }) =>
          cellText(c, record.row[i], label, locale, currency),
      }))}
    />
  );
}

function PivotBody({
  widget,
  data,
  currency,
  label,
}: {
  widget: WidgetSpec;
  data: WidgetData;
  currency: string | undefined;
  label: DimensionLabeler;
}) {
  const { locale } = useLocale();
  const columns = data.columns ?? [];
  const byId = (id: string) => columns.find((c) => c.id === id);
  const spec = widget.pivot ?? {
    rows: columns
      .filter((c) => c.role === 'dimension')
      .slice(0, 1)
      .map((c) => c.id),
    columns: columns
      .filter((c) => c.role === 'dimension')
      .slice(1, 2)
      .map((c) => c.id),
    value: columns.find((c) => c.role === 'measure')?.id ?? '',
  };
  const rowCols = spec.rows.map(byId).filter((c): c is ColumnMeta => !!c);
  const colCols = spec.columns.map(byId).filter((c): c is ColumnMeta => !!c);
  const valueCol = byId(spec.value);
  const keyOf = (cols: ColumnMeta[], row: unknown[]) =>
    JSON.stringify(cols.map((c) => row[columns.indexOf(c)] ?? null));
  const rowKeys = new Map<string, unknown[]>();
  const colKeys = new Map<string, unknown[]>();
  const cells = new Map<string, unknown>();
  for (const row of data.rows ?? []) {
    const r = keyOf(rowCols, row);
    const c = keyOf(colCols, row);
    rowKeys.set(r, row);
    colKeys.set(c, row);
    cells.set(`${r}|${c}`, valueCol ? row[columns.indexOf(valueCol)] : null);
  }
  const sortedCols = [...colKeys.entries()].sort(([a], [b]) => a.localeCompare(b));
  const headText = (cols: ColumnMeta[], row: unknown[]) =>
    cols.map((c) => label(c, row[columns.indexOf(c)])).join(' / ');
  const dataSource = [...rowKeys.entries()].map(([key, row]) => ({ key, row }));
  return (
    <Table
      size="small"
      pagination={false}
      sticky
      scroll={{ x: 'max-content' }}
      dataSource={dataSource}
      columns={[
        {
          key: '__rows',
          title: rowCols.map((c) => columnLabel(c, widget, locale)).join(' / '),
          fixed: 'left' as const,
          render: (_: unknown, record: { key: string; row: unknown[] }) => headText(rowCols, record.row),
        },
        ...sortedCols.map(([ckey, crow]) => ({
          key: ckey,
          title: headText(colCols, crow),
          align: 'right' as const,
          render: (_: unknown, record: { key: string; row: unknown[] }) =>
            valueCol && cells.has(`${record.key}|${ckey}`)
              ? formatNumber(cells.get(`${record.key}|${ckey}`), formatOf(valueCol), locale, currency)
              : '',
        })),
      ]}
    />
  );
}
