import { DomainError } from '@collectflow/schema';
import type { Knex } from 'knex';

export interface DeploymentRecord {
  id: string;
  processKey: string;
  version: number;
  name: string | null;
  sourceSha256: string;
  /** Lint warnings kept from deploy time. */
  problems: unknown[];
  messageStarts: string[];
  deployedBy: string;
  deployedAt: Date;
}

export interface NewDeployment {
  id: string;
  processKey: string;
  name: string | null;
  source: Uint8Array;
  sourceSha256: string;
  definition: unknown;
  problems: unknown[];
  messageStarts: string[];
  deployedBy: string;
  deployedAt: Date;
}

interface DeploymentRow {
  id: string;
  process_key: string;
  version: number;
  name: string | null;
  source_sha256: string;
  problems: unknown[];
  message_starts: string[];
  deployed_by: string;
  deployed_at: Date;
}

// Everything but the source and the definition: lists never drag the models along.
const SUMMARY = [
  'id',
  'process_key',
  'version',
  'name',
  'source_sha256',
  'problems',
  'message_starts',
  'deployed_by',
  'deployed_at',
];

function toRecord(row: DeploymentRow): DeploymentRecord {
  return {
    id: row.id,
    processKey: row.process_key,
    version: row.version,
    name: row.name,
    sourceSha256: row.source_sha256,
    problems: row.problems,
    messageStarts: row.message_starts,
    deployedBy: row.deployed_by,
    deployedAt: row.deployed_at,
  };
}

/** Deployed BPMN: the uploaded source once per deployment, the parsed definition beside it. */
export class DeploymentsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  /** Inserts the next version of the process key; a concurrent deploy of the same key gets a conflict. */
  async insertNextVersion(input: NewDeployment): Promise<DeploymentRecord> {
    try {
      const result = await this.db.raw(
        `insert into process_deployments
           (id, process_key, version, name, source, source_sha256, definition, problems, message_starts,
            deployed_by, deployed_at)
         select ?, ?, coalesce(max(version), 0) + 1, ?, ?, ?, ?, ?, ?::text[], ?, ?
           from process_deployments where process_key = ?
         returning ${SUMMARY.join(', ')}`,
        [
          input.id,
          input.processKey,
          input.name,
          Buffer.from(input.source),
          input.sourceSha256,
          JSON.stringify(input.definition),
          JSON.stringify(input.problems),
          input.messageStarts,
          input.deployedBy,
          input.deployedAt,
          input.processKey,
        ],
      );
      return toRecord((result as { rows: DeploymentRow[] }).rows[0]!);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new DomainError(
          'deployment.concurrent',
          'conflict',
          `another deployment of process "${input.processKey}" was made at the same time`,
          { hint: 'deploy again; it will get the next version', cause: error },
        );
      }
      throw error;
    }
  }

  async get(id: string): Promise<DeploymentRecord | undefined> {
    const row = await this.db('process_deployments').where({ id }).first(SUMMARY);
    return row ? toRecord(row as DeploymentRow) : undefined;
  }

  async latest(processKey: string): Promise<DeploymentRecord | undefined> {
    const row = await this.db('process_deployments')
      .where({ process_key: processKey })
      .orderBy('version', 'desc')
      .first(SUMMARY);
    return row ? toRecord(row as DeploymentRow) : undefined;
  }

  async byVersion(processKey: string, version: number): Promise<DeploymentRecord | undefined> {
    const row = await this.db('process_deployments')
      .where({ process_key: processKey, version })
      .first(SUMMARY);
    return row ? toRecord(row as DeploymentRow) : undefined;
  }

  /** The parsed definition (the engine's DeploymentDefinition) as stored. */
  async definition(id: string): Promise<unknown | undefined> {
    const row = await this.db('process_deployments').where({ id }).first('definition');
    return row?.definition;
  }

  async source(id: string): Promise<Buffer | undefined> {
    const row = await this.db('process_deployments').where({ id }).first('source');
    if (!row) return undefined;
    const source = row.source as Uint8Array;
    return Buffer.isBuffer(source) ? source : Buffer.from(source);
  }

  /** Newest first; `cursor` is the id of the last deployment of the previous page. */
  async list(options: { processKey?: string; limit: number; cursor?: string }): Promise<DeploymentRecord[]> {
    const q = this.db('process_deployments').select(SUMMARY).orderBy('id', 'desc').limit(options.limit);
    if (options.processKey) q.where({ process_key: options.processKey });
    if (options.cursor) q.where('id', '<', options.cursor);
    return ((await q) as DeploymentRow[]).map(toRecord);
  }

  /** The latest version of every process whose latest version starts on message `name`. */
  async latestStartingOn(messageName: string): Promise<DeploymentRecord[]> {
    const result = await this.db.raw(
      `select ${SUMMARY.join(', ')} from (
         select distinct on (process_key) ${SUMMARY.join(', ')}
           from process_deployments
          where process_key in (select process_key from process_deployments where ? = any(message_starts))
          order by process_key, version desc
       ) latest where ? = any(message_starts)`,
      [messageName, messageName],
    );
    return (result as { rows: DeploymentRow[] }).rows.map(toRecord);
  }
}
