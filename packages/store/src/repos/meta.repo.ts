import type { Knex } from 'knex';

export class MetaRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const row = await this.db('app_meta').where({ key }).first('value');
    return row ? (row.value as T) : undefined;
  }

  /** Writes only when the value differs, so repeated starts change nothing. Returns whether it wrote. */
  async set(key: string, value: unknown): Promise<boolean> {
    const current = await this.db('app_meta').where({ key }).forUpdate().first('value');
    if (current && JSON.stringify(current.value) === JSON.stringify(value)) return false;
    await this.db('app_meta')
      .insert({ key, value: JSON.stringify(value), updated_at: this.db.fn.now() })
      .onConflict('key')
      .merge();
    return true;
  }
}
