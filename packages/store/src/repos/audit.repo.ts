import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';

/**
 * Where the work in progress came from (the HTTP layer sets it per request), so that every audit
 * entry records "from where" without each service passing the request down.
 */
export interface AuditContext {
  sourceIp: string | null;
}
const auditContext = new AsyncLocalStorage<AuditContext>();

export function runWithAuditContext<T>(context: AuditContext, work: () => T): T {
  return auditContext.run(context, work);
}

export interface AuditEntryInput {
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  detail?: Record<string, unknown>;
  /** Where the change came from (client IP), when it came over HTTP. */
  sourceIp?: string | null;
}

export interface AuditQuery {
  limit: number;
  /** Id of the last entry of the previous page (entries are newest first). */
  cursor?: string;
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
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
  source_ip: string | null;
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
      source_ip: entry.sourceIp ?? auditContext.getStore()?.sourceIp ?? null,
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
  async list(options: AuditQuery): Promise<AuditEntry[]> {
    const q = this.db<AuditRow>('audit_log').orderBy('id', 'desc').limit(options.limit);
    if (options.cursor) q.where('id', '<', options.cursor);
    if (options.actor) q.where('actor', options.actor);
    if (options.action) q.where('action', options.action);
    if (options.subjectType) q.where('subject_type', options.subjectType);
    if (options.subjectId) q.where('subject_id', options.subjectId);
    if (options.from) q.where('at', '>=', options.from);
    if (options.to) q.where('at', '<', options.to);
    const rows = (await q) as AuditRow[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      detail: r.detail,
      sourceIp: r.source_ip,
    }));
  }
}
