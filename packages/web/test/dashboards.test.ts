import { describe, expect, it } from 'vitest';
import { formatNumber, widgetCsv } from '../src/dashboards/dashboard.format';
import { arrange, nextSlot, widgetId } from '../src/dashboards/dashboard.layout';
import type { WidgetSpec } from '../src/dashboards/dashboard.types';

const widget = (id: string, x: number, y: number, w: number, h: number): WidgetSpec => ({
  id,
  type: 'bar',
  title: { 'zh-CN': id, en: id },
  layout: { x, y, w, h },
  query: { dataset: { form: 'payment' }, measures: [{ id: 'n', op: 'count' }] },
});
const overlap = (ws: WidgetSpec[]) =>
  ws.some((a, i) =>
    ws.some(
      (b, j) =>
        i < j &&
        a.layout.x < b.layout.x + b.layout.w &&
        b.layout.x < a.layout.x + a.layout.w &&
        a.layout.y < b.layout.y + b.layout.h &&
        b.layout.y < a.layout.y + a.layout.h,
    ),
  );

describe('arranging widgets on the dashboard grid', () => {
  const grid = [widget('a', 0, 0, 6, 2), widget('b', 6, 0, 6, 2), widget('c', 0, 2, 12, 4)];

  it('a widget made wider pushes the one it now covers down, and nothing overlaps', () => {
    const out = arrange(grid, 'a', 'wider', 12);
    expect(out.find((w) => w.id === 'a')?.layout).toEqual({ x: 0, y: 0, w: 7, h: 2 });
    expect(out.find((w) => w.id === 'b')?.layout.y).toBe(2);
    // b moved onto c, so c moves below b.
    expect(out.find((w) => w.id === 'c')?.layout.y).toBe(4);
    expect(overlap(out)).toBe(false);
    // The input is not changed.
    expect(grid[0]?.layout.w).toBe(6);
  });

  it('moves stay inside the grid: no column below 0, no widget past the last column, no empty size', () => {
    expect(arrange(grid, 'a', 'left', 12)[0]?.layout.x).toBe(0);
    expect(arrange(grid, 'b', 'right', 12)[1]?.layout.x).toBe(6);
    expect(arrange(grid, 'c', 'wider', 12)[2]?.layout.w).toBe(12);
    expect(arrange([widget('k', 0, 0, 1, 1)], 'k', 'narrower', 12)[0]?.layout).toEqual({
      x: 0,
      y: 0,
      w: 1,
      h: 1,
    });
    expect(arrange([widget('k', 0, 0, 1, 1)], 'k', 'shorter', 12)[0]?.layout.h).toBe(1);
    expect(arrange(grid, 'a', 'up', 12)[0]?.layout.y).toBe(0);
  });

  it('moving a widget up into another puts the other below it', () => {
    const out = arrange(grid, 'c', 'up', 12);
    expect(out.find((w) => w.id === 'c')?.layout.y).toBe(1);
    expect(out.find((w) => w.id === 'a')?.layout.y).toBe(5);
    expect(out.find((w) => w.id === 'b')?.layout.y).toBe(5);
    expect(overlap(out)).toBe(false);
  });

  it('a new widget goes below everything, and its id is free and fits the definition’s pattern', () => {
    expect(nextSlot(grid, 6, 4, 12)).toEqual({ x: 0, y: 6, w: 6, h: 4 });
    expect(nextSlot([], 20, 4, 12)).toEqual({ x: 0, y: 0, w: 12, h: 4 });
    expect(widgetId('Collected by method', new Set())).toBe('collected-by-method');
    expect(widgetId('Collected by method', new Set(['collected-by-method']))).toBe('collected-by-method-2');
    expect(widgetId('回款', new Set())).toBe('widget');
    expect(widgetId('2025 totals', new Set())).toMatch(/^[a-z][a-zA-Z0-9_-]{0,62}$/);
  });
});

describe('numbers and CSV of a widget', () => {
  it('money keeps every digit of the decimal string and is formatted per locale', () => {
    expect(formatNumber('12345678901234567.89', 'money', 'en', 'CNY')).toBe('¥12,345,678,901,234,567.89');
    expect(formatNumber('2700.00', 'money', 'zh-CN', 'CNY')).toBe('¥2,700.00');
    expect(formatNumber('2700.5', 'money', 'en')).toBe('2,700.50');
    expect(formatNumber('0.117391', 'percent', 'en')).toBe('11.7%');
    expect(formatNumber(1234567, 'integer', 'zh-CN')).toBe('1,234,567');
    expect(formatNumber(null, 'money', 'en')).toBe('—');
    expect(formatNumber('n/a', 'number', 'en')).toBe('n/a');
  });

  it('CSV carries the labels and the exact values, quoting what needs it', () => {
    const spec = widget('t', 0, 0, 6, 4);
    const csv = widgetCsv(
      spec,
      {
        id: 't',
        type: 'table',
        columns: [
          { id: 'team', role: 'dimension', type: 'string', label: { 'zh-CN': '小组', en: 'Team' } },
          { id: 'n', role: 'measure', type: 'decimal', format: 'money' },
        ],
        rows: [
          ['early, "cn"', '2100.00'],
          [null, '0.10'],
        ],
      },
      'zh-CN',
    );
    expect(csv).toBe('\uFEFF小组,n\r\n"early, ""cn""",2100.00\r\n,0.10\r\n');
  });
});
