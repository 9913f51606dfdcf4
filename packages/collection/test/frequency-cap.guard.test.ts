import { describe, expect, it } from 'vitest';
import { checkFrequency, type IntendedCall, type PastAttempt } from '../src/index.js';
import { loadFixtures, profile } from './support/fixtures.js';

interface FrequencyFixture {
  description: string;
  profile: string;
  intended: IntendedCall;
  history: PastAttempt[];
  expected: { outcome: string; until?: string; code?: string };
}

describe('call frequency caps (fixtures/frequency)', () => {
  for (const { file, fixture } of loadFixtures<FrequencyFixture>('frequency')) {
    it(`${fixture.description} (${file})`, () => {
      expect(checkFrequency(fixture.intended, fixture.history, profile(fixture.profile))).toMatchObject(
        fixture.expected,
      );
    });
  }
});

describe('call frequency caps', () => {
  it('attempts logged after the intended time (a replay, a late import) are not counted', () => {
    const history: PastAttempt[] = Array.from({ length: 7 }, (_, i) => ({
      at: `2025-07-1${i}T15:00:00Z`,
      caseId: 'DC-2025-000001',
      debtorId: 'DB-00000001',
      channel: 'CALL',
      outcomeCode: 'NO_ANSWER',
    }));
    const intended: IntendedCall = {
      at: '2025-07-09T15:00:00Z',
      caseId: 'DC-2025-000001',
      debtorId: 'DB-00000001',
      channel: 'CALL',
    };
    expect(checkFrequency(intended, history, profile('US'))).toEqual({ outcome: 'allowed' });
  });

  it('the reason names the count and the cap in both languages', () => {
    const history: PastAttempt[] = ['01', '02', '03'].map((h) => ({
      at: `2025-07-01T${h}:00:00Z`,
      caseId: 'DC-2025-000001',
      debtorId: 'DB-00000001',
      channel: 'CALL',
      outcomeCode: 'RPC_CALLBACK',
    }));
    const decision = checkFrequency(
      { at: '2025-07-01T08:00:00Z', caseId: 'DC-2025-000001', debtorId: 'DB-00000001', channel: 'CALL' },
      history,
      profile('CN'),
    );
    expect(decision).toMatchObject({
      reason: {
        'zh-CN': '今日已接通 3 次（每日上限 3 次）',
        en: '3 connected calls today (at most 3 a day)',
      },
    });
  });
});
