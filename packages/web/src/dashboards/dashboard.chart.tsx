import { BarChart, FunnelChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type Ref, useEffect, useImperativeHandle, useMemo, useRef } from 'react';
import type { Locale } from '../i18n/messages';
import {
  columnLabel,
  type DimensionLabeler,
  formatNumber,
  formatOf,
  localized,
  shownMeasures,
} from './dashboard.format';
import type { ColumnMeta, DataPoint, ValueFormat, WidgetData, WidgetSpec } from './dashboard.types';

// Only what the dashboards draw, on canvas: this module is the ECharts chunk, loaded lazily by the
// dashboard pages and by no other route (bench/groups/web.bench.ts checks it).
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  FunnelChart,
  GaugeChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export interface ChartHandle {
  /** The chart as a PNG data URL (ECharts' getDataURL), on white. */
  png(): string;
}

interface ChartProps {
  widget: WidgetSpec;
  data: WidgetData;
  locale: Locale;
  currency: string | undefined;
  label: DimensionLabeler;
  onPoint?: (point: DataPoint) => void;
  ref?: Ref<ChartHandle>;
}

interface Built {
  option: echarts.EChartsCoreOption;
  /** The data point behind a clicked item. */
  pointOf(params: { seriesIndex?: number; dataIndex?: number }): DataPoint | null;
  /** Bar geometry for the published click targets (vertical or horizontal bars). */
  bars?: { series: number; categories: number; values: number[][]; horizontal: boolean };
}

const BAR_CATEGORY_GAP = 0.2;
const BAR_GAP = 0.3;
const BAR_MAX_WIDTH = 48;

const toNumber = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};
const raw = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

function commonFormat(columns: ColumnMeta[]): ValueFormat | undefined {
  const formats = new Set(columns.map(formatOf));
  return formats.size === 1 ? [...formats][0] : undefined;
}

