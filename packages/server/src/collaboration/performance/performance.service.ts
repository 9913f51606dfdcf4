import type { Clock } from '@collectflow/engine';
import type {
  CollabUser,
  CollectedRow,
  CommissionRuleRecord,
  ContactRow,
  PromiseRow,
  Store,
  StoreTx,
  TargetInput,
  TargetRecord,
  TargetScope,
} from '@collectflow/store';
import { Decimal } from 'decimal.js';
import { type Actor, can } from '../../auth/actor.js';
import { invalid, notFound, objectBody } from '../collab.errors.js';
import {
  type CommissionResult,
  type CommissionRule,
  computeCommission,
  parseCommissionRule,
} from './commission.rule.js';
import { parsePeriod, periodOf, periodRange } from './period.js';

export interface PerformanceOptions {
  /** The business's time zone: months start at local midnight there. */
  timeZone: string;
  /** Counted when no target names a currency. */
  currency: string;
}

export const DEFAULT_PERFORMANCE_OPTIONS: PerformanceOptions = { timeZone: 'Asia/Shanghai', currency: 'CNY' };

export interface TargetView {
  period: string;
  scope: TargetScope;
  subjectId: string;
  currency: string;
  amount: string;
  updatedBy: string;
  updatedAt: string;
}

export interface MemberPerformance {
  userId: string;
  username: string | null;
  displayName: string | null;
  collected: { amount: string; currency: string; payments: number };
  target: { amount: string; currency: string } | null;
  /** collected / target to 4 places ("1.0250" = 102.5 %), null without a target in the same currency. */
  attainment: string | null;
  promises: {
    due: number;
    kept: number;
    broken: number;
    pending: number;
    cancelled: number;
    keptRate: string | null;
  };
  contacts: { attempts: number; rightParty: number };
  /** 1 = most collected in the team (ties share a rank); null outside a team. */
  rank: number | null;
  commission: (CommissionResult & { ruleEffectiveFrom: string }) | null;
}

