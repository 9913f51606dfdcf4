import {
  type CompatibilityReport,
  checkDefinition,
  compareVersions,
  type DefinitionProblem,
  DomainError,
  evaluateComputedDetailed,
  type FormMetadata,
  generateTypes,
  type Locale,
  type SchemaLimits,
  type ValidationError,
  ValidatorCache,
} from '@collectflow/schema';
import type { FormContent, FormVersionRecord, RecordRecord, Store, StoreTx } from '@collectflow/store';
import { type Actor, can, canOnForm } from '../auth/actor.js';
import { csvDocument } from '../http/csv.js';
import { definitionError, definitionFromBody, invalidBody } from './definition.input.js';
import { checkFileReferences, fileReferencesIn } from './file-references.js';
import { formRefsIn, loadFormRefClosure, resolverOver } from './form-refs.loader.js';
import { parsePointer, valueAt } from './json-pointer.js';
import { PublishedVersionsCache } from './published-versions.cache.js';
import {
  DEFAULT_SORT,
  encodeCursor,
  parseRecordQuery,
  type RecordListParams,
} from './record-query.parser.js';
import { csvColumnsOf, csvHeaderOf, csvRowOf } from './records.csv.js';
import {
  type FormDraftView,
  type FormSummaryView,
  type FormVersionSummaryView,
  type FormVersionView,
  formDraftView,
  formSummaryView,
  formVersionSummaryView,
  formVersionView,
  type RecordView,
  recordView,
} from './registry.views.js';
import { maskComputed, maskSensitive, restoreMaskedValues } from './sensitive.masking.js';
import { findNulCharacter } from './unstorable-text.guard.js';

export interface RegistryOptions {
  /** Extra schema documents by URI that forms may $ref (shared definitions; the conformance suite's remotes). */
  documents?: Record<string, unknown>;
  limits?: Partial<SchemaLimits>;
  /** Compiled validators kept in memory (published versions). */
  maxValidators?: number;
}

/** The outcome of validating data against a form version, computed fields included. */
export interface DataValidation {
  valid: boolean;
  errors: ValidationError[];
  formVersion: number;
  /** The data as it would be stored: computed fields written by the server. */
  data: unknown;
  /** pointer → value of each computed field that could be evaluated. */
  computed: Record<string, unknown>;
}

export interface PublishResult {
  version: FormVersionView;
  /** Against the previous version; null for the first. */
  compatibility: CompatibilityReport | null;
  /** Warnings of the definition checks (errors would have stopped the publish). */
  problems: DefinitionProblem[];
}

export type VersionSelector = number | 'latest';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const text = (locale: Locale, en: string, zh: string) => (locale === 'zh-CN' ? zh : en);

/**
 * The schema registry: forms with a draft and immutable published versions, the checks and
 * compatibility report that guard publishing, and records validated against a pinned version.
 *
 * Validators come from one ValidatorCache (compiled once per published version, never per
 * request). Published versions are cached too: they never change, so the cache is right on
 * every node. Drafts are validated through a cache of their own keyed by draft revision, so a
 * draft can never be served from, or leave anything in, a published version's slot.
 */
export class FormRegistryService {
  readonly #published = new PublishedVersionsCache();
  /** The latest version per form key as this node last saw it; a hint, always checked on use. */
  readonly #latest = new Map<string, number>();
  readonly #validators: ValidatorCache;
  readonly #draftValidators: ValidatorCache;
  readonly #documents: Record<string, unknown>;
  readonly #limits: Partial<SchemaLimits> | undefined;

