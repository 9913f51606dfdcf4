import type { Knex } from 'knex';

export type LocalizedText = Record<string, string>;

export interface RoleRecord {
  key: string;
  name: LocalizedText;
  permissions: string[];
  formGrants: Record<string, string[]>;
  processGrants: Record<string, string[]>;
  builtin: boolean;
}

interface RoleRow {
  key: string;
  name: LocalizedText;
  permissions: string[];
  form_grants: Record<string, string[]>;
  process_grants: Record<string, string[]>;
  builtin: boolean;
}

export class RolesRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async list(): Promise<RoleRecord[]> {
    return ((await this.db('roles').orderBy('key')) as RoleRow[]).map(toRole);
  }

  async get(key: string): Promise<RoleRecord | undefined> {
    const row = (await this.db('roles').where({ key }).first()) as RoleRow | undefined;
    return row && toRole(row);
  }

  async byKeys(keys: readonly string[]): Promise<RoleRecord[]> {
    if (keys.length === 0) return [];
    return ((await this.db('roles').whereIn('key', keys as string[])) as RoleRow[]).map(toRole);
  }

  /** Inserts or replaces; returns whether anything changed, so seeding twice writes nothing. */
  async upsert(role: RoleRecord): Promise<boolean> {
    const current = await this.get(role.key);
    if (current && JSON.stringify(current) === JSON.stringify(role)) return false;
    await this.db('roles')
      .insert({
        key: role.key,
        name: JSON.stringify(role.name),
        permissions: JSON.stringify(role.permissions),
        form_grants: JSON.stringify(role.formGrants),
        process_grants: JSON.stringify(role.processGrants),
        builtin: role.builtin,
        updated_at: this.db.fn.now(),
      })
      .onConflict('key')
      .merge();
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.db('roles').where({ key }).delete()) > 0;
  }
}

function toRole(row: RoleRow): RoleRecord {
  return {
    key: row.key,
    name: row.name,
    permissions: row.permissions,
    formGrants: row.form_grants,
    processGrants: row.process_grants,
    builtin: row.builtin,
  };
}
