import type { Knex } from 'knex';

type Json = Record<string, unknown>;

/** What a draft holds: everything of a definition but its key (the form's key never changes). */
export interface FormContent {
  title: { 'zh-CN': string; en: string };
  schema: Json;
  uiSchema: Json;
  metadata: Json;
}

export interface FormRecord {
  key: string;
  title: { 'zh-CN': string; en: string };
  draft: FormContent | null;
  draftRevision: number;
  /** Newest published version; null until the first publish. */
  latestVersion: number | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export interface FormVersionRecord extends FormContent {
  key: string;
  version: number;
  compatibility: Json | null;
  acceptedBreaking: boolean;
  publishedAt: Date;
  publishedBy: string;
}

export type FormVersionSummary = Omit<FormVersionRecord, 'schema' | 'uiSchema' | 'metadata'>;

interface FormRow {
  key: string;
  title: FormRecord['title'];
  draft: FormContent | null;
  draft_revision: number;
  latest_version: number | null;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

interface VersionRow {
  form_key: string;
  version: number;
  title: FormRecord['title'];
  schema?: Json;
  ui_schema?: Json;
  metadata?: Json;
  compatibility: Json | null;
  accepted_breaking: boolean;
  published_at: Date;
  published_by: string;
}

const toForm = (r: FormRow): FormRecord => ({
  key: r.key,
  title: r.title,
  draft: r.draft,
  draftRevision: r.draft_revision,
  latestVersion: r.latest_version,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

const toSummary = (r: VersionRow): FormVersionSummary => ({
  key: r.form_key,
  version: r.version,
  title: r.title,
  compatibility: r.compatibility,
  acceptedBreaking: r.accepted_breaking,
  publishedAt: r.published_at,
  publishedBy: r.published_by,
});

const toVersion = (r: VersionRow): FormVersionRecord => ({
  ...toSummary(r),
  schema: r.schema ?? {},
  uiSchema: r.ui_schema ?? {},
  metadata: r.metadata ?? {},
});

const SUMMARY_COLUMNS = [
  'form_key',
  'version',
  'title',
  'compatibility',
  'accepted_breaking',
  'published_at',
  'published_by',
];

export class FormsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  /** undefined when a form with this key exists already. */
  async create(input: { key: string; draft: FormContent; actor: string }): Promise<FormRecord | undefined> {
    const rows = (await this.db('forms')
      .insert({
        key: input.key,
        title: JSON.stringify(input.draft.title),
        draft: JSON.stringify(input.draft),
        draft_revision: 1,
        created_by: input.actor,
        updated_by: input.actor,
      })
      .onConflict('key')
      .ignore()
      .returning('*')) as FormRow[];
    return rows[0] ? toForm(rows[0]) : undefined;
  }

  /** `forUpdate` serialises publishers and draft savers of one form. */
  async get(key: string, options: { forUpdate?: boolean } = {}): Promise<FormRecord | undefined> {
    const q = this.db<FormRow>('forms').where({ key }).first();
    if (options.forUpdate) q.forUpdate();
    const row = (await q) as FormRow | undefined;
    return row ? toForm(row) : undefined;
  }

  /** Forms by key; `cursor` is the last key of the previous page. Drafts are left out (they can be large). */
  async list(options: { limit: number; cursor?: string }): Promise<FormRecord[]> {
    const q = this.db<FormRow>('forms')
      .select(
        'key',
        'title',
        'draft_revision',
        'latest_version',
        'created_at',
        'created_by',
        'updated_at',
        'updated_by',
      )
      .orderBy('key')
      .limit(options.limit);
    if (options.cursor !== undefined) q.where('key', '>', options.cursor);
    const rows = (await q) as Omit<FormRow, 'draft'>[];
    return rows.map((r) => toForm({ ...r, draft: null }));
  }

  /** Replaces the draft and bumps its revision; the title shown in lists follows the draft. */
  async saveDraft(key: string, draft: FormContent, actor: string): Promise<FormRecord> {
    const rows = (await this.db('forms')
      .where({ key })
      .update({
        draft: JSON.stringify(draft),
        title: JSON.stringify(draft.title),
        draft_revision: this.db.raw('draft_revision + 1'),
        updated_at: this.db.fn.now(),
        updated_by: actor,
      })
      .returning('*')) as FormRow[];
    if (!rows[0]) throw new Error(`form ${key} vanished inside its own transaction`);
    return toForm(rows[0]);
  }

  /** Appends an immutable version and makes it the latest. The caller holds the form row lock. */
  async insertVersion(input: {
    key: string;
    version: number;
    content: FormContent;
    compatibility: Json | null;
    acceptedBreaking: boolean;
    actor: string;
  }): Promise<FormVersionRecord> {
    const rows = (await this.db('form_versions')
      .insert({
        form_key: input.key,
        version: input.version,
        title: JSON.stringify(input.content.title),
        schema: JSON.stringify(input.content.schema),
        ui_schema: JSON.stringify(input.content.uiSchema),
        metadata: JSON.stringify(input.content.metadata),
        compatibility: input.compatibility === null ? null : JSON.stringify(input.compatibility),
        accepted_breaking: input.acceptedBreaking,
        published_by: input.actor,
      })
      .returning('*')) as VersionRow[];
    await this.db('forms')
      .where({ key: input.key })
      .update({ latest_version: input.version, updated_at: this.db.fn.now(), updated_by: input.actor });
    return toVersion(rows[0]!);
  }

  async getVersion(key: string, version: number): Promise<FormVersionRecord | undefined> {
    const row = (await this.db<VersionRow>('form_versions').where({ form_key: key, version }).first()) as
      | VersionRow
      | undefined;
    return row ? toVersion(row) : undefined;
  }

  /** Newest first, without the schemas (a list of 500 KB schemas helps nobody). */
  async listVersions(
    key: string,
    options: { limit: number; before?: number },
  ): Promise<FormVersionSummary[]> {
    const q = this.db<VersionRow>('form_versions')
      .select(SUMMARY_COLUMNS)
      .where({ form_key: key })
      .orderBy('version', 'desc')
      .limit(options.limit);
    if (options.before !== undefined) q.where('version', '<', options.before);
    return ((await q) as unknown as VersionRow[]).map(toSummary);
  }

  /** The latest published version number: undefined when there is no such form, null when none is published. */
  async latestVersion(key: string): Promise<number | null | undefined> {
    const row = (await this.db('forms').where({ key }).first('latest_version')) as
      | { latest_version: number | null }
      | undefined;
    return row ? row.latest_version : undefined;
  }
}
