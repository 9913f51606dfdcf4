import { type LocalizedText, localize } from '../i18n/localized-text.utils.js';
import { money } from '../payments/money.decimal.js';

export interface AssignableCase {
  caseId: string;
  stage: 'EARLY' | 'MID' | 'LATE' | 'LEGAL' | 'WRITE_OFF';
  mBucket?: string;
  balance: string;
  /** e.g. 'zh', 'en', 'yue': the collector needs the matching language skill. */
  language?: string;
  jurisdiction?: string;
}

export interface CollectorLoad {
  collectorId: string;
  team: string;
  skills: string[];
  active: boolean;
  openCases: number;
  capacity: number;
}

/** The first rule whose conditions all hold picks the team and any skills the case needs. */
export interface AssignmentRule {
  id: string;
  when: {
    stages?: AssignableCase['stage'][];
    mBuckets?: string[];
    minBalance?: string;
    jurisdictions?: string[];
  };
  team: string;
  requiredSkills?: string[];
}

export type AssignmentResult =
  | { assigned: true; collectorId: string; team: string; ruleId: string; reason: LocalizedText }
  | {
      assigned: false;
      team: string | null;
      ruleId: string | null;
      code: 'no_rule' | 'no_capacity';
      reason: LocalizedText;
    };

function matches(rule: AssignmentRule, c: AssignableCase): boolean {
  const w = rule.when;
  if (w.stages && !w.stages.includes(c.stage)) return false;
  if (w.mBuckets && (!c.mBucket || !w.mBuckets.includes(c.mBucket))) return false;
  if (w.minBalance && money(c.balance, 'balance').lt(money(w.minBalance, 'minBalance'))) return false;
  if (w.jurisdictions && (!c.jurisdiction || !w.jurisdictions.includes(c.jurisdiction))) return false;
  return true;
}

/**
 * Rule-based routing: the rule decides the team and skills, then the least loaded eligible
 * collector (open cases / capacity; ties by fewer open cases, then id) gets the case, so the
 * result is the same for the same inputs on every node.
 */
export function assignCase(
  c: AssignableCase,
  rules: readonly AssignmentRule[],
  collectors: readonly CollectorLoad[],
): AssignmentResult {
  const rule = rules.find((r) => matches(r, c));
  if (!rule) {
    return {
      assigned: false,
      team: null,
      ruleId: null,
      code: 'no_rule',
      reason: { 'zh-CN': '没有适用于该案件的分案规则', en: 'No assignment rule matches the case' },
    };
  }
  const skills = [...(rule.requiredSkills ?? []), ...(c.language ? [`lang:${c.language}`] : [])];
  const eligible = collectors
    .filter((x) => x.active && x.team === rule.team && x.openCases < x.capacity)
    .filter((x) => skills.every((s) => x.skills.includes(s)))
    .sort(
      (a, b) =>
        a.openCases / a.capacity - b.openCases / b.capacity ||
        a.openCases - b.openCases ||
        a.collectorId.localeCompare(b.collectorId),
    );
  const chosen = eligible[0];
  if (!chosen) {
    return {
      assigned: false,
      team: rule.team,
      ruleId: rule.id,
      code: 'no_capacity',
      reason: localize(
        {
          'zh-CN': '{team} 组没有具备 {skills} 技能且有余量的催收员',
          en: 'No collector in {team} with {skills} has capacity',
        },
        { team: rule.team, skills: skills.join(', ') || '-' },
      ),
    };
  }
  return {
    assigned: true,
    collectorId: chosen.collectorId,
    team: rule.team,
    ruleId: rule.id,
    reason: localize(
      {
        'zh-CN': '规则 {rule} 分配至 {team} 组，{id} 负载最低（{open}/{cap}）',
        en: 'Rule {rule} routes to {team}; {id} has the lowest load ({open}/{cap})',
      },
      {
        rule: rule.id,
        team: rule.team,
        id: chosen.collectorId,
        open: chosen.openCases,
        cap: chosen.capacity,
      },
    ),
  };
}
