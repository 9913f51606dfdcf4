import type { Knex } from 'knex';

export type TargetScope = 'user' | 'team';

export interface TargetRecord {
  /** YYYY-MM */
  period: string;
  scope: TargetScope;
  subjectId: string;
  currency: string;
  /** A decimal string with two places. */
  amount: string;
  updatedBy: string;
  updatedAt: Date;
}

export type TargetInput = Pick<TargetRecord, 'scope' | 'subjectId' | 'currency' | 'amount'>;

export interface CommissionRuleRecord {
  teamId: string;
  /** YYYY-MM: the rule applies from this month until a newer one. */
  effectiveFrom: string;
  rule: Record<string, unknown>;
  updatedBy: string;
  updatedAt: Date;
}

/** Instants [from, to) and calendar days [fromDate, toDate) of one month in the business time zone. */
export interface PeriodRange {
  from: Date;
  to: Date;
  fromDate: string;
  toDate: string;
}

export interface CollectedRow {
  /** Who the payment is credited to: the case's collector, else whoever the payment is assigned to or entered it. */
  collector: string;
  amount: string;
  payments: number;
}

export interface PromiseRow {
  collector: string;
  status: string;
  count: number;
}

export interface ContactRow {
  collector: string;
  attempts: number;
  rightParty: number;
}

const DECIMAL_TEXT = '^[0-9]+(\\.[0-9]+)?$';

