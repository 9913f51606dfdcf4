import type { Knex } from 'knex';

export type TaskStatusValue = 'open' | 'completed' | 'cancelled';

export interface TaskRecord {
  id: string;
  instanceId: string;
  engineTaskId: string;
  elementId: string;
  name: string | null;
  /** The name in other languages, by locale. */
  names: Record<string, string>;
  processKey: string;
  businessKey: string | null;
  formKey: string;
  formVersion: number | null;
  candidateGroups: string[];
  assignee: string | null;
  dueAt: Date | null;
  priority: number | null;
  status: TaskStatusValue;
  claimedBy: string | null;
  claimedAt: Date | null;
  completedBy: string | null;
  completedAt: Date | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

export type NewTask = Omit<
  TaskRecord,
  'status' | 'claimedBy' | 'claimedAt' | 'completedBy' | 'completedAt' | 'data' | 'names'
> & { names?: Record<string, string> };

export interface InboxQuery {
  /** Tasks assigned to or claimed by this user, or unassigned and offered to one of `groups`. Omit for every task. */
  visibleTo?: { userId: string; groups: readonly string[] };
  status?: TaskStatusValue;
  processKey?: string;
  businessKey?: string;
  instanceId?: string;
  /** Only tasks claimed by / assigned to this user. */
  assignedTo?: string;
  limit: number;
  cursor?: string;
}

interface TaskRow {
  id: string;
  instance_id: string;
  engine_task_id: string;
  element_id: string;
  name: string | null;
  names: Record<string, string> | null;
  process_key: string;
  business_key: string | null;
  form_key: string;
  form_version: number | null;
  candidate_groups: string[];
  assignee: string | null;
  due_at: Date | null;
  priority: number | null;
  status: TaskStatusValue;
  claimed_by: string | null;
  claimed_at: Date | null;
  completed_by: string | null;
  completed_at: Date | null;
  data: Record<string, unknown> | null;
  created_at: Date;
}

function toRecord(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    engineTaskId: row.engine_task_id,
    elementId: row.element_id,
    name: row.name,
    names: row.names ?? {},
    processKey: row.process_key,
    businessKey: row.business_key,
    formKey: row.form_key,
    formVersion: row.form_version,
    candidateGroups: row.candidate_groups,
    assignee: row.assignee,
    dueAt: row.due_at,
    priority: row.priority,
    status: row.status,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    completedBy: row.completed_by,
    completedAt: row.completed_at,
    data: row.data,
    createdAt: row.created_at,
  };
}

