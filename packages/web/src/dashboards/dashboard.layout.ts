import type { GridLayout, WidgetSpec } from './dashboard.types';

export type LayoutMove = 'left' | 'right' | 'up' | 'down' | 'wider' | 'narrower' | 'taller' | 'shorter';

const MAX_H = 50;
const MAX_Y = 1000;

const overlaps = (a: GridLayout, b: GridLayout) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Moves or resizes one widget by one grid cell, within the grid's columns, then pushes every
 * widget it now overlaps down below it (and whatever those then overlap, and so on): the layout
 * stays free of overlaps, like react-grid-layout's collisions without its drag machinery.
 */
export function arrange(widgets: WidgetSpec[], id: string, move: LayoutMove, columns: number): WidgetSpec[] {
  const target = widgets.find((w) => w.id === id);
  if (!target) return widgets;
  const l = { ...target.layout };
  switch (move) {
    case 'left':
      l.x = Math.max(0, l.x - 1);
      break;
    case 'right':
      l.x = Math.min(columns - l.w, l.x + 1);
      break;
    case 'up':
      l.y = Math.max(0, l.y - 1);
      break;
    case 'down':
      l.y = Math.min(MAX_Y, l.y + 1);
      break;
    case 'wider':
      l.w = Math.min(columns - l.x, l.w + 1);
      break;
    case 'narrower':
      l.w = Math.max(1, l.w - 1);
      break;
    case 'taller':
      l.h = Math.min(MAX_H, l.h + 1);
      break;
    case 'shorter':
      l.h = Math.max(1, l.h - 1);
      break;
  }
  const moved = widgets.map((w) => (w.id === id ? { ...w, layout: l } : { ...w, layout: { ...w.layout } }));
  return settle(moved, id);
}

/** Pushes widgets overlapping `fixedId` (transitively) downwards; `fixedId` keeps its place. */
export function settle(widgets: WidgetSpec[], fixedId: string): WidgetSpec[] {
  const placed = widgets.map((w) => ({ ...w, layout: { ...w.layout } }));
  const fixed = placed.find((w) => w.id === fixedId);
  if (!fixed) return placed;
  const queue: WidgetSpec[] = [fixed];
  for (let guard = 0; queue.length > 0 && guard < 10_000; guard++) {
    const anchor = queue.shift() as WidgetSpec;
    const hits = placed
      .filter((w) => w !== anchor && overlaps(w.layout, anchor.layout))
      .sort((a, b) => a.layout.y - b.layout.y);
    for (const w of hits) {
      if (w === fixed) continue;
      w.layout.y = anchor.layout.y + anchor.layout.h;
      queue.push(w);
    }
  }
  return placed;
}

/** Where a new widget goes: below everything, at the left. */
export function nextSlot(widgets: WidgetSpec[], w: number, h: number, columns: number): GridLayout {
  const y = widgets.reduce((max, x) => Math.max(max, x.layout.y + x.layout.h), 0);
  return { x: 0, y, w: Math.min(w, columns), h };
}

/** A widget id that is not taken, from the English title ("Open tasks" → open-tasks). */
export function widgetId(title: string, taken: Set<string>): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .replace(/^[^a-z]+/, '')
      .slice(0, 40) || 'widget';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
