import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';

export interface AuditEntryInput {
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends Required<AuditEntryInput> {
  id: string;
  at: Date;
}

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  detail: Record<string, unknown>;
}

export class AuditRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async append(entry: AuditEntryInput): Promise<string> {
    const id = uuidv7();
    await this.db('audit_log').insert({
      id,
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    });
    return id;
  }

  async count(filter: { subjectType?: string } = {}): Promise<number> {
    const q = this.db('audit_log');
    if (filter.subjectType) q.where({ subject_type: filter.subjectType });
    const row = await q.count<{ n: number }>({ n: '*' }).first();
    return row?.n ?? 0;
  }

  /** Newest first; `cursor` is the id of the last entry of the previous page. */
  async list(options: { limit: number; cursor?: string }): Promise<AuditEntry[]> {
    const q = this.db<AuditRow>('audit_log').orderBy('id', 'desc').limit(options.limit);
    if (options.cursor) q.where('id', '<', options.cursor);
    const rows = (await q) as AuditRow[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      detail: r.detail,
    }));
  }
}