/** User tasks: a row per waiting occurrence, open until completed or cancelled by the flow. */
export class TasksRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async insertMany(tasks: readonly NewTask[]): Promise<void> {
    if (tasks.length === 0) return;
    await this.db('process_tasks').insert(
      tasks.map((t) => ({
        id: t.id,
        instance_id: t.instanceId,
        engine_task_id: t.engineTaskId,
        element_id: t.elementId,
        name: t.name,
        names: JSON.stringify(t.names ?? {}),
        process_key: t.processKey,
        business_key: t.businessKey,
        form_key: t.formKey,
        form_version: t.formVersion,
        candidate_groups: this.db.raw('?::text[]', [t.candidateGroups]),
        assignee: t.assignee,
        due_at: t.dueAt,
        priority: t.priority,
        status: 'open',
        created_at: t.createdAt,
      })),
    );
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = await this.db('process_tasks').where({ id }).first();
    return row ? toRecord(row as TaskRow) : undefined;
  }

  /** Locks the task row; callers hold the instance lock first (instance → task, never the reverse). */
  async getForUpdate(id: string): Promise<TaskRecord | undefined> {
    const row = await this.db('process_tasks').where({ id }).forUpdate().first();
    return row ? toRecord(row as TaskRow) : undefined;
  }

  /** Closes open tasks the flow moved past (a boundary timer, the end of the instance). */
  async cancelOpen(instanceId: string, engineTaskIds: readonly string[], at: Date): Promise<number> {
    if (engineTaskIds.length === 0) return 0;
    return this.db('process_tasks')
      .where({ instance_id: instanceId, status: 'open' })
      .whereIn('engine_task_id', [...engineTaskIds])
      .update({ status: 'cancelled', completed_at: at });
  }

  /** Marks an open task completed; false when it was not open any more. */
  async complete(
    id: string,
    completion: { by: string; at: Date; data: Record<string, unknown>; formVersion: number | null },
  ): Promise<boolean> {
    const count = await this.db('process_tasks')
      .where({ id, status: 'open' })
      .update({
        status: 'completed',
        completed_by: completion.by,
        completed_at: completion.at,
        data: JSON.stringify(completion.data),
        form_version: completion.formVersion,
      });
    return count === 1;
  }

  /**
   * Completes the task if it is open and not claimed by someone other than `claimableBy` (null:
   * whoever holds it, for process admins). Returns the completed row, or undefined.
   */
  async completeOpen(
    id: string,
    completion: {
      by: string;
      at: Date;
      data: Record<string, unknown>;
      formVersion: number | null;
      claimableBy: string | null;
    },
  ): Promise<TaskRecord | undefined> {
    const q = this.db('process_tasks').where({ id, status: 'open' });
    const claimable = completion.claimableBy;
    if (claimable !== null) q.andWhere((w) => w.whereNull('claimed_by').orWhere({ claimed_by: claimable }));
    const rows = (await q
      .update({
        status: 'completed',
        completed_by: completion.by,
        completed_at: completion.at,
        data: JSON.stringify(completion.data),
        form_version: completion.formVersion,
      })
      .returning('*')) as TaskRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Claims an open task for `userId`; false when it is closed or someone else holds it. */
  async claim(id: string, userId: string, at: Date): Promise<boolean> {
    const count = await this.db('process_tasks')
      .where({ id, status: 'open' })
      .andWhere((q) => q.whereNull('claimed_by').orWhere({ claimed_by: userId }))
      .update({ claimed_by: userId, claimed_at: at });
    return count === 1;
  }

  async unclaim(id: string): Promise<boolean> {
    const count = await this.db('process_tasks')
      .where({ id, status: 'open' })
      .update({ claimed_by: null, claimed_at: null });
    return count === 1;
  }

  async forInstance(instanceId: string, options: { status?: TaskStatusValue } = {}): Promise<TaskRecord[]> {
    const q = this.db('process_tasks').where({ instance_id: instanceId }).orderBy('id');
    if (options.status) q.where({ status: options.status });
    return ((await q) as TaskRow[]).map(toRecord);
  }

  /** Oldest first (uuidv7 ids are time-ordered); `cursor` is the id of the last task of the previous page. */
  async list(query: InboxQuery): Promise<TaskRecord[]> {
    const q = this.db('process_tasks').orderBy('id', 'asc').limit(query.limit);
    if (query.status) q.where({ status: query.status });
    if (query.processKey) q.where({ process_key: query.processKey });
    if (query.businessKey) q.where({ business_key: query.businessKey });
    if (query.instanceId) q.where({ instance_id: query.instanceId });
    if (query.cursor) q.where('id', '>', query.cursor);
    if (query.assignedTo) {
      const user = query.assignedTo;
      q.andWhere((w) => w.where({ claimed_by: user }).orWhere({ assignee: user }));
    }
    const visible = query.visibleTo;
    if (visible) {
      q.andWhere((w) =>
        w
          .where({ assignee: visible.userId })
          .orWhere({ claimed_by: visible.userId })
          // An assigned task belongs to its assignee; groups are offered unassigned ones only.
          .orWhereRaw('(assignee is null and candidate_groups && ?::text[])', [[...visible.groups]]),
      );
    }
    return ((await q) as TaskRow[]).map(toRecord);
  }

  async countOpen(): Promise<number> {
    const row = await this.db('process_tasks').where({ status: 'open' }).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
