import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FormVersion } from '../src/api/types';
import { formChoices, processChoices } from '../src/dashboards/dashboard.builder-fields';
import { buildWidget, type FieldChoice, lookupChoices } from '../src/dashboards/dashboard.builder-model';
import { reopenWidget, replaceWidget } from '../src/dashboards/dashboard.builder-reopen';
import type { DashboardDefinition, ProcessDataset, QuerySpec } from '../src/dashboards/dashboard.types';

const root = fileURLToPath(new URL('../../../definitions/', import.meta.url));
const read = (path: string) => JSON.parse(readFileSync(`${root}${path}`, 'utf8'));
const dashboards: DashboardDefinition[] = readdirSync(`${root}dashboards`)
  .filter((f) => f.endsWith('.json'))
  .map((f) => read(`dashboards/${f}`));
const formOf = (key: string): FieldChoice[] =>
  formChoices({ ...read(`forms/${key}.form.json`), version: 1, publishedAt: '' } as FormVersion, true);

/** The fields the builder offers for the query: the dataset's own and each lookup's, as in the editor. */
function choicesFor(query: QuerySpec): FieldChoice[] {
  const base =
    'form' in query.dataset
      ? formOf(query.dataset.form)
      : processChoices(query.dataset.process as ProcessDataset);
  const looked = (query.lookups ?? []).flatMap((l) => {
    const { id, form } = l as { id: string; form: string };
    return lookupChoices(id, { 'zh-CN': form, en: form }, formOf(form));
  });
  return [...base, ...looked];
}

const widgets = dashboards.flatMap((d) => d.widgets.map((w) => ({ dashboard: d, widget: w })));
const expressible = widgets.filter(
  ({ dashboard, widget }) => reopenWidget(widget, dashboard.filters ?? []).ok,
);

describe('a saved widget reopens in the builder and saves back to the same query', () => {
  it('the built-in widgets the builder can express are recognised', () => {
    expect(expressible.map(({ widget }) => widget.id).sort()).toEqual(
      [
        'balance-by-team-bucket',
        'collected-by-day',
        'open-tasks',
        'outcome-mix',
        'ptp-kept-rate',
        'ptp-rate',
        'recovery-rate',
        'rpc-rate',
      ].sort(),
    );
  });

  it.each(expressible.map(({ dashboard, widget }) => [widget.id, dashboard, widget] as const))(
    '%s: buildWidget(reopenWidget(widget)) gives back its query, value, shown measures and pivot',
    (_, dashboard, widget) => {
      const reopened = reopenWidget(widget, dashboard.filters ?? []);
      if (!reopened.ok) throw new Error('not expressible');
      const built = buildWidget(reopened.state, {
        choices: choicesFor(widget.query),
        filters: dashboard.filters ?? [],
      });
      if (!built.ok) throw new Error(JSON.stringify(built.problems));
      expect(built.query).toEqual(widget.query);
      expect(built.widget.type).toBe(widget.type);
      expect(built.widget.value).toBe(widget.value);
      expect(built.widget.pivot).toEqual(widget.pivot);
      if (widget.type === 'kpi') expect(built.widget.show).toEqual(widget.show);
      if (widget.compare) expect(built.widget.compare).toBe(widget.compare);
    },
  );
});

describe('a widget the builder cannot express is recognised, with the reasons', () => {
  const reasonsOf = (id: string) => {
    const found = widgets.find(({ widget }) => widget.id === id);
    if (!found) throw new Error(id);
    const out = reopenWidget(found.widget, found.dashboard.filters ?? []);
    return out.ok ? [] : out.reasons;
  };

  it('every other built-in widget is not expressible and says why', () => {
    for (const { dashboard, widget } of widgets) {
      if (expressible.some((e) => e.widget === widget)) continue;
      const out = reopenWidget(widget, dashboard.filters ?? []);
      expect(out.ok, widget.id).toBe(false);
      expect(out.ok ? [] : out.reasons, widget.id).not.toHaveLength(0);
    }
  });

  it('parts of other datasets combined, a product of fields, grouped and period-computed conditions', () => {
    expect(reasonsOf('collected')).toEqual(['dashReopenCombine']);
    expect(reasonsOf('cost-to-collect')).toEqual(
      expect.arrayContaining(['dashReopenCombine', 'dashReopenMeasure']),
    );
    expect(reasonsOf('roll-rates')).toContain('dashReopenFilter');
    expect(reasonsOf('cure-rate')).toEqual(['dashReopenFilter']);
  });
});

describe('a reopened widget saved replaces the original in place', () => {
  const found = widgets.find(({ widget }) => widget.id === 'rpc-rate');
  if (!found) throw new Error('rpc-rate');
  const original = found.widget;

  it('keeps id, layout, description and drill-down; takes the builder’s title, query and value', () => {
    const query = { ...original.query, measures: original.query.measures.slice(0, 2) };
    const built = {
      id: 'new-id',
      type: 'kpi' as const,
      title: { 'zh-CN': '新', en: 'New' },
      layout: { x: 0, y: 0, w: 3, h: 2 },
      query,
      value: 'rightParty',
      compare: 'previousPeriod' as const,
    };
    const saved = replaceWidget(original, built);
    expect(saved).toMatchObject({ id: 'rpc-rate', layout: original.layout, title: built.title, query });
    expect(saved.value).toBe('rightParty');
    expect(saved.show).toBeUndefined();
    expect(saved.drill).toEqual(original.drill);
    // The formula described the ratio that is gone.
    expect(saved.formula).toBeUndefined();
    expect(replaceWidget(original, { ...built, query: original.query }).formula).toEqual(original.formula);
  });
});
