import type { Knex } from 'knex';

export interface SessionRecord {
  idHash: string;
  userId: string;
  csrfToken: string;
  expiresAt: Date;
}

export class SessionsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async create(session: SessionRecord & { ip?: string | null; userAgent?: string | null }): Promise<void> {
    await this.db('sessions').insert({
      id_hash: session.idHash,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
      ip: session.ip ?? null,
      user_agent: session.userAgent?.slice(0, 300) ?? null,
    });
  }

  /** The session if it exists and has not expired at `now`. */
  async findValid(idHash: string, now: Date): Promise<SessionRecord | undefined> {
    const row = await this.db('sessions').where({ id_hash: idHash }).andWhere('expires_at', '>', now).first();
    return row
      ? { idHash: row.id_hash, userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at }
      : undefined;
  }

  async extend(idHash: string, expiresAt: Date): Promise<void> {
    await this.db('sessions').where({ id_hash: idHash }).update({ expires_at: expiresAt });
  }

  async delete(idHash: string): Promise<void> {
    await this.db('sessions').where({ id_hash: idHash }).delete();
  }

  /** Ends every session of a user except `keep` (after a password change). */
  async deleteForUser(userId: string, keep?: string): Promise<number> {
    const q = this.db('sessions').where({ user_id: userId });
    if (keep) q.whereNot({ id_hash: keep });
    return q.delete();
  }

  async deleteExpired(now: Date): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', now).delete();
  }
}
