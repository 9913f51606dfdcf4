import { DatePicker, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useLocale } from '../i18n/locale.context';
import { useDirectory } from '../shell/directory';
import { localized } from './dashboard.format';
import type { AppliedFilters, DashboardFilterSpec } from './dashboard.types';
import '../i18n/dayjs-locale';

/** Filter values as the data endpoints take them: from, to and a list per filter id. */
export type FilterValues = Record<string, string | string[]>;

function presets(t: ReturnType<typeof useLocale>['t']): { label: string; value: [Dayjs, Dayjs] }[] {
  const today = dayjs().startOf('day');
  const quarterStart = today.month(Math.floor(today.month() / 3) * 3).startOf('month');
  return [
    { label: t('dashRangeToday'), value: [today, today] },
    { label: t('dashRangeLast7'), value: [today.subtract(6, 'day'), today] },
    { label: t('dashRangeLast30'), value: [today.subtract(29, 'day'), today] },
    { label: t('dashRangeThisMonth'), value: [today.startOf('month'), today.endOf('month')] },
    {
      label: t('dashRangeLastMonth'),
      value: [today.subtract(1, 'month').startOf('month'), today.subtract(1, 'month').endOf('month')],
    },
    { label: t('dashRangeThisQuarter'), value: [quarterStart, quarterStart.add(2, 'month').endOf('month')] },
    { label: t('dashRangeThisYear'), value: [today.startOf('year'), today.endOf('year')] },
  ];
}

/**
 * The dashboard-level filters every widget follows: the period, teams, collectors, DPD buckets and
 * the currency. Values live in the URL, so a filtered dashboard can be reloaded and shared.
 */
export function FiltersBar({
  filters,
  values,
  applied,
  observed,
  onChange,
}: {
  filters: DashboardFilterSpec[];
  values: FilterValues;
  /** What the server applied (the default period when the URL names none). */
  applied: AppliedFilters | undefined;
  /** Values seen in the widgets' data per filter id (collectors and teams to pick from). */
  observed: Map<string, Set<string>>;
  onChange(next: FilterValues): void;
}) {
  const { t, locale } = useLocale();
  const { teams, teamName } = useDirectory();
  const list = (id: string): string[] => {
    const v = values[id];
    return v === undefined ? [] : [v].flat();
  };
  const set = (id: string, next: string[] | string | undefined) => {
    const out = { ...values };
    if (next === undefined || (Array.isArray(next) && next.length === 0)) delete out[id];
    else out[id] = next;
    onChange(out);
  };
  return (
    <div className="cf-dash-filters" data-testid="dashboard-filters">
      {filters.map((filter) => {
        const label = localized(filter.label, locale, filter.id);
        if (filter.type === 'dateRange') {
          const from = (values.from as string | undefined) ?? applied?.period?.from;
          const to = (values.to as string | undefined) ?? applied?.period?.to;
          return (
            <div key={filter.id} className="cf-dash-filter">
              <span className="cf-dash-filter-label">{label}</span>
              <DatePicker.RangePicker
                data-testid={`filter-${filter.id}`}
                aria-label={label}
                allowClear={false}
                value={from && to ? [dayjs(from), dayjs(to)] : null}
                presets={presets(t)}
                onChange={(range) => {
                  if (!range?.[0] || !range[1]) return;
                  onChange({
                    ...values,
                    from: range[0].format('YYYY-MM-DD'),
                    to: range[1].format('YYYY-MM-DD'),
                  });
                }}
              />
            </div>
          );
        }
        const seen = [...(observed.get(filter.id) ?? [])];
        let options: { value: string; label: string }[];
        if (filter.options) options = filter.options.map((o) => ({ value: o, label: o }));
        else if (filter.type === 'team')
          options = [...new Set([...teams.map((x) => x.id), ...seen])].map((id) => ({
            value: id,
            label: teamName(id),
          }));
        else options = seen.sort().map((v) => ({ value: v, label: v }));
        if (filter.type === 'currency') {
          return (
            <div key={filter.id} className="cf-dash-filter">
              <span className="cf-dash-filter-label">{label}</span>
              <Select
                data-testid={`filter-${filter.id}`}
                aria-label={label}
                style={{ width: 96 }}
                value={list(filter.id)[0] ?? applied?.values[filter.id]?.[0] ?? filter.default}
                options={options}
                onChange={(v: string) => set(filter.id, v)}
              />
            </div>
          );
        }
        return (
          <div key={filter.id} className="cf-dash-filter">
            <span className="cf-dash-filter-label">{label}</span>
            <Select
              data-testid={`filter-${filter.id}`}
              aria-label={label}
              mode={filter.type === 'collector' ? 'tags' : 'multiple'}
              allowClear
              maxTagCount="responsive"
              placeholder={filter.type === 'collector' ? t('dashFilterCollectorHint') : t('dashAll')}
              style={{ minWidth: 150, maxWidth: 260 }}
              value={list(filter.id)}
              options={options}
              onChange={(v: string[]) => set(filter.id, v)}
            />
          </div>
        );
      })}
    </div>
  );
}
