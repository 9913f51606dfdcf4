import { DomainError, type Locale, type ProblemDetailItem } from '@collectflow/schema';
import type {
  AggregateResult,
  DashboardSummary,
  DashboardVersionRecord,
  DashboardVersionSummary,
  ProjectionReport,
  ProjectionSpec,
  RecordIndexReport,
  RecordIndexSpec,
  Scalar,
  Store,
  StoreTx,
} from '@collectflow/store';
import { type Actor, can } from '../auth/actor.js';
import { type Problem, toProblem } from '../http/problem.js';
import type { Logger } from '../logger.js';
import { type RecordView, recordView } from '../registry/registry.views.js';
import { maskComputed, maskSensitive } from '../registry/sensitive.masking.js';
import {
  addDays,
  type DateRange,
  daysBetween,
  isDate,
  isTimeZone,
  localMidnight,
  localToday,
  presetRange,
  previousPeriod,
} from './dashboard.dates.js';
import { sayIn } from './dashboard.say.js';
import {
  type AdHocQueryBody,
  parseAdHocQuery,
  parseDashboardDefinition,
} from './dashboard-definition.check.js';
import { DASHBOARD_KEY_PATTERN } from './dashboard-definition.schema.js';
import type {
  DashboardDefinition,
  DashboardFilterSpec,
  FilterSpec,
  LocalizedText,
  PartSpec,
  QuerySpec,
  WidgetSpec,
  WidgetType,
} from './dashboard-definition.types.js';
import { abs, divide, subtract } from './decimal.math.js';
import { FormFieldsCatalog } from './form-fields.catalog.js';
import {
  type ColumnMeta,
  type FilterValues,
  formsOf,
  type ResolvedQuery,
  resolveQuery,
} from './query.resolver.js';

export interface DashboardsServiceOptions {
  /** The clock of default date ranges ("this month"); tests pin it. */
  now?: () => Date;
  /** Zone of dashboards that name none. */
  defaultTimeZone?: string;
  logger?: Logger;
  /** Widgets of one dashboard queried at once (each in its own read-only transaction). */
  concurrency?: number;
}

export type RawParams = Record<string, string | string[] | undefined>;

export interface DashboardListItem {
  key: string;
  title: LocalizedText;
  latestVersion: number;
  updatedAt: string;
  updatedBy: string;
}

export interface DashboardView {
  key: string;
  version: number;
  title: LocalizedText;
  definition: DashboardDefinition;
  /** Seeded from definitions/dashboards (and not edited since). */
  builtin: boolean;
  savedAt: string;
  savedBy: string;
}

export interface DashboardVersionView {
  version: number;
  builtin: boolean;
  savedAt: string;
  savedBy: string;
}

export interface KpiView {
  value: Scalar | null;
  previous?: Scalar | null;
  /** value − previous, exact. */
  change?: string | null;
  /** change ÷ |previous|, 6 places. */
  changeRatio?: string | null;
  target?: string | null;
  /** value ÷ target, 6 places. */
  attainment?: string | null;
}

export interface WidgetDataView {
  id: string;
  type: WidgetType;
  columns?: ColumnMeta[];
  rows?: unknown[][];
  /** The query's limit cut the rows off. */
  truncated?: boolean;
  kpi?: KpiView;
  /** Data points open their records (GET .../widgets/:id/records). */
  drillable?: boolean;
  /** This widget failed (a form the caller may not view, a field a newer form version dropped...). */
  error?: Problem;
}

export interface AppliedFilters {
  timeZone: string;
  /** The dateRange filter's period, inclusive local dates. */
  period: DateRange | null;
  previousPeriod: DateRange | null;
  values: Record<string, string[]>;
}

export interface DashboardDataView {
  key: string;
  version: number;
  filters: AppliedFilters;
  generatedAt: string;
  widgets: WidgetDataView[];
}

export interface DrillView {
  widgetId: string;
  form: string;
  /** The records as a declarative query: dataset, lookups and every condition, values filled in. */
  query: PartSpec;
  /** The same as `filter` parameters of GET /api/forms/:form/records, when they can say it; else null. */
  recordsFilter: string[] | null;
  /** The fields the widget's definition wants the list to show ('/pointer'); null: the app decides. */
  columns: string[] | null;
  items: RecordView[];
  nextCursor: string | null;
}

