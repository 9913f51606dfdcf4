import { describe, expect, it } from 'vitest';
import { type AssignmentRule, assignCase, type CollectorLoad } from '../src/index.js';

const rules: AssignmentRule[] = [
  { id: 'us', when: { jurisdictions: ['US'] }, team: 'us' },
  { id: 'legal', when: { stages: ['LEGAL'] }, team: 'legal', requiredSkills: ['stage:legal'] },
  { id: 'big-early', when: { stages: ['EARLY'], minBalance: '100000' }, team: 'senior' },
  { id: 'early', when: { stages: ['EARLY'] }, team: 'early' },
];

const collectors: CollectorLoad[] = [
  { collectorId: 'c-1', team: 'early', skills: ['lang:zh'], active: true, openCases: 120, capacity: 300 },
  {
    collectorId: 'c-2',
    team: 'early',
    skills: ['lang:zh', 'lang:en'],
    active: true,
    openCases: 80,
    capacity: 300,
  },
  { collectorId: 'c-3', team: 'early', skills: ['lang:zh'], active: false, openCases: 0, capacity: 300 },
  { collectorId: 'c-4', team: 'senior', skills: ['lang:zh'], active: true, openCases: 50, capacity: 50 },
  {
    collectorId: 'c-5',
    team: 'legal',
    skills: ['lang:zh', 'stage:legal'],
    active: true,
    openCases: 10,
    capacity: 100,
  },
  { collectorId: 'c-6', team: 'legal', skills: ['lang:zh'], active: true, openCases: 0, capacity: 100 },
];

const early = { caseId: 'DC-2025-000001', stage: 'EARLY' as const, balance: '5000.00', language: 'zh' };

describe('rule-based case assignment', () => {
  it('the first matching rule picks the team; the least loaded active collector gets the case', () => {
    expect(assignCase(early, rules, collectors)).toMatchObject({
      assigned: true,
      collectorId: 'c-2',
      team: 'early',
      ruleId: 'early',
    });
  });

  it('the case’s language is a required skill', () => {
    expect(assignCase({ ...early, language: 'en' }, rules, collectors)).toMatchObject({ collectorId: 'c-2' });
    expect(assignCase({ ...early, language: 'es' }, rules, collectors)).toMatchObject({
      assigned: false,
      code: 'no_capacity',
      team: 'early',
    });
  });

  it('a rule’s skills must all be present: legal cases skip a legal-team member without stage:legal', () => {
    expect(assignCase({ ...early, stage: 'LEGAL' }, rules, collectors)).toMatchObject({
      collectorId: 'c-5',
      ruleId: 'legal',
    });
  });

  it('balance thresholds route big early cases to seniors; a full senior team leaves the case in its queue', () => {
    expect(assignCase({ ...early, balance: '250000.00' }, rules, collectors)).toMatchObject({
      assigned: false,
      code: 'no_capacity',
      team: 'senior',
      ruleId: 'big-early',
    });
  });

  it('a case no rule matches is reported, not dropped', () => {
    expect(assignCase({ ...early, stage: 'WRITE_OFF' }, rules, collectors)).toMatchObject({
      assigned: false,
      code: 'no_rule',
      team: null,
    });
  });

  it('ties break on open cases, then on id, so every node assigns the same way', () => {
    const even: CollectorLoad[] = [
      { collectorId: 'b', team: 'early', skills: ['lang:zh'], active: true, openCases: 10, capacity: 100 },
      { collectorId: 'a', team: 'early', skills: ['lang:zh'], active: true, openCases: 10, capacity: 100 },
      { collectorId: 'c', team: 'early', skills: ['lang:zh'], active: true, openCases: 20, capacity: 200 },
    ];
    expect(assignCase(early, rules, even)).toMatchObject({ collectorId: 'a' });
    expect(assignCase(early, rules, [...even].reverse())).toMatchObject({ collectorId: 'a' });
  });

  it('the reason says which rule and why that collector, in both languages', () => {
    const result = assignCase(early, rules, collectors);
    expect(result.reason.en).toBe('Rule early routes to early; c-2 has the lowest load (80/300)');
    expect(result.reason['zh-CN']).toContain('c-2 负载最低');
  });
});