/** Monthly targets, per-team commission rules, and the month's figures the performance pages read. */
export class TargetsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async upsert(period: string, targets: readonly TargetInput[], by: string): Promise<void> {
    if (targets.length === 0) return;
    await this.db('performance_targets')
      .insert(
        targets.map((t) => ({
          period,
          scope: t.scope,
          subject_id: t.subjectId,
          currency: t.currency,
          amount: t.amount,
          updated_by: by,
          updated_at: this.db.fn.now(),
        })),
      )
      .onConflict(['period', 'scope', 'subject_id'])
      .merge(['currency', 'amount', 'updated_by', 'updated_at']);
  }

  async delete(period: string, scope: TargetScope, subjectId: string): Promise<boolean> {
    return (
      (await this.db('performance_targets').where({ period, scope, subject_id: subjectId }).delete()) > 0
    );
  }

  async list(
    period: string,
    filter: { scope?: TargetScope; subjectIds?: readonly string[] } = {},
  ): Promise<TargetRecord[]> {
    const q = this.db('performance_targets').where({ period }).orderBy(['scope', 'subject_id']);
    if (filter.scope) q.where({ scope: filter.scope });
    if (filter.subjectIds) q.whereIn('subject_id', [...filter.subjectIds]);
    const rows = (await q) as {
      period: string;
      scope: TargetScope;
      subject_id: string;
      currency: string;
      amount: string;
      updated_by: string;
      updated_at: Date;
    }[];
    return rows.map((r) => ({
      period: r.period,
      scope: r.scope,
      subjectId: r.subject_id,
      currency: r.currency,
      amount: r.amount,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
    }));
  }

  /** The team's rule in force in `period`: the newest one effective from that month or before. */
  async commissionRule(teamId: string, period: string): Promise<CommissionRuleRecord | undefined> {
    const row = (await this.db('commission_rules')
      .where({ team_id: teamId })
      .andWhere('effective_from', '<=', period)
      .orderBy('effective_from', 'desc')
      .first()) as CommissionRuleRow | undefined;
    return row && toRule(row);
  }

  /** Every rule of the team, newest first. */
  async commissionRules(teamId: string): Promise<CommissionRuleRecord[]> {
    const rows = (await this.db('commission_rules')
      .where({ team_id: teamId })
      .orderBy('effective_from', 'desc')) as CommissionRuleRow[];
    return rows.map(toRule);
  }

  async setCommissionRule(
    teamId: string,
    effectiveFrom: string,
    rule: Record<string, unknown>,
    by: string,
  ): Promise<CommissionRuleRecord> {
    const rows = (await this.db('commission_rules')
      .insert({
        team_id: teamId,
        effective_from: effectiveFrom,
        rule: JSON.stringify(rule),
        updated_by: by,
        updated_at: this.db.fn.now(),
      })
      .onConflict(['team_id', 'effective_from'])
      .merge(['rule', 'updated_by', 'updated_at'])
      .returning('*')) as CommissionRuleRow[];
    return toRule(rows[0]!);
  }

  async deleteCommissionRule(teamId: string, effectiveFrom: string): Promise<boolean> {
    return (
      (await this.db('commission_rules').where({ team_id: teamId, effective_from: effectiveFrom }).delete()) >
      0
    );
  }

  /**
   * Payments received in the range in `currency`, not reversed, summed per collector. A payment
   * is credited to its case's collector (debt-case assignedCollectorId, else the case record's
   * assignee), else to the payment record's assignee, else to whoever entered it.
   */
  async collectedByCollector(range: PeriodRange, currency: string): Promise<CollectedRow[]> {
    const result = await this.db.raw(
      `select coalesce(nullif(c.data ->> 'assignedCollectorId', ''), c.assignee_id, p.assignee_id, p.created_by) as collector,
              sum((p.data ->> 'amount')::numeric)::text as amount,
              count(*)::int as payments
         from records p
         left join lateral (
           select c.data, c.assignee_id from records c
            where c.form_key = 'debt-case'
              and c.data @> jsonb_build_object('caseNumber', p.data -> 'caseNumber')
            order by c.id desc limit 1
         ) c on true
        where p.form_key = 'payment'
          and p.data @> jsonb_build_object('currency', ?::text)
          and not (p.data @> '{"reversed": true}'::jsonb)
          and jsonb_typeof(p.data -> 'amount') = 'string'
          and (p.data ->> 'amount') ~ ?
          and jsonb_typeof(p.data -> 'receivedAt') = 'string'
          and records_try_timestamptz(p.data ->> 'receivedAt') >= ?
          and records_try_timestamptz(p.data ->> 'receivedAt') < ?
        group by 1`,
      [currency, DECIMAL_TEXT, range.from, range.to],
    );
    return (result as { rows: CollectedRow[] }).rows;
  }

  /** Promises to pay due in the range, counted per collector and status. */
  async promisesByCollector(range: PeriodRange): Promise<PromiseRow[]> {
    const result = await this.db.raw(
      `select coalesce(nullif(data ->> 'collectorId', ''), assignee_id, created_by) as collector,
              coalesce(data ->> 'status', 'PENDING') as status,
              count(*)::int as count
         from records
        where form_key = 'promise-to-pay'
          and jsonb_typeof(data -> 'dueDate') = 'string'
          and (data ->> 'dueDate') >= ? and (data ->> 'dueDate') < ?
        group by 1, 2`,
      [range.fromDate, range.toDate],
    );
    return (result as { rows: PromiseRow[] }).rows;
  }

  /** Contact attempts made in the range per agent, and how many reached the right party (RPC_*). */
  async contactsByCollector(range: PeriodRange): Promise<ContactRow[]> {
    const result = await this.db.raw(
      `select coalesce(nullif(data ->> 'agentId', ''), created_by) as collector,
              count(*)::int as attempts,
              (count(*) filter (where (data ->> 'outcomeCode') like 'RPC\\_%'))::int as "rightParty"
         from records
        where form_key = 'contact-attempt'
          and jsonb_typeof(data -> 'occurredAt') = 'string'
          and records_try_timestamptz(data ->> 'occurredAt') >= ?
          and records_try_timestamptz(data ->> 'occurredAt') < ?
        group by 1`,
      [range.from, range.to],
    );
    return (result as { rows: ContactRow[] }).rows;
  }
}

interface CommissionRuleRow {
  team_id: string;
  effective_from: string;
  rule: Record<string, unknown>;
  updated_by: string;
  updated_at: Date;
}

const toRule = (r: CommissionRuleRow): CommissionRuleRecord => ({
  teamId: r.team_id,
  effectiveFrom: r.effective_from,
  rule: r.rule,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});
