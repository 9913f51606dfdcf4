import type { Knex } from 'knex';

type Json = Record<string, unknown>;

export interface DashboardSummary {
  key: string;
  title: { 'zh-CN': string; en: string };
  latestVersion: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export interface DashboardVersionSummary {
  key: string;
  version: number;
  /** sha256 of the definitions/dashboards file a seeded version came from; null for saves. */
  sourceSha256: string | null;
  savedAt: Date;
  savedBy: string;
}

export interface DashboardVersionRecord extends DashboardVersionSummary {
  definition: Json;
}

export interface NewDashboardVersion {
  key: string;
  title: { 'zh-CN': string; en: string };
  definition: Json;
  actor: string;
  sourceSha256?: string | null;
  /** Optimistic concurrency: the version the caller edited; the save is refused when it moved. */
  expectedLatest?: number | null;
}

export type SaveOutcome =
  | { saved: true; version: DashboardVersionRecord; created: boolean }
  | { saved: false; latestVersion: number | null };

interface DashboardRow {
  key: string;
  title: DashboardSummary['title'];
  latest_version: number;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

interface VersionRow {
  dashboard_key: string;
  version: number;
  definition?: Json;
  source_sha256: string | null;
  saved_at: Date;
  saved_by: string;
}

const toSummary = (r: DashboardRow): DashboardSummary => ({
  key: r.key,
  title: r.title,
  latestVersion: r.latest_version,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

const toVersionSummary = (r: VersionRow): DashboardVersionSummary => ({
  key: r.dashboard_key,
  version: r.version,
  sourceSha256: r.source_sha256,
  savedAt: r.saved_at,
  savedBy: r.saved_by,
});

const toVersion = (r: VersionRow): DashboardVersionRecord => ({
  ...toVersionSummary(r),
  definition: r.definition ?? {},
});

/** Dashboard definitions: every save appends an immutable version; the latest is what is shown. */
export class DashboardsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async list(options: { limit: number; cursor?: string }): Promise<DashboardSummary[]> {
    const q = this.db<DashboardRow>('dashboards').orderBy('key').limit(options.limit);
    if (options.cursor !== undefined) q.where('key', '>', options.cursor);
    return ((await q) as DashboardRow[]).map(toSummary);
  }

  async get(key: string): Promise<DashboardSummary | undefined> {
    const row = (await this.db<DashboardRow>('dashboards').where({ key }).first()) as
      | DashboardRow
      | undefined;
    return row ? toSummary(row) : undefined;
  }

  /** A saved version; the latest when `version` is omitted. */
  async getVersion(key: string, version?: number): Promise<DashboardVersionRecord | undefined> {
    const q = this.db<VersionRow>('dashboard_versions').where({ dashboard_key: key });
    if (version === undefined) {
      q.whereRaw('version = (select latest_version from dashboards where key = ?)', [key]);
    } else {
      q.where({ version });
    }
    const row = (await q.first()) as VersionRow | undefined;
    return row ? toVersion(row) : undefined;
  }

  /** Newest first, without the definitions. */
  async listVersions(
    key: string,
    options: { limit: number; before?: number },
  ): Promise<DashboardVersionSummary[]> {
    const q = this.db<VersionRow>('dashboard_versions')
      .select('dashboard_key', 'version', 'source_sha256', 'saved_at', 'saved_by')
      .where({ dashboard_key: key })
      .orderBy('version', 'desc')
      .limit(options.limit);
    if (options.before !== undefined) q.where('version', '<', options.before);
    return ((await q) as VersionRow[]).map(toVersionSummary);
  }

  /**
   * Appends a version (version 1 creates the dashboard). The dashboard row is locked first, so two
   * savers of one dashboard are serialised and neither version number is lost.
   */
  async save(input: NewDashboardVersion): Promise<SaveOutcome> {
    await this.db('dashboards')
      .insert({
        key: input.key,
        title: JSON.stringify(input.title),
        latest_version: 0,
        created_by: input.actor,
        updated_by: input.actor,
      })
      .onConflict('key')
      .ignore();
    const current = (await this.db<DashboardRow>('dashboards')
      .where({ key: input.key })
      .forUpdate()
      .first()) as DashboardRow | undefined;
    if (!current) throw new Error(`dashboard ${input.key} vanished inside its own transaction`);
    const latest = current.latest_version === 0 ? null : current.latest_version;
    if (input.expectedLatest !== undefined && input.expectedLatest !== latest) {
      if (latest === null) await this.db('dashboards').where({ key: input.key, latest_version: 0 }).delete();
      return { saved: false, latestVersion: latest };
    }
    const version = current.latest_version + 1;
    const rows = (await this.db('dashboard_versions')
      .insert({
        dashboard_key: input.key,
        version,
        definition: JSON.stringify(input.definition),
        source_sha256: input.sourceSha256 ?? null,
        saved_by: input.actor,
      })
      .returning('*')) as VersionRow[];
    await this.db('dashboards')
      .where({ key: input.key })
      .update({
        title: JSON.stringify(input.title),
        latest_version: version,
        updated_at: this.db.fn.now(),
        updated_by: input.actor,
      });
    return { saved: true, version: toVersion(rows[0]!), created: version === 1 };
  }
}
