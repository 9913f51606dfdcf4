import type { Knex } from 'knex';

/** A user as the collaboration features need one: to notify, to mention, to escalate to. */
export interface CollabUser {
  id: string;
  username: string;
  displayName: string;
  teamId: string | null;
  roles: string[];
}

/** An open task with a due date, as the SLA sweep sees it. */
export interface DueTask {
  id: string;
  instanceId: string;
  name: string | null;
  processKey: string;
  businessKey: string | null;
  formKey: string;
  candidateGroups: string[];
  assignee: string | null;
  claimedBy: string | null;
  dueAt: Date;
}

export interface AssignedTask {
  id: string;
  name: string | null;
  processKey: string;
  businessKey: string | null;
  assignee: string;
  createdAt: Date;
}

export interface RecordChangeSeen {
  id: string;
  formKey: string;
  caseNumber: string | null;
  ownerTeamId: string | null;
  assigneeId: string | null;
  updatedBy: string;
  updatedAt: Date;
  data: Record<string, unknown>;
}

export interface OpenIncident {
  id: string;
  instanceId: string;
  processKey: string | null;
  businessKey: string | null;
  kind: string;
  message: string;
  createdAt: Date;
}

/**
 * Where the previous timeline page ended: entries are ordered by time (to the millisecond), then
 * kind, then id, all descending.
 */
export interface TimelineCursor {
  at: Date;
  kind: string;
  id: string;
}

export interface TimelineAuditEntry {
  id: string;
  at: Date;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface TimelineHistoryEntry {
  /** Zero-padded, so that text order is numeric order. */
  id: string;
  at: Date;
  instanceId: string;
  processKey: string;
  event: string;
  elementId: string | null;
  elementType: string | null;
  name: string | null;
  actor: string | null;
}

const SIGNIFICANT_ELEMENTS = [
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:CallActivity',
  'bpmn:SubProcess',
  'bpmn:EndEvent',
];

const MS = "date_trunc('milliseconds', ??)";

/**
 * The condition "comes after the cursor" for one timeline source of `kind`, in the order
 * (at desc, kind desc, id desc). `idSql` is the source's id as comparable SQL.
 */
function afterCursor(
  q: Knex.QueryBuilder,
  atColumn: string,
  idSql: string,
  kind: string,
  cursor: TimelineCursor | undefined,
  idBinding: (id: string) => Knex.RawBinding = (id) => id,
): void {
  if (!cursor) return;
  const at = `${MS.replace('??', atColumn)}`;
  if (kind < cursor.kind) q.whereRaw(`${at} <= ?`, [cursor.at]);
  else if (kind > cursor.kind) q.whereRaw(`${at} < ?`, [cursor.at]);
  else
    q.whereRaw(`(${at} < ? or (${at} = ? and ${idSql} < ?))`, [cursor.at, cursor.at, idBinding(cursor.id)]);
}

/** Cross-table reads (and small bookkeeping tables) of the sweeps and the case timeline. */
export class CollaborationRepo {
  constructor(private readonly db: Knex.Transaction) {}

  // ---- users --------------------------------------------------------------------------------

