import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string | null;
  locale: string;
  teamId: string | null;
  active: boolean;
  mustChangePassword: boolean;
  roles: string[];
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string | null;
  locale?: string;
  teamId?: string | null;
  roles: string[];
  mustChangePassword?: boolean;
}

export interface UserPatch {
  displayName?: string;
  locale?: string;
  teamId?: string | null;
  active?: boolean;
  roles?: string[];
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string | null;
  locale: string;
  team_id: string | null;
  active: boolean;
  must_change_password: boolean;
  created_at: Date;
  last_login_at: Date | null;
  roles: string[] | null;
}

export class UsersRepo {
  constructor(private readonly db: Knex.Transaction) {}

  private select() {
    return this.db('users as u').select(
      'u.*',
      this.db.raw(
        "coalesce((select json_agg(r.role_key order by r.role_key) from user_roles r where r.user_id = u.id), '[]'::json) as roles",
      ),
    );
  }

  async create(user: NewUser): Promise<UserRecord> {
    const id = uuidv7();
    await this.db('users').insert({
      id,
      username: user.username.toLowerCase(),
      display_name: user.displayName,
      password_hash: user.passwordHash,
      locale: user.locale ?? 'zh-CN',
      team_id: user.teamId ?? null,
      must_change_password: user.mustChangePassword ?? false,
    });
    await this.setRoles(id, user.roles);
    return (await this.findById(id))!;
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const row = (await this.select().where('u.id', id).first()) as UserRow | undefined;
    return row && toUser(row);
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const row = (await this.select().where('u.username', username.toLowerCase()).first()) as
      | UserRow
      | undefined;
    return row && toUser(row);
  }

  async list(): Promise<UserRecord[]> {
    const rows = (await this.select().orderBy('u.username')) as UserRow[];
    return rows.map(toUser);
  }

  async count(): Promise<number> {
    const row = await this.db('users').count<{ n: number }>({ n: '*' }).first();
    return row?.n ?? 0;
  }

  async update(id: string, patch: UserPatch): Promise<UserRecord | undefined> {
    const columns: Record<string, unknown> = {};
    if (patch.displayName !== undefined) columns.display_name = patch.displayName;
    if (patch.locale !== undefined) columns.locale = patch.locale;
    if (patch.teamId !== undefined) columns.team_id = patch.teamId;
    if (patch.active !== undefined) columns.active = patch.active;
    const updated = await this.db('users')
      .where({ id })
      .update({ ...columns, updated_at: this.db.fn.now() });
    if (updated === 0) return undefined;
    if (patch.roles) await this.setRoles(id, patch.roles);
    return this.findById(id);
  }

  async setPassword(id: string, passwordHash: string, mustChange: boolean): Promise<void> {
    await this.db('users').where({ id }).update({
      password_hash: passwordHash,
      must_change_password: mustChange,
      updated_at: this.db.fn.now(),
    });
  }

  async touchLogin(id: string): Promise<void> {
    await this.db('users').where({ id }).update({ last_login_at: this.db.fn.now() });
  }

  private async setRoles(userId: string, roles: string[]): Promise<void> {
    await this.db('user_roles').where({ user_id: userId }).delete();
    const unique = [...new Set(roles)];
    if (unique.length > 0)
      await this.db('user_roles').insert(unique.map((role_key) => ({ user_id: userId, role_key })));
  }
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    locale: row.locale,
    teamId: row.team_id,
    active: row.active,
    mustChangePassword: row.must_change_password,
    roles: row.roles ?? [],
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}
