import type { Knex } from 'knex';

/**
 * Failed logins, in the database rather than in memory, so that the limit holds across every
 * server node sharing one PostgreSQL and across restarts.
 */
export class LoginFailuresRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async record(username: string, ip: string | null, at: Date): Promise<void> {
    await this.db('login_failures').insert({ username: username.toLowerCase(), ip, at });
  }

  async countSince(filter: { username?: string; ip?: string }, since: Date): Promise<number> {
    const q = this.db('login_failures').where('at', '>', since);
    if (filter.username) q.where({ username: filter.username.toLowerCase() });
    if (filter.ip) q.where({ ip: filter.ip });
    const row = await q.count<{ n: number }>({ n: '*' }).first();
    return row?.n ?? 0;
  }

  async clear(username: string): Promise<void> {
    await this.db('login_failures').where({ username: username.toLowerCase() }).delete();
  }

  async prune(before: Date): Promise<void> {
    await this.db('login_failures').where('at', '<', before).delete();
  }
}
