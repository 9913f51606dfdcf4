import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';

export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  permissions: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  permissions: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = [
  'id',
  'user_id',
  'name',
  'permissions',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
];

export class ApiTokensRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async create(token: {
    userId: string;
    name: string;
    tokenHash: string;
    permissions: string[];
    expiresAt?: Date | null;
  }): Promise<ApiTokenRecord> {
    const id = uuidv7();
    await this.db('api_tokens').insert({
      id,
      user_id: token.userId,
      name: token.name,
      token_hash: token.tokenHash,
      permissions: JSON.stringify(token.permissions),
      expires_at: token.expiresAt ?? null,
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ApiTokenRecord | undefined> {
    const row = (await this.db('api_tokens').where({ id }).first(COLUMNS)) as TokenRow | undefined;
    return row && toToken(row);
  }

  /** A usable token: not revoked, not expired. Records the use. */
  async use(tokenHash: string, now: Date): Promise<ApiTokenRecord | undefined> {
    const row = (await this.db('api_tokens')
      .where({ token_hash: tokenHash })
      .whereNull('revoked_at')
      .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', now))
      .first(COLUMNS)) as TokenRow | undefined;
    if (!row) return undefined;
    await this.db('api_tokens').where({ id: row.id }).update({ last_used_at: now });
    return toToken({ ...row, last_used_at: now });
  }

  async listForUser(userId: string): Promise<ApiTokenRecord[]> {
    const rows = (await this.db('api_tokens')
      .where({ user_id: userId })
      .orderBy('id')
      .select(COLUMNS)) as TokenRow[];
    return rows.map(toToken);
  }

  async revoke(id: string, now: Date): Promise<boolean> {
    return (
      (await this.db('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: now })) > 0
    );
  }
}

function toToken(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    permissions: row.permissions,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