const DEFAULT_ZONE = 'Asia/Shanghai';
const MAX_RANGE_DAYS = 3660;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const notFound = (key: string, version?: number) =>
  new DomainError(
    'dashboards.not_found',
    'not_found',
    version === undefined ? `there is no dashboard "${key}"` : `dashboard "${key}" has no version ${version}`,
    { hint: 'GET /api/dashboards lists the dashboards' },
  );

const badParam = (pointer: string, message: string) =>
  new DomainError('dashboards.invalid_filter', 'invalid', message, { errors: [{ pointer, message }] });

/**
 * Dashboards: definitions (validated, versioned), and their data: every widget's declarative query
 * resolved against the forms and the caller's rights, compiled to SQL by the store and run.
 */
export class DashboardsService {
  readonly #catalog = new FormFieldsCatalog();
  readonly #now: () => Date;
  readonly #zone: string;
  readonly #logger: Logger | undefined;
  readonly #concurrency: number;

  constructor(
    private readonly store: Store,
    options: DashboardsServiceOptions = {},
  ) {
    this.#now = options.now ?? (() => new Date());
    this.#zone = options.defaultTimeZone ?? DEFAULT_ZONE;
    this.#logger = options.logger;
    this.#concurrency = Math.max(1, options.concurrency ?? (store.backend === 'postgres' ? 4 : 1));
  }

  /** The store's backend: callers decide whether building storage may hold them up. */
  get backend(): 'pglite' | 'postgres' {
    return this.store.backend;
  }

  // ---- definitions -------------------------------------------------------------------------

  async list(options: { limit: number; cursor?: string }): Promise<DashboardListItem[]> {
    const rows = await this.store.transaction((tx) => tx.dashboards.list(options), { readOnly: true });
    return rows.map(listItem);
  }

  async get(key: string, version?: number): Promise<DashboardView> {
    const found = await this.store.transaction((tx) => tx.dashboards.getVersion(key, version), {
      readOnly: true,
    });
    if (!found) throw notFound(key, version);
    return dashboardView(found);
  }

  async versions(key: string, options: { limit: number; before?: number }): Promise<DashboardVersionView[]> {
    return this.store.transaction(
      async (tx) => {
        if (!(await tx.dashboards.get(key))) throw notFound(key);
        return (await tx.dashboards.listVersions(key, options)).map(versionView);
      },
      { readOnly: true },
    );
  }

  /**
   * Saves `body.definition` as the next version of `key`. `body.baseVersion` is the version the
   * editor started from (null for a new dashboard): a save over someone else's newer version is a
   * 409. Every widget's query is resolved against today's forms, so an unknown field is a 422 now
   * rather than a broken widget later.
   */
  async save(
    key: string,
    body: unknown,
    actor: Actor,
    locale: Locale = 'en',
  ): Promise<{ dashboard: DashboardView; created: boolean }> {
    const say = sayIn(locale);
    if (!new RegExp(DASHBOARD_KEY_PATTERN).test(key)) {
      throw badParam('/key', `"${key}" is not a dashboard key (lower-case letters, digits and dashes)`);
    }
    const input = saveBody(body);
    const definition = parseDashboardDefinition(input.definition, '/definition', locale);
    if (definition.key !== key) {
      throw new DomainError(
        'dashboards.key_mismatch',
        'invalid',
        say(
          `the definition's key "${definition.key}" is not "${key}"`,
          `定义的 key "${definition.key}" 不是 "${key}"`,
        ),
        {
          errors: [{ pointer: '/definition/key', message: say(`must be "${key}"`, `必须是 "${key}"`) }],
        },
      );
    }
    const outcome = await this.store.transaction(async (tx) => {
      await this.#checkFields(tx, definition, actor, locale);
      return tx.dashboards.save({
        key,
        title: definition.title,
        definition: definition as unknown as Record<string, unknown>,
        actor: actor.userId,
        ...(input.baseVersion !== undefined ? { expectedLatest: input.baseVersion } : {}),
      });
    });
    if (!outcome.saved) {
      throw new DomainError(
        'dashboards.version_conflict',
        'conflict',
        outcome.latestVersion === null
          ? `there is no dashboard "${key}" to save over version ${input.baseVersion}`
          : `dashboard "${key}" is at version ${outcome.latestVersion}; you edited version ${input.baseVersion ?? 'none (a new one)'}`,
        { hint: 'reload the dashboard, reapply your change and save again' },
      );
    }
    await this.store.transaction((tx) =>
      tx.audit.append({
        actor: actor.userId,
        action: 'dashboard.saved',
        subjectType: 'dashboard',
        subjectId: key,
        detail: { version: outcome.version.version },
      }),
    );
    return { dashboard: dashboardView(outcome.version), created: outcome.created };
  }