function axisFormatter(format: ValueFormat | undefined, locale: Locale) {
  return (value: number) =>
    format === 'percent'
      ? formatNumber(value, 'percent', locale)
      : new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

function build(props: ChartProps): Built {
  const { widget, data, locale, currency, label } = props;
  const columns = data.columns ?? [];
  const rows = data.rows ?? [];
  const index = (c: ColumnMeta) => columns.indexOf(c);
  const dims = columns.filter((c) => c.role === 'dimension');
  const measures = shownMeasures(widget, data);
  const fmt = (c: ColumnMeta | undefined) => (v: unknown) => formatNumber(v, formatOf(c), locale, currency);
  // A canvas font needs a real family ('inherit' would fall back to 10px sans-serif): the page's.
  const textStyle = { fontFamily: getComputedStyle(document.body).fontFamily || 'sans-serif' };
  const first = rows[0] ?? [];

  if (widget.type === 'gauge' || widget.type === 'kpi') {
    const valueColumn = columns.find((c) => c.id === (widget.value ?? widget.show?.[0])) ?? measures[0];
    const value = toNumber(data.kpi?.value ?? (valueColumn ? first[index(valueColumn)] : null)) ?? 0;
    const min = toNumber(widget.gauge?.min) ?? 0;
    const max =
      toNumber(widget.gauge?.max) ?? (formatOf(valueColumn) === 'percent' ? 1 : Math.max(1, value * 1.5));
    return {
      option: {
        textStyle,
        series: [
          {
            type: 'gauge',
            min,
            max,
            radius: '100%',
            center: ['50%', '62%'],
            startAngle: 200,
            endAngle: -20,
            progress: { show: true, width: 14, roundCap: true },
            axisLine: { roundCap: true, lineStyle: { width: 14 } },
            axisTick: { show: false },
            splitLine: { show: false },
            axisLabel: { show: false },
            pointer: { show: false },
            anchor: { show: false },
            title: { show: false },
            detail: {
              valueAnimation: false,
              offsetCenter: [0, '-5%'],
              fontSize: 20,
              fontWeight: 600,
              color: '#1f2d3d',
              formatter: (v: number) => fmt(valueColumn)(v),
            },
            data: [{ value, name: '' }],
          },
        ],
      },
      pointOf: () => ({ at: {}, label: localized(widget.title, locale) }),
    };
  }

  // Items of a chart without dimension are its measures; with one, the rows.
  if (widget.type === 'pie' || widget.type === 'donut' || widget.type === 'funnel') {
    const measure = measures[0];
    const dim = dims[0];
    const items =
      dim === undefined
        ? measures.map((m) => ({
            name: columnLabel(m, widget, locale),
            value: toNumber(first[index(m)]) ?? 0,
            point: { at: {}, measure: m.id, label: columnLabel(m, widget, locale) } as DataPoint,
          }))
        : rows.map((row) => {
            const name = label(dim, row[index(dim)]);
            return {
              name,
              value: toNumber(measure ? row[index(measure)] : null) ?? 0,
              point: {
                at: Object.fromEntries(dims.map((d) => [d.id, raw(row[index(d)])])),
                ...(measure ? { measure: measure.id } : {}),
                label: name,
              } as DataPoint,
            };
          });
    const format = dim === undefined ? commonFormat(measures) : formatOf(measure);
    const valueFormatter = (v: unknown) => formatNumber(v, format, locale, currency);
    const series =
      widget.type === 'funnel'
        ? {
            type: 'funnel',
            left: '8%',
            right: '8%',
            top: 8,
            bottom: 8,
            sort: 'descending',
            minSize: '10%',
            label: {
              position: 'inside',
              formatter: (p: { name: string; value: number }) => `${p.name}\n${valueFormatter(p.value)}`,
            },
            tooltip: { valueFormatter },
            data: items.map(({ name, value }) => ({ name, value })),
          }
        : {
            type: 'pie',
            radius: widget.type === 'donut' ? ['42%', '68%'] : [0, '68%'],
            center: ['50%', '46%'],
            avoidLabelOverlap: true,
            label: { formatter: '{b}: {d}%' },
            tooltip: { valueFormatter },
            data: items.map(({ name, value }) => ({ name, value })),
          };
    return {
      option: {
        textStyle,
        tooltip: { trigger: 'item', confine: true },
        legend: { type: 'scroll', bottom: 0, textStyle: { fontSize: 11 } },
        series: [series],
      },
      pointOf: ({ dataIndex }) => (dataIndex === undefined ? null : (items[dataIndex]?.point ?? null)),
    };
  }

  // bar and line: categories along one axis, a series per shown measure (or per value of a second
  // dimension when there is one measure).
  let categories: string[];
  let series: { name: string; values: (number | null)[]; column: ColumnMeta | undefined }[];
  let pointAt: (seriesIndex: number, dataIndex: number) => DataPoint | null;
  const dim = dims[0];
  const second = dims[1];
  if (dim === undefined) {
    categories = measures.map((m) => columnLabel(m, widget, locale));
    series = [
      {
        name: localized(widget.title, locale),
        values: measures.map((m) => toNumber(first[index(m)])),
        column: measures[0],
      },
    ];
    pointAt = (_s, j) => {
      const m = measures[j];
      return m ? { at: {}, measure: m.id, label: categories[j] ?? m.id } : null;
    };
  } else if (second !== undefined && measures.length === 1) {
    const measure = measures[0]!;
    const keys = [...new Set(rows.map((r) => raw(r[index(dim)])))];
    const splits = [...new Set(rows.map((r) => raw(r[index(second)])))];
    const cell = (k: string, s: string) =>
      rows.find((r) => raw(r[index(dim)]) === k && raw(r[index(second)]) === s);
    categories = keys.map((k) => label(dim, k === '' ? null : k));
    series = splits.map((s) => ({
      name: label(second, s === '' ? null : s),
      values: keys.map((k) => {
        const row = cell(k, s);
        return row ? toNumber(row[index(measure)]) : null;
      }),
      column: measure,
    }));
    pointAt = (i, j) => {
      const k = keys[j];
      const s = splits[i];
      if (k === undefined || s === undefined) return null;
      return {
        at: { [dim.id]: k, [second.id]: s },
        measure: measure.id,
        label: `${categories[j]} · ${series[i]?.name ?? ''}`,
      };
    };
  } else {
    categories = rows.map((r) => label(dim, r[index(dim)]));
    series = measures.map((m) => ({
      name: columnLabel(m, widget, locale),
      values: rows.map((r) => toNumber(r[index(m)])),
      column: m,
    }));
    pointAt = (i, j) => {
      const row = rows[j];
      const m = measures[i];
      if (!row || !m) return null;
      return {
        at: Object.fromEntries(dims.map((d) => [d.id, raw(row[index(d)])])),
        measure: m.id,
        label: `${categories[j]} · ${series[i]?.name ?? ''}`,
      };
    };
  }
  const horizontal = widget.type === 'bar' && widget.chart?.horizontal === true;
  const valueFormat = commonFormat(series.map((s) => s.column).filter((c): c is ColumnMeta => !!c));
  const categoryAxis = {
    type: 'category',
    data: categories,
    axisLabel: {
      hideOverlap: true,
      fontSize: 11,
      ...(horizontal ? { width: 110, overflow: 'truncate' } : {}),
    },
    axisTick: { alignWithLabel: true },
  };
  const valueAxis = {
    type: 'value',
    axisLabel: { fontSize: 11, formatter: axisFormatter(valueFormat, locale) },
    splitLine: { lineStyle: { color: '#f0f0f0' } },
  };
  const option: echarts.EChartsCoreOption = {
    textStyle,
    tooltip: {
      trigger: 'axis',
      confine: true,
      axisPointer: { type: widget.type === 'bar' ? 'shadow' : 'line' },
    },
    legend: series.length > 1 ? { type: 'scroll', top: 0, textStyle: { fontSize: 11 } } : undefined,
    grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: series.map((s) => ({
      type: widget.type === 'line' ? 'line' : 'bar',
      name: s.name,
      data: s.values,
      barCategoryGap: `${BAR_CATEGORY_GAP * 100}%`,
      barGap: `${BAR_GAP * 100}%`,
      barMaxWidth: BAR_MAX_WIDTH,
      ...(widget.chart?.stacked ? { stack: 'total' } : {}),
      ...(widget.type === 'line'
        ? {
            smooth: widget.chart?.smooth ?? false,
            showSymbol: s.values.length <= 40,
            ...(widget.chart?.area ? { areaStyle: { opacity: 0.15 } } : {}),
          }
        : {}),
      tooltip: { valueFormatter: fmt(s.column) },
    })),
  };
  return {
    option,
    pointOf: ({ seriesIndex, dataIndex }) =>
      seriesIndex === undefined || dataIndex === undefined ? null : pointAt(seriesIndex, dataIndex),
    ...(widget.type === 'bar' && !widget.chart?.stacked
      ? {
          bars: {
            series: series.length,
            categories: categories.length,
            values: series.map((s) => s.values.map((v) => v ?? 0)),
            horizontal,
          },
        }
      : {}),
  };
}

/**
 * Where each bar's middle is on the canvas, published as data-bars on the chart's box: the click
 * targets a keyboard-less automation (and the browser test) needs, since a canvas has no elements.
 * The geometry follows the barCategoryGap and barGap this module sets.
 */
function barTargets(chart: echarts.ECharts, bars: NonNullable<Built['bars']>) {
  const out: { series: number; index: number; x: number; y: number }[] = [];
  const along = (j: number) => {
    const finder = bars.horizontal ? { yAxisIndex: 0 } : { xAxisIndex: 0 };
    return chart.convertToPixel(finder, j) as number;
  };
  if (bars.categories === 0) return out;
  // The category band's width: from the axis itself (ECharts' Axis#getBandWidth, reached through
  // the chart's model), else from two neighbouring ticks.
  const model = (
    chart as unknown as {
      getModel?(): {
        getComponent(type: string, index: number): { axis?: { getBandWidth?(): number } } | undefined;
      };
    }
  ).getModel?.();
  const fromAxis = model?.getComponent(bars.horizontal ? 'yAxis' : 'xAxis', 0)?.axis?.getBandWidth?.();
  const band =
    typeof fromAxis === 'number' && fromAxis > 0
      ? fromAxis
      : bars.categories > 1
        ? Math.abs(along(1) - along(0))
        : 0;
  for (let s = 0; s < bars.series; s++) {
    for (let j = 0; j < bars.categories; j++) {
      const value = bars.values[s]?.[j] ?? 0;
      const centre = along(j);
      // ECharts sizes bars to share the band (less the category gap) and caps them at barMaxWidth,
      // centring the group of a category's bars on its tick.
      let offset = 0;
      if (band > 0 && bars.series > 1) {
        const usable = band * (1 - BAR_CATEGORY_GAP);
        const width = Math.min(BAR_MAX_WIDTH, usable / (bars.series + (bars.series - 1) * BAR_GAP));
        const group = bars.series * width + (bars.series - 1) * BAR_GAP * width;
        offset = -group / 2 + s * width * (1 + BAR_GAP) + width / 2;
      }
      const finder = bars.horizontal ? { xAxisIndex: 0 } : { yAxisIndex: 0 };
      const mid = chart.convertToPixel(finder, value / 2) as number;
      out.push(
        bars.horizontal
          ? { series: s, index: j, x: Math.round(mid), y: Math.round(centre + offset) }
          : { series: s, index: j, x: Math.round(centre + offset), y: Math.round(mid) },
      );
    }
  }
  return out;
}

/** One chart widget drawn by ECharts; clicking a bar, point or slice reports its data point. */
export default function DashboardChart(props: ChartProps) {
  const { widget, data, locale, currency, label, onPoint, ref } = props;
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const built = useMemo(
    () => build({ widget, data, locale, currency, label }),
    [widget, data, locale, currency, label],
  );

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, {
      renderer: 'canvas',
      locale: locale === 'zh-CN' ? 'ZH' : 'EN',
    });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [locale]);

  useEffect(() => {
    const instance = chart.current;
    const el = box.current;
    if (!instance || !el) return;
    instance.setOption(built.option, { notMerge: true });
    const publish = () => {
      if (built.bars) el.dataset.bars = JSON.stringify(barTargets(instance, built.bars));
      el.dataset.ready = 'true';
    };
    // The axes are laid out by setOption already; 'finished' comes after the animation.
    publish();
    instance.on('finished', publish);
    const click = (params: unknown) => {
      const point = built.pointOf(params as { seriesIndex?: number; dataIndex?: number });
      if (point && onPoint) onPoint(point);
    };
    instance.on('click', click);
    return () => {
      instance.off('finished', publish);
      instance.off('click', click);
    };
  }, [built, onPoint]);

  useImperativeHandle(
    ref,
    () => ({
      png: () => chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }) ?? '',
    }),
    [],
  );

  return (
    <div
      ref={box}
      className={`cf-dash-chart${onPoint ? ' cf-dash-clickable' : ''}`}
      data-testid={`chart-${widget.id}`}
      role="img"
      aria-label={localized(widget.title, locale)}
    />
  );
}
