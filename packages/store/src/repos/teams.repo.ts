import type { Knex } from 'knex';
import type { LocalizedText } from './roles.repo.js';

export interface TeamRecord {
  id: string;
  name: LocalizedText;
}

export class TeamsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async list(): Promise<TeamRecord[]> {
    return (await this.db('teams').orderBy('id').select('id', 'name')) as TeamRecord[];
  }

  async get(id: string): Promise<TeamRecord | undefined> {
    return (await this.db('teams').where({ id }).first('id', 'name')) as TeamRecord | undefined;
  }

  /** Returns whether anything changed. */
  async upsert(team: TeamRecord): Promise<boolean> {
    const current = await this.get(team.id);
    if (current && JSON.stringify(current.name) === JSON.stringify(team.name)) return false;
    await this.db('teams')
      .insert({ id: team.id, name: JSON.stringify(team.name) })
      .onConflict('id')
      .merge();
    return true;
  }
}