  constructor(
    private readonly store: Store,
    options: RegistryOptions = {},
  ) {
    this.#documents = options.documents ?? {};
    this.#limits = options.limits;
    const resolveRef = (key: string, version: number) => this.#published.get(key, version)?.schema;
    this.#validators = new ValidatorCache({
      resolveRef,
      documents: this.#documents,
      ...(options.maxValidators ? { maxEntries: options.maxValidators } : {}),
    });
    this.#draftValidators = new ValidatorCache({ resolveRef, documents: this.#documents, maxEntries: 20 });
  }

  // ---- definitions -------------------------------------------------------------------------

  /** Every problem of a definition, without saving anything (the designer's live check). */
  async check(body: unknown, locale: Locale): Promise<DefinitionProblem[]> {
    const definition = definitionFromBody(body);
    return this.#checkDefinition(definition, locale);
  }

  async createForm(
    body: unknown,
    actor: Actor,
    locale: Locale,
  ): Promise<{ form: FormSummaryView; draft: FormDraftView; problems: DefinitionProblem[] }> {
    const definition = definitionFromBody(body);
    const problems = await this.#checkDefinition(definition, locale);
    const error = definitionError(problems, locale);
    if (error) throw error;
    const key = definition.key as string;
    return this.store.transaction(async (tx) => {
      const form = await tx.forms.create({ key, draft: contentOf(definition), actor: actor.userId });
      if (!form) {
        throw new DomainError('forms.exists', 'conflict', `a form with key "${key}" exists already`, {
          hint: `change it with PUT /api/forms/${key}/draft, or pick another key`,
        });
      }
      await tx.audit.append({
        actor: actor.userId,
        action: 'form.created',
        subjectType: 'form',
        subjectId: key,
        detail: { draftRevision: form.draftRevision },
      });
      return { form: formSummaryView(form), draft: formDraftView(form)!, problems };
    });
  }

  /** Replaces the draft; `revision`, when sent, must be the draft the caller edited. */
  async saveDraft(
    key: string,
    body: unknown,
    actor: Actor,
    locale: Locale,
  ): Promise<{ draft: FormDraftView; problems: DefinitionProblem[] }> {
    const expected = isObject(body) ? body.revision : undefined;
    if (expected !== undefined && !(Number.isInteger(expected) && (expected as number) > 0)) {
      throw invalidBody('an object whose "revision", when present, is a positive integer');
    }
    const definition = definitionFromBody(body, key);
    const problems = await this.#checkDefinition(definition, locale);
    const error = definitionError(problems, locale);
    if (error) throw error;
    return this.store.transaction(async (tx) => {
      const form = await tx.forms.get(key, { forUpdate: true });
      if (!form) throw formNotFound(key);
      if (expected !== undefined && form.draftRevision !== expected)
        throw draftChanged(key, form.draftRevision);
      const saved = await tx.forms.saveDraft(key, contentOf(definition), actor.userId);
      await tx.audit.append({
        actor: actor.userId,
        action: 'form.draft_saved',
        subjectType: 'form',
        subjectId: key,
        detail: { draftRevision: saved.draftRevision },
      });
      return { draft: formDraftView(saved)!, problems };
    });
  }

  async getForm(key: string): Promise<FormSummaryView> {
    const form = await this.store.transaction((tx) => tx.forms.get(key), { readOnly: true });
    if (!form) throw formNotFound(key);
    return formSummaryView(form);
  }

  async listForms(options: { limit: number; cursor?: string }): Promise<FormSummaryView[]> {
    const forms = await this.store.transaction((tx) => tx.forms.list(options), { readOnly: true });
    return forms.map(formSummaryView);
  }

  async getDraft(key: string): Promise<FormDraftView> {
    const form = await this.store.transaction((tx) => tx.forms.get(key), { readOnly: true });
    if (!form) throw formNotFound(key);
    const draft = formDraftView(form);
    if (!draft) throw noDraft(key);
    return draft;
  }

  /**
   * Publishes the draft as the next version. The checks and the compatibility report run before
   * the form row is locked (they are CPU work); the write then verifies that neither the draft
   * nor the latest version moved meanwhile, so what was checked is exactly what is published.
   */
  async publish(
    key: string,
    options: { acceptBreaking?: boolean; draftRevision?: number },
    actor: Actor,
    locale: Locale,
  ): Promise<PublishResult> {
    const { form, latest } = await this.store.transaction(
      async (tx) => {
        const found = await tx.forms.get(key);
        if (!found) throw formNotFound(key);
        const previous =
          found.latestVersion === null ? undefined : await this.#version(tx, key, found.latestVersion);
        return { form: found, latest: previous };
      },
      { readOnly: true },
    );
    if (!form.draft) throw noDraft(key);
    if (options.draftRevision !== undefined && options.draftRevision !== form.draftRevision) {
      throw draftChanged(key, form.draftRevision);
    }
    const definition = { key, ...form.draft };
    const problems = await this.#checkDefinition(definition, locale);
    const error = definitionError(problems, locale);
    if (error) throw error;
    if (latest && sameContent(latest, form.draft)) {
      throw new DomainError(
        'forms.nothing_to_publish',
        'conflict',
        `the draft of "${key}" is the same as version ${latest.version}`,
        { hint: 'change the draft first; published versions are never repeated' },
      );
    }
    const report = latest ? compareVersions(latest.schema, form.draft.schema, { locale }) : null;
    if (report && !report.compatible && !options.acceptBreaking) {
      throw new DomainError(
        'forms.breaking_change',
        'conflict',
        text(
          locale,
          `publishing "${key}" would break ${report.breaking.length} thing(s) that version ${latest!.version} accepted`,
          `发布“${key}”会破坏第 ${latest!.version} 版接受的 ${report.breaking.length} 处内容`,
        ),
        {
          hint: 'review the breaking changes; publish with "acceptBreaking": true to go ahead',
          errors: report.breaking.map(({ pointer, code, message }) => ({ pointer, code, message })),
        },
      );
    }
    // Stored in English: the record of what was accepted should not depend on who published it.
    const stored = report && locale !== 'en' ? compareVersions(latest!.schema, form.draft.schema) : report;
    const published = await this.store.transaction(async (tx) => {
      const locked = await tx.forms.get(key, { forUpdate: true });
      if (!locked) throw formNotFound(key);
      if (locked.draftRevision !== form.draftRevision || locked.latestVersion !== form.latestVersion) {
        throw draftChanged(key, locked.draftRevision);
      }
      const version = (locked.latestVersion ?? 0) + 1;
      const row = await tx.forms.insertVersion({
        key,
        version,
        content: form.draft!,
        compatibility: stored as unknown as Record<string, unknown> | null,
        acceptedBreaking: Boolean(report && !report.compatible),
        actor: actor.userId,
      });
      await tx.audit.append({
        actor: actor.userId,
        action: 'form.published',
        subjectType: 'form',
        subjectId: key,
        detail: {
          version,
          draftRevision: locked.draftRevision,
          compatible: report?.compatible ?? true,
          breaking: report?.breaking.length ?? 0,
          acceptedBreaking: Boolean(report && !report.compatible),
        },
      });
      return row;
    });
    // Only after commit: a rolled-back publish must not leave a phantom version in memory.
    this.#published.set(published);
    this.#latest.set(key, published.version);
    return { version: formVersionView(published), compatibility: report, problems };
  }

  async getVersion(key: string, version: VersionSelector): Promise<FormVersionView> {
    return this.store.transaction(
      async (tx) => formVersionView(await this.#resolveVersion(tx, key, version)),
      { readOnly: true },
    );
  }

  async listVersions(
    key: string,
    options: { limit: number; before?: number },
  ): Promise<FormVersionSummaryView[]> {
    return this.store.transaction(
      async (tx) => {
        if ((await tx.forms.latestVersion(key)) === undefined) throw formNotFound(key);
        return (await tx.forms.listVersions(key, options)).map(formVersionSummaryView);
      },
      { readOnly: true },
    );
  }

  /** What changes from one version to another; 'draft' names the unpublished draft. */
  async diff(
    key: string,
    from: VersionSelector | 'draft',
    to: VersionSelector | 'draft',
    locale: Locale,
  ): Promise<CompatibilityReport & { from: number | 'draft'; to: number | 'draft' }> {
    return this.store.transaction(
      async (tx) => {
        const side = async (which: VersionSelector | 'draft') => {
          if (which !== 'draft') {
            const v = await this.#resolveVersion(tx, key, which);
            return { label: v.version as number | 'draft', schema: v.schema };
          }
          const form = await tx.forms.get(key);
          if (!form) throw formNotFound(key);
          if (!form.draft) throw noDraft(key);
          return { label: 'draft' as const, schema: form.draft.schema };
        };
        const a = await side(from);
        const b = await side(to);
        return { from: a.label, to: b.label, ...compareVersions(a.schema, b.schema, { locale }) };
      },
      { readOnly: true },
    );
  }

  /** TypeScript declarations of a version's data (json-schema-to-typescript), refs bundled in. */
  async typesFor(key: string, version: VersionSelector): Promise<{ version: number; source: string }> {
    const { found, refs } = await this.store.transaction(
      async (tx) => {
        const v = await this.#resolveVersion(tx, key, version);
        return { found: v, refs: await this.#loadRefs(v.schema, tx) };
      },
      { readOnly: true },
    );
    const source = await generateTypes(
      { key, title: found.title, schema: found.schema },
      { resolveRef: resolverOver(refs) },
    );
    return { version: found.version, source };
  }

  // ---- data --------------------------------------------------------------------------------

  /**
   * Validates data against a version (the latest when none is named) without storing it: the
   * renderer's live check and computed values, and the runtime's task-form port.
   */
  async validate(
    key: string,
    version: VersionSelector | null,
    data: unknown,
    locale: Locale,
  ): Promise<DataValidation> {
    return this.store.transaction(
      async (tx) => {
        const found = await this.#resolveVersion(tx, key, version ?? 'latest');
        return this.#validateData(tx, found, data, locale);
      },
      { readOnly: true },
    );
  }

  /** The same against the current draft (the designer's preview). */
  async validateDraft(key: string, data: unknown, locale: Locale): Promise<DataValidation> {
    return this.store.transaction(
      async (tx) => {
        const form = await tx.forms.get(key);
        if (!form) throw formNotFound(key);
        if (!form.draft) throw noDraft(key);
        // Revisions only grow, so key@revision names one draft content for ever.
        const asVersion = { key, version: form.draftRevision, ...form.draft };
        return this.#validateData(tx, asVersion, data, locale, this.#draftValidators);
      },
      { readOnly: true },
    );
  }

  /** Deploy-time lookup for the process runtime: does this form (at this version) exist? */
  async formExists(key: string, version?: number): Promise<boolean> {
    return this.store.transaction(
      async (tx) => {
        if (version === undefined) return Boolean(await tx.forms.latestVersion(key));
        return (await this.#version(tx, key, version)) !== undefined;
      },
      { readOnly: true },
    );
  }

  async createRecord(key: string, body: unknown, actor: Actor, locale: Locale): Promise<RecordView> {
    const input = recordInput(body, false);
    checkOwnership(input, actor);
    return this.store.transaction(async (tx) => {
      const record = {
        formKey: key,
        data: input.data,
        // The creator's team owns a record unless told otherwise: record-level rules start there.
        ownerTeamId: input.ownerTeamId !== undefined ? input.ownerTeamId : (actor.teamIds[0] ?? null),
        assigneeId: input.assigneeId ?? null,
        actor: actor.userId,
      };
      const insert = async (version: FormVersionRecord, onlyIfLatest: boolean) => {
        const result = await this.#validateData(tx, version, input.data, locale);
        if (!result.valid) return { result };
        const files = await checkFileReferences(
          tx,
          fileReferencesIn(version.schema, result.data),
          { userId: actor.userId, recordId: null },
          locale,
        );
        if (files.errors.length > 0) return { result: { ...result, errors: files.errors } };
        const stored = await tx.records.insert(
          { ...record, formVersion: version.version, data: result.data, computed: result.computed },
          { onlyIfLatest },
        );
        // Files chosen before the record existed move onto it, in the same transaction.
        if (stored)
          await tx.attachments.claimUploads(files.pending, actor.userId, { type: 'record', id: stored.id });
        return { result, stored };
      };
      // The latest version this node saw is tried first, guarded in the insert itself; only when a
      // publish moved it (or the data fails against it) is the latest read again.
      const remembered = input.formVersion === undefined ? this.#latest.get(key) : undefined;
      let attempt =
        remembered === undefined
          ? undefined
          : await insert(await this.#resolveVersion(tx, key, remembered), true);
      if (!attempt?.stored)
        attempt = await insert(await this.#resolveVersion(tx, key, input.formVersion ?? 'latest'), false);
      const { result, stored } = attempt;
      if (!stored) throw invalidData(key, result.formVersion, result.errors, locale);
      await tx.audit.append({
        actor: actor.userId,
        action: 'record.created',
        subjectType: 'record',
        subjectId: stored.id,
        detail: { formKey: key, formVersion: stored.formVersion },
      });
      return this.#show(tx, stored, actor);
    });
  }

  async getRecord(id: string, actor: Actor): Promise<RecordView> {
    return this.store.transaction(
      async (tx) => {
        const record = UUID.test(id) ? await tx.records.get(id) : undefined;
        if (!record || !visible(record, actor) || !canOnForm(actor, record.formKey, 'view'))
          throw recordNotFound(id);
        return this.#show(tx, record, actor);
      },
      { readOnly: true },
    );
  }

  /**
   * Replaces a record's data if the caller edited the current version (optimistic concurrency),
   * validated against the record's form version, or a newer one when `formVersion` says so.
   */
  async updateRecord(id: string, body: unknown, actor: Actor, locale: Locale): Promise<RecordView> {
    const input = recordInput(body, true);
    return this.store.transaction(async (tx) => {
      const before = UUID.test(id) ? await tx.records.get(id, { forUpdate: true }) : undefined;
      // Another team's record is "not found", not "forbidden", so that ids cannot be probed.
      if (!before || !visible(before, actor) || !canOnForm(actor, before.formKey, 'edit'))
        throw recordNotFound(id);
      checkOwnership(input, actor);
      if (before.version !== input.version) throw staleRecord(id, before.version, input.version!);
      const version = await this.#resolveVersion(tx, before.formKey, input.formVersion ?? before.formVersion);
      let data = input.data;
      if (!can(actor, 'sensitive.view')) {
        const shownWith = await this.#version(tx, before.formKey, before.formVersion);
        data = restoreMaskedValues(data, before.data, sensitiveOf(shownWith));
      }
      const result = await this.#validateData(tx, version, data, locale);
      if (!result.valid) throw invalidData(before.formKey, version.version, result.errors, locale);
      const files = await checkFileReferences(
        tx,
        fileReferencesIn(version.schema, result.data),
        { userId: actor.userId, recordId: id },
        locale,
      );
      if (files.errors.length > 0) throw invalidData(before.formKey, version.version, files.errors, locale);
      await tx.attachments.claimUploads(files.pending, actor.userId, { type: 'record', id });
      const after = await tx.records.update(id, input.version!, {
        formVersion: version.version,
        data: result.data,
        computed: result.computed,
        ...(input.ownerTeamId !== undefined ? { ownerTeamId: input.ownerTeamId } : {}),
        ...(input.assigneeId !== undefined ? { assigneeId: input.assigneeId } : {}),
        actor: actor.userId,
      });
      if (!after) throw staleRecord(id, before.version + 1, input.version!);
      await tx.audit.append({
        actor: actor.userId,
        action: 'record.updated',
        subjectType: 'record',
        subjectId: id,
        detail: {
          formKey: before.formKey,
          before: snapshot(before),
          after: snapshot(after),
        },
      });
      return this.#show(tx, after, actor);
    });
  }

  async listRecords(
    key: string,
    params: RecordListParams,
    actor: Actor,
  ): Promise<{ items: RecordView[]; nextCursor: string | null }> {
    return this.store.transaction(
      async (tx) => {
        const latest = await tx.forms.latestVersion(key);
        if (latest === undefined) throw formNotFound(key);
        const requested = params.formVersion === undefined ? undefined : Number(params.formVersion);
        const shapeVersion = requested !== undefined && Number.isInteger(requested) ? requested : latest;
        const version = shapeVersion === null ? undefined : await this.#version(tx, key, shapeVersion);
        const shape = version
          ? {
              schema: version.schema,
              sensitive: sensitiveOf(version),
              refs: await this.#loadRefs(version.schema, tx),
            }
          : undefined;
        const query = parseRecordQuery(key, params, shape, {
          canViewSensitive: can(actor, 'sensitive.view'),
        });
        const scope = visibilityOf(actor);
        const page = await tx.records.list(scope ? { ...query, visibleTo: scope } : query);
        const items: RecordView[] = [];
        for (const record of page.records) items.push(await this.#show(tx, record, actor));
        return { items, nextCursor: page.next ? encodeCursor(page.next, params.sort ?? DEFAULT_SORT) : null };
      },
      { readOnly: true },
    );
  }

  /**
   * The records the actor may see that match `params`, as CSV, masked exactly as the list is
   * (it pages through listRecords). Capped at `maxRows`; the export is audited with its filter.
   */
  async exportRecords(
    key: string,
    params: Omit<RecordListParams, 'limit' | 'cursor'>,
    actor: Actor,
    locale: Locale,
    options: { maxRows: number },
  ): Promise<{ csv: string; rows: number; truncated: boolean }> {
    const columns = csvColumnsOf((await this.getVersion(key, 'latest')).schema, locale);
    const rows: unknown[][] = [];
    let cursor: string | null = null;
    let truncated = false;
    do {
      const limit = Math.min(200, options.maxRows - rows.length);
      const page: { items: RecordView[]; nextCursor: string | null } = await this.listRecords(
        key,
        { ...params, limit: String(limit), ...(cursor ? { cursor } : {}) },
        actor,
      );
      for (const record of page.items) rows.push(csvRowOf(record, columns));
      cursor = page.nextCursor;
      if (cursor && rows.length >= options.maxRows) {
        truncated = true;
        break;
      }
    } while (cursor);
    await this.store.transaction((tx) =>
      tx.audit.append({
        actor: actor.userId,
        action: 'records.exported',
        subjectType: 'form',
        subjectId: key,
        detail: { rows: rows.length, truncated, filter: params.filter ?? null, sort: params.sort ?? null },
      }),
    );
    return { csv: csvDocument(csvHeaderOf(columns, locale), rows), rows: rows.length, truncated };
  }

  // ---- internals ---------------------------------------------------------------------------

  async #checkDefinition(definition: Record<string, unknown>, locale: Locale): Promise<DefinitionProblem[]> {
    // A NUL character cannot be stored in jsonb; say where it is instead of failing in the database.
    const nul = findNulCharacter(definition);
    if (nul !== undefined) {
      return [
        {
          pointer: nul,
          code: 'definition.nul_character',
          message: text(
            locale,
            'text may not contain the NUL character (U+0000)',
            '文本不能包含 NUL 字符（U+0000）',
          ),
          severity: 'error',
        },
      ];
    }
    const refs = await this.#loadRefs(definition.schema);
    return checkDefinition(definition, {
      locale,
      resolveRef: resolverOver(refs),
      documents: this.#documents,
      ...(this.#limits ? { limits: this.#limits } : {}),
    });
  }

  /** Schemas of the published versions a schema references, transitively; no transaction when there are none. */
  async #loadRefs(schema: unknown, tx?: StoreTx): Promise<Map<string, Record<string, unknown>>> {
    if (formRefsIn(schema).length === 0) return new Map();
    const load = (t: StoreTx) =>
      loadFormRefClosure(schema, async (key, version) => (await this.#version(t, key, version))?.schema);
    return tx ? load(tx) : this.store.transaction(load, { readOnly: true });
  }

  async #version(tx: StoreTx, key: string, version: number): Promise<FormVersionRecord | undefined> {
    const cached = this.#published.get(key, version);
    if (cached) return cached;
    const row = await tx.forms.getVersion(key, version);
    if (row) this.#published.set(row);
    return row;
  }

  async #resolveVersion(tx: StoreTx, key: string, selector: VersionSelector): Promise<FormVersionRecord> {
    let version = selector;
    if (version === 'latest') {
      const latest = await tx.forms.latestVersion(key);
      if (latest === undefined) throw formNotFound(key);
      if (latest !== null) this.#latest.set(key, latest);
      if (latest === null) {
        throw new DomainError(
          'forms.not_published',
          'not_found',
          `form "${key}" has no published version yet`,
          {
            hint: `publish it first: POST /api/forms/${key}/publish`,
          },
        );
      }
      version = latest;
    }
    const found = await this.#version(tx, key, version);
    if (found) return found;
    if ((await tx.forms.latestVersion(key)) === undefined) throw formNotFound(key);
    throw new DomainError('forms.version_not_found', 'not_found', `form "${key}" has no version ${version}`, {
      hint: `GET /api/forms/${key}/versions lists the published ones`,
    });
  }

  async #validateData(
    tx: StoreTx,
    version: Pick<FormVersionRecord, 'key' | 'version' | 'schema' | 'metadata'>,
    data: unknown,
    locale: Locale,
    validators = this.#validators,
  ): Promise<DataValidation> {
    const nul = findNulCharacter(data);
    if (nul !== undefined) {
      return {
        valid: false,
        formVersion: version.version,
        data,
        computed: {},
        errors: [
          {
            pointer: nul,
            keyword: 'nul',
            message: text(
              locale,
              'must not contain the NUL character (U+0000)',
              '不能包含 NUL 字符（U+0000）',
            ),
          },
        ],
      };
    }
    let working = data;
    const computed: Record<string, unknown> = {};
    const metadata = version.metadata as unknown as FormMetadata;
    const computedFields = metadata.computed ?? [];
    const computeErrors: ValidationError[] = [];
    if (isObject(data) && computedFields.length > 0) {
      const evaluation = evaluateComputedDetailed({ metadata }, data, { locale });
      working = evaluation.data;
      for (const field of computedFields) {
        const at = valueAt(working, parsePointer(field.pointer) ?? []);
        if (at.found) computed[field.pointer] = at.value;
      }
      for (const p of evaluation.problems)
        computeErrors.push({ pointer: p.pointer, keyword: 'computed', message: p.message });
    }
    // On a miss the validator compiles now; the forms it references must be in memory first.
    if (!validators.has(version.key, version.version)) await this.#loadRefs(version.schema, tx);
    const result = validators.validate(version.key, version.version, version.schema, working, { locale });
    return {
      valid: result.valid,
      // A computed field that could not be evaluated explains the error its absence causes.
      errors: result.valid ? [] : [...result.errors, ...computeErrors],
      formVersion: version.version,
      data: working,
      computed,
    };
  }

  /** The record as this caller may see it: sensitive fields masked without 'sensitive.view'. */
  async #show(tx: StoreTx, record: RecordRecord, actor: Actor): Promise<RecordView> {
    if (can(actor, 'sensitive.view'))
      return recordView(record, { data: record.data, computed: record.computed, masked: [] });
    const version = await this.#version(tx, record.formKey, record.formVersion);
    const sensitive = sensitiveOf(version);
    const masked = maskSensitive(record.data, sensitive);
    return recordView(record, { ...masked, computed: maskComputed(record.computed, sensitive) });
  }
}

function contentOf(definition: Record<string, unknown>): FormContent {
  return {
    title: definition.title as FormContent['title'],
    schema: definition.schema as Record<string, unknown>,
    uiSchema: definition.uiSchema as Record<string, unknown>,
    metadata: definition.metadata as Record<string, unknown>,
  };
}

function sameContent(version: FormVersionRecord, draft: FormContent): boolean {
  const canonical = (value: unknown): string =>
    JSON.stringify(value, (_key, v: unknown) =>
      isObject(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    );
  return (
    canonical({ t: version.title, s: version.schema, u: version.uiSchema, m: version.metadata }) ===
    canonical({ t: draft.title, s: draft.schema, u: draft.uiSchema, m: draft.metadata })
  );
}

function sensitiveOf(version: { metadata: unknown } | undefined): string[] {
  const list = (version?.metadata as Partial<FormMetadata> | undefined)?.sensitive;
  return Array.isArray(list) ? list : [];
}

function snapshot(record: RecordRecord) {
  return {
    version: record.version,
    formVersion: record.formVersion,
    data: record.data,
    computed: record.computed,
  };
}

interface RecordInput {
  data: unknown;
  formVersion?: number;
  version?: number;
  ownerTeamId?: string | null;
  assigneeId?: string | null;
}

function recordInput(body: unknown, update: boolean): RecordInput {
  const shape = update
    ? 'an object with "data" and "version" (the record version you edited)'
    : 'an object with "data" (and optionally "formVersion", "ownerTeamId", "assigneeId")';
  if (!isObject(body) || !Object.hasOwn(body, 'data')) throw invalidBody(shape);
  const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  const idOrNull = (v: unknown) =>
    v === undefined || v === null || (typeof v === 'string' && v.length <= 200);
  if (body.formVersion !== undefined && !positive(body.formVersion)) throw invalidBody(shape);
  if (update && !positive(body.version)) throw invalidBody(shape);
  if (!idOrNull(body.ownerTeamId) || !idOrNull(body.assigneeId)) throw invalidBody(shape);
  return {
    data: body.data,
    ...(body.formVersion !== undefined ? { formVersion: body.formVersion as number } : {}),
    ...(update ? { version: body.version as number } : {}),
    ...(body.ownerTeamId !== undefined ? { ownerTeamId: body.ownerTeamId as string | null } : {}),
    ...(body.assigneeId !== undefined ? { assigneeId: body.assigneeId as string | null } : {}),
  };
}

function formNotFound(key: string): DomainError {
  return new DomainError('forms.not_found', 'not_found', `there is no form "${key}"`, {
    hint: 'GET /api/forms lists the forms',
  });
}

function noDraft(key: string): DomainError {
  return new DomainError('forms.no_draft', 'not_found', `form "${key}" has no draft`, {
    hint: `save one with PUT /api/forms/${key}/draft`,
  });
}

function draftChanged(key: string, revision: number): DomainError {
  return new DomainError(
    'forms.draft_changed',
    'conflict',
    `the draft of "${key}" changed meanwhile (now revision ${revision})`,
    { hint: 'reload the draft, reapply your change and try again' },
  );
}

function recordNotFound(id: string): DomainError {
  return new DomainError('records.not_found', 'not_found', `there is no record ${id}`);
}

function staleRecord(id: string, current: number, sent: number): DomainError {
  return new DomainError(
    'records.stale',
    'conflict',
    `record ${id} is at version ${current}; your change was made to version ${sent}`,
    { hint: 'someone else saved it first: reload the record, reapply your change and send its new version' },
  );
}

function invalidData(key: string, version: number, errors: ValidationError[], locale: Locale): DomainError {
  return new DomainError(
    'records.invalid',
    'invalid',
    text(
      locale,
      `the data does not match form ${key}@${version} (${errors.length} problem(s))`,
      `数据不符合表单 ${key}@${version}（${errors.length} 个问题）`,
    ),
    { errors },
  );
}

/** Record-level rule: without records.view_all_teams, a user sees their teams' and their own records. */
export function visibilityOf(actor: Actor): { teamIds: readonly string[]; userId: string } | undefined {
  return can(actor, 'records.view_all_teams') ? undefined : { teamIds: actor.teamIds, userId: actor.userId };
}

export function visible(record: RecordRecord, actor: Actor): boolean {
  const scope = visibilityOf(actor);
  if (!scope) return true;
  return (
    record.assigneeId === actor.userId ||
    (record.ownerTeamId !== null && scope.teamIds.includes(record.ownerTeamId))
  );
}

/** Without records.view_all_teams, records can only be given to one's own team. */
function checkOwnership(input: { ownerTeamId?: string | null }, actor: Actor): void {
  if (can(actor, 'records.view_all_teams') || input.ownerTeamId === undefined) return;
  if (input.ownerTeamId === null || !actor.teamIds.includes(input.ownerTeamId)) {
    throw new DomainError('records.foreign_team', 'forbidden', 'you can only give records to your own team', {
      hint: 'leave ownerTeamId out to keep your team as the owner',
    });
  }
}