  /**
   * Seeds a built-in definition (definitions/dashboards). Nothing is written when the file is the
   * one last seeded, or when someone saved a version since (their edit wins over the file).
   */
  async seed(
    definitionJson: unknown,
    sourceSha256: string,
  ): Promise<{ key: string; outcome: 'created' | 'updated' | 'unchanged' | 'edited' }> {
    const definition = parseDashboardDefinition(definitionJson);
    return this.store.transaction(async (tx) => {
      const latest = await tx.dashboards.getVersion(definition.key);
      if (latest?.sourceSha256 === sourceSha256)
        return { key: definition.key, outcome: 'unchanged' as const };
      if (latest && latest.sourceSha256 === null) return { key: definition.key, outcome: 'edited' as const };
      const saved = await tx.dashboards.save({
        key: definition.key,
        title: definition.title,
        definition: definition as unknown as Record<string, unknown>,
        actor: 'system',
        sourceSha256,
        expectedLatest: latest?.version ?? null,
      });
      if (!saved.saved) return { key: definition.key, outcome: 'edited' as const };
      await tx.audit.append({
        actor: 'system',
        action: 'dashboard.seeded',
        subjectType: 'dashboard',
        subjectId: definition.key,
        detail: { version: saved.version.version, sourceSha256 },
      });
      return { key: definition.key, outcome: latest ? ('updated' as const) : ('created' as const) };
    });
  }