  /** Active users matching any of the given criteria (ids, usernames, roles; `teamIds` narrows roles). */
  async activeUsers(where: {
    ids?: readonly string[];
    usernames?: readonly string[];
    roles?: readonly string[];
    teamIds?: readonly string[];
  }): Promise<CollabUser[]> {
    const ids = (where.ids ?? []).filter((id) => UUID.test(id));
    const usernames = (where.usernames ?? []).map((u) => u.toLowerCase());
    const roles = where.roles ?? [];
    if (ids.length === 0 && usernames.length === 0 && roles.length === 0 && !where.teamIds) return [];
    const q = this.db('users as u')
      .where('u.active', true)
      .select(
        'u.id',
        'u.username',
        'u.display_name',
        'u.team_id',
        this.db.raw(
          "coalesce((select json_agg(r.role_key order by r.role_key) from user_roles r where r.user_id = u.id), '[]'::json) as roles",
        ),
      )
      .orderBy('u.username');
    q.where((w) => {
      if (ids.length > 0) w.orWhereIn('u.id', ids);
      if (usernames.length > 0) w.orWhereIn('u.username', usernames);
      if (roles.length > 0 || where.teamIds) {
        w.orWhere((inner) => {
          if (roles.length > 0) {
            inner.whereExists(
              this.db('user_roles as r')
                .whereRaw('r.user_id = u.id')
                .whereIn('r.role_key', [...roles]),
            );
          }
          if (where.teamIds) inner.whereIn('u.team_id', [...where.teamIds]);
        });
      }
    });
    const rows = (await q) as {
      id: string;
      username: string;
      display_name: string;
      team_id: string | null;
      roles: string[];
    }[];
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      teamId: r.team_id,
      roles: r.roles,
    }));
  }

  /** id → display name of the users that exist (for rendering authors and actors). */
  async displayNames(ids: readonly string[]): Promise<Map<string, string>> {
    const valid = [...new Set(ids)].filter((id) => UUID.test(id));
    if (valid.length === 0) return new Map();
    const rows = (await this.db('users').whereIn('id', valid).select('id', 'display_name')) as {
      id: string;
      display_name: string;
    }[];
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  // ---- sweeps -------------------------------------------------------------------------------

  async watermark(name: string): Promise<Date | undefined> {
    const row = (await this.db('collab_watermarks').where({ name }).first()) as { at: Date } | undefined;
    return row?.at;
  }

  async setWatermark(name: string, at: Date): Promise<void> {
    await this.db('collab_watermarks').insert({ name, at }).onConflict('name').merge(['at']);
  }

  /** Records that a sweep handled the event; false when it was handled before. */
  async markSeen(key: string, at: Date): Promise<boolean> {
    const rows = await this.db('collab_events_seen')
      .insert({ key, at })
      .onConflict('key')
      .ignore()
      .returning('key');
    return rows.length > 0;
  }

  /** Open tasks due in (now, until] that have no `mark` for their current due date yet. */
  async tasksDueBetween(now: Date, until: Date, mark: string, limit: number): Promise<DueTask[]> {
    return this.dueTasks((q) => q.where('t.due_at', '>', now).andWhere('t.due_at', '<=', until), mark, limit);
  }

  /** Open tasks due at or before `now` that have no `mark` for their current due date yet. */
  async tasksOverdue(now: Date, mark: string, limit: number): Promise<DueTask[]> {
    return this.dueTasks((q) => q.where('t.due_at', '<=', now), mark, limit);
  }

  private async dueTasks(
    range: (q: Knex.QueryBuilder) => void,
    mark: string,
    limit: number,
  ): Promise<DueTask[]> {
    const q = this.db('process_tasks as t')
      .where('t.status', 'open')
      .whereNotNull('t.due_at')
      .whereNotExists(
        this.db('task_sla_marks as m')
          .whereRaw('m.task_id = t.id')
          .where('m.mark', mark)
          .whereRaw('m.due_at = t.due_at'),
      )
      .orderBy('t.due_at')
      .limit(limit)
      .select(
        't.id',
        't.instance_id',
        't.name',
        't.process_key',
        't.business_key',
        't.form_key',
        't.candidate_groups',
        't.assignee',
        't.claimed_by',
        't.due_at',
      );
    range(q);
    const rows = (await q) as {
      id: string;
      instance_id: string;
      name: string | null;
      process_key: string;
      business_key: string | null;
      form_key: string;
      candidate_groups: string[];
      assignee: string | null;
      claimed_by: string | null;
      due_at: Date;
    }[];
    return rows.map((r) => ({
      id: r.id,
      instanceId: r.instance_id,
      name: r.name,
      processKey: r.process_key,
      businessKey: r.business_key,
      formKey: r.form_key,
      candidateGroups: r.candidate_groups,
      assignee: r.assignee,
      claimedBy: r.claimed_by,
      dueAt: r.due_at,
    }));
  }

  /** Records the SLA step; false when another node (or an earlier sweep) already did. */
  async markSla(taskId: string, mark: string, dueAt: Date, at: Date): Promise<boolean> {
    const rows = await this.db('task_sla_marks')
      .insert({ task_id: taskId, mark, due_at: dueAt, at })
      .onConflict(['task_id', 'mark', 'due_at'])
      .ignore()
      .returning('task_id');
    return rows.length > 0;
  }

  /** Tasks created with an assignee since `from`, oldest first, after (createdAt, id) `after`. */
  async assignedTasksSince(
    from: Date,
    limit: number,
    after?: { at: Date; id: string },
  ): Promise<AssignedTask[]> {
    const q = this.db('process_tasks')
      .whereNotNull('assignee')
      .andWhere('created_at', '>=', from)
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit)
      .select('id', 'name', 'process_key', 'business_key', 'assignee', 'created_at');
    if (after) q.whereRaw('(created_at, id) > (?, ?::uuid)', [after.at, after.id]);
    const rows = (await q) as {
      id: string;
      name: string | null;
      process_key: string;
      business_key: string | null;
      assignee: string;
      created_at: Date;
    }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      processKey: r.process_key,
      businessKey: r.business_key,
      assignee: r.assignee,
      createdAt: r.created_at,
    }));
  }

  /**
   * Records changed since `from` (oldest first, after `after`), optionally only of one form and
   * containing `contains` (jsonb containment, served by the GIN index), optionally only assigned.
   */
  async recordsChangedSince(
    from: Date,
    limit: number,
    options: {
      formKey?: string;
      contains?: Record<string, unknown>;
      assignedOnly?: boolean;
      after?: { at: Date; id: string };
    } = {},
  ): Promise<RecordChangeSeen[]> {
    const q = this.db('records')
      .where('updated_at', '>=', from)
      .orderBy([
        { column: 'updated_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit)
      .select('id', 'form_key', 'owner_team_id', 'assignee_id', 'updated_by', 'updated_at', 'data');
    if (options.formKey) q.where({ form_key: options.formKey });
    if (options.contains) q.whereRaw('data @> ?::jsonb', [JSON.stringify(options.contains)]);
    if (options.assignedOnly) q.whereNotNull('assignee_id');
    if (options.after) q.whereRaw('(updated_at, id) > (?, ?::uuid)', [options.after.at, options.after.id]);
    const rows = (await q) as {
      id: string;
      form_key: string;
      owner_team_id: string | null;
      assignee_id: string | null;
      updated_by: string;
      updated_at: Date;
      data: Record<string, unknown>;
    }[];
    return rows.map((r) => ({
      id: r.id,
      formKey: r.form_key,
      caseNumber: typeof r.data?.caseNumber === 'string' ? r.data.caseNumber : null,
      ownerTeamId: r.owner_team_id,
      assigneeId: r.assignee_id,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
      data: r.data,
    }));
  }

  /** Incidents opened since `from`, oldest first, after `after`. */
  async incidentsSince(from: Date, limit: number, after?: { at: Date; id: string }): Promise<OpenIncident[]> {
    const q = this.db('process_incidents as x')
      .leftJoin('process_instances as i', 'i.id', 'x.instance_id')
      .where('x.created_at', '>=', from)
      .where('x.status', 'open')
      .orderBy([
        { column: 'x.created_at', order: 'asc' },
        { column: 'x.id', order: 'asc' },
      ])
      .limit(limit)
      .select(
        'x.id',
        'x.instance_id',
        'x.kind',
        'x.message',
        'x.created_at',
        'i.process_key',
        'i.business_key',
      );
    if (after) q.whereRaw('(x.created_at, x.id) > (?, ?::uuid)', [after.at, after.id]);
    const rows = (await q) as {
      id: string;
      instance_id: string;
      kind: string;
      message: string;
      created_at: Date;
      process_key: string | null;
      business_key: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      instanceId: r.instance_id,
      processKey: r.process_key,
      businessKey: r.business_key,
      kind: r.kind,
      message: r.message,
      createdAt: r.created_at,
    }));
  }

  /** The newest record of `formKey` whose data has this case number (a case's own record). */
  async caseRecord(
    formKey: string,
    caseNumber: string,
  ): Promise<{ id: string; ownerTeamId: string | null; assigneeId: string | null } | undefined> {
    const row = (await this.db('records')
      .where({ form_key: formKey })
      .whereRaw('data @> ?::jsonb', [JSON.stringify({ caseNumber })])
      .orderBy('id', 'desc')
      .first('id', 'owner_team_id', 'assignee_id')) as
      | { id: string; owner_team_id: string | null; assignee_id: string | null }
      | undefined;
    return row && { id: row.id, ownerTeamId: row.owner_team_id, assigneeId: row.assignee_id };
  }

  // ---- timeline -----------------------------------------------------------------------------

  /** Audit entries about one subject, newest first, after the cursor. */
  async timelineAudit(
    subjectType: string,
    subjectId: string,
    kind: string,
    cursor: TimelineCursor | undefined,
    limit: number,
  ): Promise<TimelineAuditEntry[]> {
    const q = this.db('audit_log')
      .where({ subject_type: subjectType, subject_id: subjectId })
      .orderByRaw(`${MS} desc, id desc`, ['at'])
      .limit(limit)
      .select('id', 'at', 'actor', 'action', 'detail');
    afterCursor(q, 'at', 'id', kind, cursor, (id) =>
      UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000',
    );
    return (await q) as TimelineAuditEntry[];
  }

  /** Process history of the instances with this business key, newest first, after the cursor. */
  async timelineHistory(
    businessKey: string,
    kind: string,
    cursor: TimelineCursor | undefined,
    limit: number,
  ): Promise<TimelineHistoryEntry[]> {
    const q = this.db('process_history as h')
      .join('process_instances as i', 'i.id', 'h.instance_id')
      .where('i.business_key', businessKey)
      // A case's story: tasks, services, calls and subprocesses, not every gateway the token passed.
      .whereRaw(
        `not (h.event in ('activity.start', 'activity.end') and coalesce(h.element_type, '') not in (${SIGNIFICANT_ELEMENTS.map(() => '?').join(', ')}))`,
        SIGNIFICANT_ELEMENTS,
      )
      .orderByRaw(`${MS} desc, h.id desc`, ['h.at'])
      .limit(limit)
      .select(
        'h.id',
        'h.at',
        'h.instance_id',
        'i.process_key',
        'h.event',
        'h.element_id',
        'h.element_type',
        'h.name',
        'h.actor',
      );
    afterCursor(q, 'h.at', 'h.id', kind, cursor, (id) => (/^\d{1,20}$/.test(id) ? id : '0'));
    const rows = (await q) as {
      id: number | string;
      at: Date;
      instance_id: string;
      process_key: string;
      event: string;
      element_id: string | null;
      element_type: string | null;
      name: string | null;
      actor: string | null;
    }[];
    return rows.map((r) => ({
      id: String(r.id).padStart(20, '0'),
      at: r.at,
      instanceId: r.instance_id,
      processKey: r.process_key,
      event: r.event,
      elementId: r.element_id,
      elementType: r.element_type,
      name: r.name,
      actor: r.actor,
    }));
  }

  /** Comment ids (newest first, after the cursor) on the subjects, and on tasks filed under the case keys. */
  async timelineComments(
    subjects: readonly { type: string; id: string }[],
    caseKeys: readonly string[],
    kind: string,
    cursor: TimelineCursor | undefined,
    limit: number,
  ): Promise<string[]> {
    if (subjects.length === 0 && caseKeys.length === 0) return [];
    const q = this.db('comments').orderByRaw(`${MS} desc, id desc`, ['created_at']).limit(limit).select('id');
    q.where((w) => {
      for (const s of subjects) w.orWhere({ subject_type: s.type, subject_id: s.id });
      // Other records of a case keep their own conversation; the case shows its tasks' comments.
      if (caseKeys.length > 0)
        w.orWhere((t) => t.where({ subject_type: 'task' }).whereIn('case_key', [...caseKeys]));
    });
    afterCursor(q, 'created_at', 'id', kind, cursor, (id) =>
      UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000',
    );
    return ((await q) as { id: string }[]).map((r) => r.id);
  }

  /** Attachment ids (newest first, after the cursor) on the subjects. */
  async timelineAttachments(
    subjects: readonly { type: string; id: string }[],
    kind: string,
    cursor: TimelineCursor | undefined,
    limit: number,
  ): Promise<string[]> {
    if (subjects.length === 0) return [];
    const q = this.db('attachments')
      .whereNull('deleted_at')
      .orderByRaw(`${MS} desc, id desc`, ['created_at'])
      .limit(limit)
      .select('id');
    q.where((w) => {
      for (const s of subjects) w.orWhere({ subject_type: s.type, subject_id: s.id });
    });
    afterCursor(q, 'created_at', 'id', kind, cursor, (id) =>
      UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000',
    );
    return ((await q) as { id: string }[]).map((r) => r.id);
  }

  /** Ids of the tasks filed under a business key (to gather their comments and attachments). */
  async taskIdsForBusinessKey(businessKey: string, limit = 500): Promise<string[]> {
    const rows = (await this.db('process_tasks')
      .where({ business_key: businessKey })
      .orderBy('id', 'desc')
      .limit(limit)
      .select('id')) as { id: string }[];
    return rows.map((r) => r.id);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