const CURRENCY = /^[A-Z]{3}$/;
const AMOUNT = /^(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$/;
const MAX_TARGETS = 500;

const targetView = (t: TargetRecord): TargetView => ({
  period: t.period,
  scope: t.scope,
  subjectId: t.subjectId,
  currency: t.currency,
  amount: t.amount,
  updatedBy: t.updatedBy,
  updatedAt: t.updatedAt.toISOString(),
});

interface MonthFigures {
  collected: CollectedRow[];
  promises: PromiseRow[];
  contacts: ContactRow[];
}

/** Monthly targets, commission rules, "my performance" and the team review. */
export class PerformanceService {
  constructor(private readonly deps: { store: Store; clock: Clock; options: PerformanceOptions }) {}

  currentPeriod(): string {
    return periodOf(this.deps.clock.now(), this.deps.options.timeZone);
  }

  // ---- targets ------------------------------------------------------------------------------

  async listTargets(
    periodRaw: unknown,
    teamId: string | undefined,
  ): Promise<{ period: string; items: TargetView[] }> {
    const period = periodRaw === undefined ? this.currentPeriod() : parsePeriod(periodRaw);
    return this.deps.store.transaction(
      async (tx) => {
        let items = await tx.targets.list(period);
        if (teamId) {
          const members = new Set(
            (await tx.collaboration.activeUsers({ teamIds: [teamId] })).map((u) => u.id),
          );
          items = items.filter((t) =>
            t.scope === 'team' ? t.subjectId === teamId : members.has(t.subjectId),
          );
        }
        return { period, items: items.map(targetView) };
      },
      { readOnly: true },
    );
  }

  async putTargets(body: unknown, actor: Actor): Promise<{ period: string; items: TargetView[] }> {
    const b = objectBody(
      body,
      'an object with "period" and "targets": [{ scope, subjectId, amount, currency }]',
    );
    const period = parsePeriod(b.period);
    if (!Array.isArray(b.targets) || b.targets.length === 0 || b.targets.length > MAX_TARGETS) {
      throw invalid('targets.invalid', '/targets', `targets must be a list of 1 to ${MAX_TARGETS} targets`);
    }
    const targets: TargetInput[] = b.targets.map((t, i) => {
      const p = `/targets/${i}`;
      if (typeof t !== 'object' || t === null) throw invalid('targets.invalid', p, 'a target is an object');
      const x = t as Record<string, unknown>;
      if (x.scope !== 'user' && x.scope !== 'team')
        throw invalid('targets.invalid', `${p}/scope`, 'scope must be user or team');
      if (typeof x.subjectId !== 'string' || x.subjectId === '' || x.subjectId.length > 200) {
        throw invalid('targets.invalid', `${p}/subjectId`, 'subjectId must be a user id or team id');
      }
      if (typeof x.amount !== 'string' || !AMOUNT.test(x.amount)) {
        throw invalid(
          'targets.invalid',
          `${p}/amount`,
          'amount must be a decimal string with at most 2 decimals, e.g. "50000.00"',
        );
      }
      const currency = x.currency ?? this.deps.options.currency;
      if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
        throw invalid('targets.invalid', `${p}/currency`, 'currency must be an ISO 4217 code such as CNY');
      }
      return { scope: x.scope, subjectId: x.subjectId, amount: new Decimal(x.amount).toFixed(2), currency };
    });
    return this.deps.store.transaction(async (tx) => {
      for (const [i, t] of targets.entries()) {
        const exists =
          t.scope === 'team'
            ? (await tx.teams.get(t.subjectId)) !== undefined
            : (await tx.collaboration.activeUsers({ ids: [t.subjectId] })).length > 0;
        if (!exists) {
          throw invalid(
            'targets.unknown_subject',
            `/targets/${i}/subjectId`,
            `there is no ${t.scope} "${t.subjectId}"`,
          );
        }
      }
      await tx.targets.upsert(period, targets, actor.userId);
      await tx.audit.append({
        actor: actor.userId,
        action: 'targets.set',
        subjectType: 'targets',
        subjectId: period,
        detail: { targets },
      });
      const stored = await tx.targets.list(period);
      const keys = new Set(targets.map((t) => `${t.scope}:${t.subjectId}`));
      return { period, items: stored.filter((t) => keys.has(`${t.scope}:${t.subjectId}`)).map(targetView) };
    });
  }

  async deleteTarget(periodRaw: string, scope: string, subjectId: string, actor: Actor): Promise<void> {
    const period = parsePeriod(periodRaw);
    if (scope !== 'user' && scope !== 'team')
      throw invalid('targets.invalid', '/scope', 'scope must be user or team');
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.targets.delete(period, scope, subjectId))) {
        throw notFound('targets.not_found', 'target', `${period}/${scope}/${subjectId}`);
      }
      await tx.audit.append({
        actor: actor.userId,
        action: 'targets.deleted',
        subjectType: 'targets',
        subjectId: period,
        detail: { scope, subjectId },
      });
    });
  }

  // ---- commission rules ---------------------------------------------------------------------

  async commissionRules(teamId: string): Promise<{ teamId: string; items: RuleView[] }> {
    return this.deps.store.transaction(
      async (tx) => {
        if (!(await tx.teams.get(teamId))) throw notFound('teams.not_found', 'team', teamId);
        return { teamId, items: (await tx.targets.commissionRules(teamId)).map(ruleView) };
      },
      { readOnly: true },
    );
  }

  async putCommissionRule(teamId: string, body: unknown, actor: Actor): Promise<RuleView> {
    const b = objectBody(body, 'an object with "rule" and optionally "effectiveFrom" (YYYY-MM)');
    const effectiveFrom =
      b.effectiveFrom === undefined ? this.currentPeriod() : parsePeriod(b.effectiveFrom, '/effectiveFrom');
    const rule = parseCommissionRule(b.rule, '/rule');
    return this.deps.store.transaction(async (tx) => {
      if (!(await tx.teams.get(teamId))) throw notFound('teams.not_found', 'team', teamId);
      const saved = await tx.targets.setCommissionRule(teamId, effectiveFrom, { ...rule }, actor.userId);
      await tx.audit.append({
        actor: actor.userId,
        action: 'commission_rule.set',
        subjectType: 'team',
        subjectId: teamId,
        detail: { effectiveFrom, rule: { ...rule } },
      });
      return ruleView(saved);
    });
  }

  /** Computes a commission without saving anything (the rule editor's live preview). */
  preview(body: unknown): CommissionResult {
    const b = objectBody(body, 'an object with "rule", "collected" and optionally "target"');
    const rule = parseCommissionRule(b.rule, '/rule');
    if (typeof b.collected !== 'string' || !AMOUNT.test(b.collected)) {
      throw invalid(
        'commission.invalid_amount',
        '/collected',
        'collected must be a decimal string, e.g. "123456.78"',
      );
    }
    if (
      b.target !== undefined &&
      b.target !== null &&
      (typeof b.target !== 'string' || !AMOUNT.test(b.target))
    ) {
      throw invalid('commission.invalid_amount', '/target', 'target must be a decimal string or null');
    }
    return computeCommission(rule, b.collected, (b.target as string | null | undefined) ?? null);
  }

  // ---- performance --------------------------------------------------------------------------

  /** The caller's month: collected against target, promises kept, contacts, rank in team, commission. */
  async mine(
    actor: Actor,
    periodRaw: unknown,
  ): Promise<{
    period: string;
    timeZone: string;
    teamId: string | null;
    teamSize: number;
    me: MemberPerformance;
  }> {
    const period = periodRaw === undefined ? this.currentPeriod() : parsePeriod(periodRaw);
    return this.deps.store.transaction(
      async (tx) => {
        const teamId = actor.teamIds[0] ?? null;
        const self: CollabUser = (await tx.collaboration.activeUsers({ ids: [actor.userId] }))[0] ?? {
          id: actor.userId,
          username: actor.userId,
          displayName: actor.displayName,
          teamId,
          roles: [...actor.roles],
        };
        const team = teamId ? await tx.collaboration.activeUsers({ teamIds: [teamId] }) : [];
        const members = team.some((u) => u.id === self.id) ? team : [...team, self];
        const result = await this.figures(tx, period, teamId, members);
        return {
          period,
          timeZone: this.deps.options.timeZone,
          teamId,
          teamSize: teamId ? members.length : 1,
          me: {
            ...result.members.find((m) => m.userId === self.id)!,
            ...(teamId ? {} : { rank: null }),
          },
        };
      },
      { readOnly: true },
    );
  }

  /** A team's month for its managers: every member's figures, ranked, with commissions. */
  async team(
    teamId: string,
    periodRaw: unknown,
    actor: Actor,
  ): Promise<{
    period: string;
    timeZone: string;
    team: { id: string; name: Record<string, string> };
    currency: string;
    target: { amount: string; currency: string } | null;
    totals: {
      collected: string;
      payments: number;
      attainment: string | null;
      promisesKept: number;
      promisesBroken: number;
      contacts: number;
      rightPartyContacts: number;
      commission: string;
    };
    commissionRule: RuleView | null;
    members: MemberPerformance[];
  }> {
    const period = periodRaw === undefined ? this.currentPeriod() : parsePeriod(periodRaw);
    return this.deps.store.transaction(
      async (tx) => {
        const team = await tx.teams.get(teamId);
        // A manager of another team (without all-teams rights) learns nothing, not even that it exists.
        if (!team || (!can(actor, 'records.view_all_teams') && !actor.teamIds.includes(teamId))) {
          throw notFound('teams.not_found', 'team', teamId);
        }
        const members = await tx.collaboration.activeUsers({ teamIds: [teamId] });
        const result = await this.figures(tx, period, teamId, members);
        const sum = (pick: (m: MemberPerformance) => number) =>
          result.members.reduce((n, m) => n + pick(m), 0);
        const collected = result.members.reduce((d, m) => d.plus(m.collected.amount), new Decimal(0));
        return {
          period,
          timeZone: this.deps.options.timeZone,
          team: { id: team.id, name: team.name },
          currency: result.currency,
          target: result.teamTarget,
          totals: {
            collected: collected.toFixed(2),
            payments: sum((m) => m.collected.payments),
            attainment: attainment(collected.toFixed(2), result.teamTarget, result.currency),
            promisesKept: sum((m) => m.promises.kept),
            promisesBroken: sum((m) => m.promises.broken),
            contacts: sum((m) => m.contacts.attempts),
            rightPartyContacts: sum((m) => m.contacts.rightParty),
            commission: result.members
              .reduce((d, m) => d.plus(m.commission?.amount ?? '0'), new Decimal(0))
              .toFixed(2),
          },
          commissionRule: result.rule ? ruleView(result.rule) : null,
          members: result.members.sort(
            (a, b) =>
              (a.rank ?? 0) - (b.rank ?? 0) || (a.displayName ?? '').localeCompare(b.displayName ?? ''),
          ),
        };
      },
      { readOnly: true },
    );
  }

  private async figures(tx: StoreTx, period: string, teamId: string | null, members: readonly CollabUser[]) {
    const targets = await tx.targets.list(period);
    const teamTargetRow = teamId
      ? targets.find((t) => t.scope === 'team' && t.subjectId === teamId)
      : undefined;
    const userTargets = new Map(targets.filter((t) => t.scope === 'user').map((t) => [t.subjectId, t]));
    const currency =
      teamTargetRow?.currency ??
      members.map((m) => userTargets.get(m.id)?.currency).find((c) => c !== undefined) ??
      this.deps.options.currency;
    const range = periodRange(period, this.deps.options.timeZone);
    const month: MonthFigures = {
      collected: await tx.targets.collectedByCollector(range, currency),
      promises: await tx.targets.promisesByCollector(range),
      contacts: await tx.targets.contactsByCollector(range),
    };
    const rule = teamId ? await tx.targets.commissionRule(teamId, period) : undefined;
    let parsedRule: CommissionRule | undefined;
    if (rule) {
      try {
        parsedRule = parseCommissionRule(rule.rule);
      } catch {
        parsedRule = undefined; // Saved rules were checked; one that no longer parses computes nothing.
      }
    }
    const rows = members.map((m) => {
      const ids = new Set([m.id, m.username]);
      const mine = <T extends { collector: string }>(list: T[]) => list.filter((r) => ids.has(r.collector));
      const collected = mine(month.collected).reduce((d, r) => d.plus(r.amount), new Decimal(0));
      const payments = mine(month.collected).reduce((n, r) => n + r.payments, 0);
      const promises = {
        due: 0,
        kept: 0,
        broken: 0,
        pending: 0,
        cancelled: 0,
        keptRate: null as string | null,
      };
      for (const p of mine(month.promises)) {
        promises.due += p.count;
        if (p.status === 'KEPT') promises.kept += p.count;
        else if (p.status === 'BROKEN') promises.broken += p.count;
        else if (p.status === 'CANCELLED') promises.cancelled += p.count;
        else promises.pending += p.count;
      }
      const settled = promises.kept + promises.broken;
      promises.keptRate = settled > 0 ? new Decimal(promises.kept).dividedBy(settled).toFixed(4) : null;
      const contacts = mine(month.contacts).reduce(
        (c, r) => ({ attempts: c.attempts + r.attempts, rightParty: c.rightParty + r.rightParty }),
        { attempts: 0, rightParty: 0 },
      );
      const targetRow = userTargets.get(m.id);
      const target = targetRow ? { amount: targetRow.amount, currency: targetRow.currency } : null;
      const amount = collected.toFixed(2);
      const sameCurrencyTarget = target && target.currency === currency ? target.amount : null;
      return {
        userId: m.id,
        username: m.username,
        displayName: m.displayName,
        collected: { amount, currency, payments },
        target,
        attainment: attainment(amount, target, currency),
        promises,
        contacts,
        rank: null as number | null,
        commission:
          parsedRule && rule
            ? {
                ...computeCommission(parsedRule, amount, sameCurrencyTarget),
                ruleEffectiveFrom: rule.effectiveFrom,
              }
            : null,
      } satisfies MemberPerformance;
    });
    // Standard competition ranking ("1224"): equal amounts share a rank.
    const ordered = [...rows].sort((a, b) => new Decimal(b.collected.amount).comparedTo(a.collected.amount));
    ordered.forEach((row, i) => {
      const previous = ordered[i - 1];
      row.rank =
        previous && new Decimal(previous.collected.amount).eq(row.collected.amount) ? previous.rank : i + 1;
    });
    return {
      members: rows,
      currency,
      teamTarget: teamTargetRow ? { amount: teamTargetRow.amount, currency: teamTargetRow.currency } : null,
      rule,
    };
  }
}

export interface RuleView {
  teamId: string;
  effectiveFrom: string;
  rule: Record<string, unknown>;
  updatedBy: string;
  updatedAt: string;
}

const ruleView = (r: CommissionRuleRecord): RuleView => ({
  teamId: r.teamId,
  effectiveFrom: r.effectiveFrom,
  rule: r.rule,
  updatedBy: r.updatedBy,
  updatedAt: r.updatedAt.toISOString(),
});

function attainment(
  collected: string,
  target: { amount: string; currency: string } | null,
  currency: string,
): string | null {
  if (!target || target.currency !== currency || new Decimal(target.amount).isZero()) return null;
  return new Decimal(collected).dividedBy(target.amount).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4);
}