  /**
   * Storage for the dashboards' queries: a typed projection per form they read, holding every
   * field they read (indexed where the form marks the field indexed, or a lookup finds records by
   * it), and expression indexes on records for the fields marked indexed (the path queries take
   * while a projection is being filled). Built outside transactions; idempotent.
   */
  async ensureIndexes(): Promise<RecordIndexReport & { projections: ProjectionReport }> {
    const { indexes, projections } = await this.store.transaction(
      async (tx) => {
        type Use = { pointer: string; lookupKey: boolean };
        const used = new Map<string, Map<string, Use>>();
        const use = (form: string, pointer: string, lookupKey = false) => {
          const fields = used.get(form) ?? new Map<string, Use>();
          fields.set(pointer, { pointer, lookupKey: lookupKey || (fields.get(pointer)?.lookupKey ?? false) });
          used.set(form, fields);
        };
        for (const summary of await tx.dashboards.list({ limit: 1000 })) {
          const version = await tx.dashboards.getVersion(summary.key);
          const definition = version?.definition as DashboardDefinition | undefined;
          for (const widget of definition?.widgets ?? []) {
            for (const part of [widget.query, ...(widget.query.combine ?? [])]) {
              if (!('form' in part.dataset)) continue;
              const formOf = new Map<string | undefined, string>([[undefined, part.dataset.form]]);
              for (const lookup of part.lookups ?? []) {
                formOf.set(lookup.id, lookup.form);
                use(lookup.form, lookup.to, true);
              }
              for (const ref of fieldRefsOf(part)) {
                const match = /^(?:([a-z][a-zA-Z0-9_-]{0,62}):)?(\/.+)$/s.exec(ref);
                const form = match ? formOf.get(match[1]) : undefined;
                if (match && form) use(form, match[2]!);
              }
            }
          }
        }
        const indexSpecs: RecordIndexSpec[] = [];
        const projectionSpecs: ProjectionSpec[] = [];
        for (const form of [...used.keys()].sort()) {
          const shape = await this.#catalog.shape(tx, form);
          if (!shape) continue;
          const marked = new Set(shape.indexed);
          for (const pointer of marked) {
            const field = shape.field(pointer);
            if (field.found) indexSpecs.push({ form, path: field.path, kind: field.kind });
          }
          const fields = [...used.get(form)!.values()].flatMap(({ pointer, lookupKey }) => {
            const field = shape.field(pointer);
            return field.found && field.versions === undefined
              ? [{ path: field.path, kind: field.kind, indexed: marked.has(pointer), lookupKey }]
              : [];
          });
          if (fields.length > 0) projectionSpecs.push({ form, fields });
        }
        return { indexes: indexSpecs, projections: projectionSpecs };
      },
      { readOnly: true },
    );
    const report = await this.store.ensureRecordIndexes(indexes);
    const built = await this.store.ensureRecordProjections(projections);
    if (report.created.length > 0 || report.skipped.length > 0 || built.built.length > 0) {
      this.#logger?.info(
        { indexes: report.created.length, skipped: report.skipped, projections: built.built },
        'dashboard storage ensured',
      );
    }
    return { ...report, projections: built };
  }

  // ---- data --------------------------------------------------------------------------------

  /** Every widget with the dashboard filters applied; a widget that fails carries its problem. */
  async data(
    key: string,
    params: RawParams,
    actor: Actor,
    version?: number,
    locale: Locale = 'en',
  ): Promise<DashboardDataView> {
    const stored = await this.get(key, version);
    const definition = stored.definition;
    const applied = this.#applied(definition.filters ?? [], params, definition.timeZone, locale);
    const widgets = await pool(definition.widgets, this.#concurrency, (widget, i) =>
      this.#widgetData(widget, `/widgets/${i}/query`, applied, actor),
    );
    return {
      key,
      version: stored.version,
      filters: appliedView(applied),
      generatedAt: this.#now().toISOString(),
      widgets,
    };
  }

  /** The editor's live preview: one query, with the filter values it chose. */
  async query(
    body: unknown,
    actor: Actor,
    locale: Locale = 'en',
  ): Promise<WidgetDataView & { filters: AppliedFilters }> {
    const parsed: AdHocQueryBody = parseAdHocQuery(body, locale);
    const params: RawParams = { ...(parsed.values ?? {}) };
    const applied = this.#applied(parsed.filters ?? [], params, parsed.timeZone, locale);
    return this.store.transaction(
      async (tx) => {
        const resolved = await this.#resolve(tx, parsed.query, '/query', applied, actor);
        const result = await tx.analytics.aggregate(resolved.aggregate);
        const view: WidgetDataView = {
          id: 'preview',
          type: 'table',
          ...tableOf(resolved, result),
          drillable: resolved.parts.some((p) => p.source.kind === 'records'),
        };
        if (parsed.kpi) {
          // The same number, and change against the previous period, as the saved KPI widget shows.
          const kpi = { query: parsed.query, ...parsed.kpi };
          view.kpi = await this.#kpi(tx, kpi, view, applied, actor, '/query');
        }
        return { ...view, filters: appliedView(applied) };
      },
      { readOnly: true },
    );
  }

  /**
   * The records behind one data point of a widget: `at.<dimension id>` values (empty for the empty
   * group), optionally `measure` (the rows it counts; for a ratio, its denominator's), newest first.
   */
  async drill(
    key: string,
    widgetId: string,
    params: RawParams,
    actor: Actor,
    locale: Locale = 'en',
  ): Promise<DrillView> {
    const stored = await this.get(key, optionalVersion(params.version));
    const definition = stored.definition;
    const widget = definition.widgets.find((w) => w.id === widgetId);
    if (!widget) {
      throw new DomainError(
        'dashboards.widget_not_found',
        'not_found',
        `dashboard "${key}" has no widget "${widgetId}"`,
      );
    }
    if (widget.drill === false) {
      throw new DomainError(
        'dashboards.drill_unsupported',
        'invalid',
        `widget "${widgetId}" does not open its records`,
      );
    }
    const applied = this.#applied(definition.filters ?? [], params, definition.timeZone, locale);
    const limit = optionalInt(params.limit, 'limit', 1, 200) ?? 50;
    const cursor = single(params.cursor);
    if (cursor !== undefined && !UUID.test(cursor))
      throw badParam('/cursor', 'cursor is the nextCursor of the previous page');
    return this.store.transaction(
      async (tx) => {
        const pointer = `/widgets/${definition.widgets.indexOf(widget)}/query`;
        const resolved = await this.#resolve(tx, widget.query, pointer, applied, actor);
        const measureId = single(params.measure);
        let partIndex = 0;
        let measureIndex: number | undefined;
        if (measureId !== undefined) {
          const at = resolved.measures.get(measureId);
          if (!at) throw badParam('/measure', `widget "${widgetId}" has no measure "${measureId}"`);
          const target = 'ratio' in at ? resolved.aggregate.ratios![at.ratio]!.denominator : at;
          partIndex = target.part;
          measureIndex = target.measure;
        }
        const part = resolved.parts[partIndex]!;
        const shape = resolved.forms[partIndex];
        if (part.source.kind !== 'records' || !shape) {
          throw new DomainError(
            'dashboards.drill_unsupported',
            'invalid',
            'only form records can be listed behind a data point',
            {
              hint: 'process, task and history data have no records page',
            },
          );
        }
        const point = resolved.dimensionIds.flatMap((id, dimension) => {
          const raw = params[`at.${id}`];
          if (raw === undefined) return [];
          const text = single(raw) ?? '';
          const column = resolved.columns[dimension]!;
          const value: Scalar | null =
            text === '' ? null : column.type === 'boolean' ? text === 'true' : text;
          return [{ dimension, value }];
        });
        const records = await tx.analytics.drill({
          part,
          point,
          ...(measureIndex !== undefined ? { measure: measureIndex } : {}),
          timeZone: applied.timeZone,
          limit,
          ...(cursor ? { before: cursor } : {}),
        });
        const seeAll = can(actor, 'sensitive.view');
        const items = records.map((record) => {
          if (seeAll) return recordView(record, { data: record.data, computed: record.computed, masked: [] });
          const sensitive = shape.sensitiveIn(record.formVersion);
          const masked = maskSensitive(record.data, sensitive);
          return recordView(record, { ...masked, computed: maskComputed(record.computed, sensitive) });
        });
        const query = drillQuery(widget.query, partIndex, measureIndex, resolved, point, applied);
        return {
          widgetId,
          form: shape.key,
          query,
          recordsFilter: recordsFilterOf(query),
          columns:
            typeof widget.drill === 'object' && widget.drill.columns ? [...widget.drill.columns] : null,
          items,
          nextCursor: records.length === limit ? records.at(-1)!.id : null,
        };
      },
      { readOnly: true },
    );
  }

  // ---- internals ---------------------------------------------------------------------------

  async #resolve(
    tx: StoreTx,
    query: QuerySpec,
    pointer: string,
    applied: AppliedState,
    actor: Actor,
  ): Promise<ResolvedQuery> {
    // One round trip for the forms' latest versions, the ready projections and the timeout.
    const { latest, projections } = await tx.analytics.prepare(formsOf(query));
    return resolveQuery(query, {
      tx,
      catalog: this.#catalog,
      actor,
      timeZone: applied.timeZone,
      filters: applied.values,
      pointer,
      projections,
      latest,
      locale: applied.locale,
    });
  }

  async #checkFields(
    tx: StoreTx,
    definition: DashboardDefinition,
    actor: Actor,
    locale: Locale,
  ): Promise<void> {
    const say = sayIn(locale);
    const applied = this.#applied(definition.filters ?? [], {}, definition.timeZone, locale);
    const errors: ProblemDetailItem[] = [];
    let code = 'dashboards.invalid_definition';
    for (const [i, widget] of definition.widgets.entries()) {
      try {
        await this.#resolve(tx, widget.query, `/definition/widgets/${i}/query`, applied, actor);
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
        if (errors.length === 0) code = error.code;
        errors.push(
          ...(error.errors ?? [{ pointer: `/definition/widgets/${i}/query`, message: error.message }]),
        );
      }
    }
    if (errors.length > 0) {
      throw new DomainError(
        code,
        'invalid',
        say(
          `the dashboard's queries do not fit the forms: ${errors[0]!.message}`,
          `看板的查询与表单不符：${errors[0]!.message}`,
        ),
        {
          errors,
          hint: say('fix the queries at the pointers listed in errors', '请按 errors 中的位置修改查询'),
        },
      );
    }
  }

  async #widgetData(
    widget: WidgetSpec,
    pointer: string,
    applied: AppliedState,
    actor: Actor,
  ): Promise<WidgetDataView> {
    try {
      return await this.store.transaction(
        async (tx) => {
          const resolved = await this.#resolve(tx, widget.query, pointer, applied, actor);
          const result = await tx.analytics.aggregate(resolved.aggregate);
          const view: WidgetDataView = {
            id: widget.id,
            type: widget.type,
            ...tableOf(resolved, result),
            drillable: widget.drill !== false && resolved.parts.some((p) => p.source.kind === 'records'),
          };
          if (widget.type === 'kpi' || widget.type === 'gauge') {
            view.kpi = await this.#kpi(tx, widget, view, applied, actor, pointer);
          }
          return view;
        },
        { readOnly: true },
      );
    } catch (error) {
      const { problem, unexpected } = toProblem(error);
      if (unexpected) this.#logger?.error({ err: error, widget: widget.id }, 'dashboard widget failed');
      return { id: widget.id, type: widget.type, error: problem };
    }
  }

  async #kpi(
    tx: StoreTx,
    widget: Pick<WidgetSpec, 'query' | 'value' | 'show' | 'target' | 'compare'>,
    view: WidgetDataView,
    applied: AppliedState,
    actor: Actor,
    pointer: string,
  ): Promise<KpiView> {
    const valueId = widget.value ?? widget.show?.[0] ?? view.columns![0]!.id;
    const read = (columns: ColumnMeta[], rows: unknown[][], id: string): Scalar | null => {
      const index = columns.findIndex((c) => c.id === id);
      const cell = rows[0]?.[index];
      return cell === undefined || cell === null ? null : (cell as Scalar);
    };
    const value = read(view.columns!, view.rows!, valueId);
    const kpi: KpiView = { value };
    if (widget.target) {
      const target =
        'value' in widget.target
          ? String(widget.target.value)
          : read(view.columns!, view.rows!, widget.target.measure);
      kpi.target = target === null ? null : String(target);
      kpi.attainment = divide(asNumber(value), kpi.target);
    }
    if (widget.compare === 'previousPeriod' && applied.values.range && applied.previous) {
      const previousApplied: AppliedState = {
        ...applied,
        values: { ...applied.values, range: { id: applied.values.range.id, period: applied.previous } },
      };
      const resolved = await this.#resolve(tx, widget.query, pointer, previousApplied, actor);
      const result = await tx.analytics.aggregate(resolved.aggregate);
      const table = tableOf(resolved, result);
      kpi.previous = read(table.columns, table.rows, valueId);
      kpi.change = subtract(asNumber(value), asNumber(kpi.previous));
      kpi.changeRatio = divide(kpi.change, abs(asNumber(kpi.previous)));
    }
    return kpi;
  }

  #applied(
    filters: readonly DashboardFilterSpec[],
    params: RawParams,
    zone: string | undefined,
    locale: Locale,
  ): AppliedState {
    const say = sayIn(locale);
    const tzParam = single(params.tz);
    if (tzParam !== undefined && !isTimeZone(tzParam))
      throw badParam('/tz', say(`"${tzParam}" is not an IANA time zone`, `"${tzParam}" 不是 IANA 时区`));
    const timeZone = tzParam ?? (zone && isTimeZone(zone) ? zone : this.#zone);
    const values = new Map<string, string[]>();
    let range: FilterValues['range'];
    let previous: DateRange | null = null;
    for (const filter of filters) {
      if (filter.type === 'dateRange') {
        const from = single(params.from);
        const to = single(params.to);
        let period: DateRange;
        if (from === undefined && to === undefined) {
          period = presetRange(filter.default ?? 'thisMonth', localToday(this.#now(), timeZone));
        } else {
          if (!isDate(from))
            throw badParam(
              '/from',
              say('from is the first day of the period (YYYY-MM-DD)', 'from 是期间的第一天（YYYY-MM-DD）'),
            );
          if (!isDate(to))
            throw badParam(
              '/to',
              say('to is the last day of the period (YYYY-MM-DD)', 'to 是期间的最后一天（YYYY-MM-DD）'),
            );
          if (to < from) throw badParam('/to', say('to is before from', 'to 早于 from'));
          if (daysBetween(from, to) > MAX_RANGE_DAYS)
            throw badParam(
              '/to',
              say(`a period is at most ${MAX_RANGE_DAYS} days`, `期间最长 ${MAX_RANGE_DAYS} 天`),
            );
          period = { from, to };
        }
        range = { id: filter.id, period };
        previous = previousPeriod(period);
        continue;
      }
      const raw = params[filter.id];
      const list = (raw === undefined ? [] : [raw].flat()).filter((v) => v !== '');
      const chosen = list.length > 0 ? list : filter.default !== undefined ? [filter.default] : [];
      for (const value of chosen) {
        if (value.length > 100)
          throw badParam(
            `/${filter.id}`,
            say(`${filter.id}: a value is at most 100 characters`, `${filter.id}：取值最多 100 个字符`),
          );
        if (filter.options && !filter.options.includes(value)) {
          throw badParam(
            `/${filter.id}`,
            say(
              `${filter.id} is one of ${filter.options.join(', ')}`,
              `${filter.id} 只能是 ${filter.options.join('、')} 之一`,
            ),
          );
        }
        if (filter.type === 'currency' && !/^[A-Z]{3}$/.test(value)) {
          throw badParam(
            `/${filter.id}`,
            say(`${filter.id} is an ISO 4217 code such as CNY`, `${filter.id} 是 ISO 4217 币种代码，如 CNY`),
          );
        }
      }
      if (chosen.length > 0) values.set(filter.id, chosen);
    }
    return { timeZone, values: { ...(range ? { range } : {}), values }, previous, locale };
  }
}

interface AppliedState {
  timeZone: string;
  values: FilterValues;
  previous: DateRange | null;
  /** The language of the problems. */
  locale: Locale;
}

function appliedView(applied: AppliedState): AppliedFilters {
  return {
    timeZone: applied.timeZone,
    period: applied.values.range?.period ?? null,
    previousPeriod: applied.previous,
    values: Object.fromEntries([...applied.values.values].map(([k, v]) => [k, [...v]])),
  };
}

function tableOf(
  resolved: ResolvedQuery,
  result: AggregateResult,
): { columns: ColumnMeta[]; rows: unknown[][]; truncated: boolean } {
  const index = resolved.sources.map((name) => result.columns.findIndex((c) => c.name === name));
  return {
    columns: resolved.columns,
    rows: result.rows.map((row) => index.map((i) => row[i])),
    truncated: result.rows.length >= resolved.aggregate.limit,
  };
}

function asNumber(value: Scalar | null | undefined): string | null {
  if (value === null || value === undefined || typeof value === 'boolean') return null;
  return String(value);
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of the results. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function optionalInt(
  raw: string | string[] | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = single(raw);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d{1,9}$/.test(text) || n < min || n > max)
    throw badParam(`/${name}`, `${name} is a whole number from ${min} to ${max}`);
  return n;
}

function optionalVersion(raw: string | string[] | undefined): number | undefined {
  return optionalInt(raw, 'version', 1, 1_000_000_000);
}

function saveBody(body: unknown): { definition: unknown; baseVersion?: number | null } {
  const shape =
    'an object with "definition" and "baseVersion" (the version you edited, or null for a new dashboard)';
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    !Object.hasOwn(body, 'definition')
  ) {
    throw new DomainError('dashboards.invalid_body', 'invalid', `the request body must be ${shape}`, {
      errors: [{ pointer: '/definition', message: 'required' }],
    });
  }
  const b = body as { definition: unknown; baseVersion?: unknown };
  if (
    b.baseVersion !== undefined &&
    b.baseVersion !== null &&
    !(Number.isInteger(b.baseVersion) && (b.baseVersion as number) > 0)
  ) {
    throw new DomainError('dashboards.invalid_body', 'invalid', 'baseVersion is a version number or null', {
      errors: [{ pointer: '/baseVersion', message: 'a positive integer or null' }],
    });
  }
  return {
    definition: b.definition,
    ...(b.baseVersion !== undefined ? { baseVersion: b.baseVersion as number | null } : {}),
  };
}

const listItem = (s: DashboardSummary): DashboardListItem => ({
  key: s.key,
  title: s.title,
  latestVersion: s.latestVersion,
  updatedAt: s.updatedAt.toISOString(),
  updatedBy: s.updatedBy,
});

const dashboardView = (v: DashboardVersionRecord): DashboardView => {
  const definition = v.definition as unknown as DashboardDefinition;
  return {
    key: v.key,
    version: v.version,
    title: definition.title,
    definition,
    builtin: v.sourceSha256 !== null,
    savedAt: v.savedAt.toISOString(),
    savedBy: v.savedBy,
  };
};

const versionView = (v: DashboardVersionSummary): DashboardVersionView => ({
  version: v.version,
  builtin: v.sourceSha256 !== null,
  savedAt: v.savedAt.toISOString(),
  savedBy: v.savedBy,
});

/** The drilled rows as a declarative query over the part's dataset, every value filled in. */
function drillQuery(
  spec: QuerySpec,
  partIndex: number,
  measureIndex: number | undefined,
  resolved: ResolvedQuery,
  point: readonly { dimension: number; value: Scalar | null }[],
  applied: AppliedState,
): PartSpec {
  const part: PartSpec = partIndex === 0 ? spec : spec.combine![partIndex - 1]!;
  const filters: FilterSpec[] = [...(part.filters ?? [])];
  for (const [filterId, field] of Object.entries(part.follow ?? {})) {
    const range = applied.values.range;
    if (range?.id === filterId) {
      const dateTime = isDateTimeField(resolved, partIndex, field);
      filters.push(
        dateTime
          ? { field, op: 'gte', value: localMidnight(range.period.from, applied.timeZone) }
          : { field, op: 'gte', value: range.period.from },
        dateTime
          ? { field, op: 'lt', value: localMidnight(addDays(range.period.to, 1), applied.timeZone) }
          : { field, op: 'lte', value: range.period.to },
      );
      continue;
    }
    const values = applied.values.values.get(filterId);
    if (values && values.length > 0) {
      filters.push(
        values.length === 1
          ? { field, op: 'eq', value: values[0]! }
          : { field, op: 'in', values: [...values] },
      );
    }
  }
  for (const { dimension, value } of point) {
    const d = part.dimensions?.[dimension];
    if (!d) continue;
    if (value === null) filters.push({ field: d.field, op: 'isNull' });
    else if (!d.bucket) filters.push({ field: d.field, op: 'eq', value });
    else {
      const bucket = resolved.columns[dimension]!.bucket;
      // A date bucket is a period: the day, the week from Monday, or the month starting at `value`.
      const start = String(value);
      const end =
        bucket === 'day' ? start : bucket === 'week' ? addDays(start, 6) : addDays(nextMonth(start), -1);
      if (isDateTimeField(resolved, partIndex, d.field)) {
        filters.push(
          { field: d.field, op: 'gte', value: localMidnight(start, applied.timeZone) },
          { field: d.field, op: 'lt', value: localMidnight(addDays(end, 1), applied.timeZone) },
        );
      } else {
        filters.push({ field: d.field, op: 'gte', value: start }, { field: d.field, op: 'lte', value: end });
      }
    }
  }
  if (measureIndex !== undefined) {
    const plain = part.measures.filter((m) => m.op !== 'ratio');
    const measure = plain[measureIndex];
    if (measure && 'filters' in measure && measure.filters) filters.push(...measure.filters);
  }
  return {
    dataset: part.dataset,
    ...(part.lookups ? { lookups: part.lookups } : {}),
    measures: [{ id: 'records', op: 'count' }],
    ...(filters.length > 0 ? { filters } : {}),
  };
}

/** Every field reference of a part: dimensions, measures, filters, followed filters, lookup keys. */
function fieldRefsOf(part: PartSpec): string[] {
  const out: string[] = [];
  const filters = (list: readonly FilterSpec[] | undefined) => {
    for (const f of list ?? []) {
      if ('or' in f) filters(f.or);
      else if ('and' in f) filters(f.and);
      else out.push(f.field);
    }
  };
  for (const d of part.dimensions ?? []) out.push(d.field);
  for (const m of part.measures) {
    if ('field' in m && typeof m.field === 'string') out.push(m.field);
    if ('fields' in m) out.push(...m.fields);
    if ('filters' in m) filters(m.filters);
  }
  filters(part.filters);
  out.push(...Object.values(part.follow ?? {}));
  for (const l of part.lookups ?? []) out.push(l.from);
  return out;
}

function nextMonth(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

function isDateTimeField(resolved: ResolvedQuery, partIndex: number, ref: string): boolean {
  const shape = resolved.forms[partIndex];
  if (ref.startsWith('@')) return true;
  const match = /^(?:([a-z][a-zA-Z0-9_-]*):)?(\/.*)$/s.exec(ref);
  if (!match || match[1] !== undefined || !shape) return false;
  const field = shape.field(match[2]!);
  return field.found && field.kind === 'date-time';
}

/** `/pointer:op:value` filters of the records list API, when every condition is one of them. */
function recordsFilterOf(query: PartSpec): string[] | null {
  const out: string[] = [];
  for (const f of query.filters ?? []) {
    if (!('field' in f) || !f.field.startsWith('/')) return null;
    if (!['eq', 'gt', 'gte', 'lt', 'lte', 'contains'].includes(f.op) || !('value' in f)) return null;
    if (typeof f.value === 'object') return null;
    out.push(`${f.field}:${f.op}:${f.value}`);
  }
  return out;
}
