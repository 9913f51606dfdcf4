import { describe, expect, it } from 'vitest';
import { checkThirdPartyMessage, findDebtDetails, type OutboundMessage } from '../src/index.js';
import { loadFixtures, profile } from './support/fixtures.js';

interface ThirdPartyFixture {
  description: string;
  profile: string;
  message: OutboundMessage;
  expected: { outcome: string; code?: string; findings: { kind: string; value: string }[] };
}

describe('messages to third parties never carry debt details (fixtures/third-party)', () => {
  for (const { file, fixture } of loadFixtures<ThirdPartyFixture>('third-party')) {
    it(`${fixture.description} (${file})`, () => {
      const p = profile(fixture.profile);
      const { findings, ...expected } = fixture.expected;
      expect(checkThirdPartyMessage(fixture.message, p)).toMatchObject(expected);
      if (fixture.message.recipientParty === 'THIRD_PARTY') {
        expect(findDebtDetails(fixture.message, p)).toEqual(findings);
      }
    });
  }
});

describe('third-party messages', () => {
  it('an empty template field is not a disclosure', () => {
    const message: OutboundMessage = {
      recipientParty: 'THIRD_PARTY',
      fields: { balance: '', amount: null },
      body: 'Please ask Maria to call us.',
    };
    expect(checkThirdPartyMessage(message, profile('US'))).toEqual({ outcome: 'allowed' });
  });

  it('the block lists what was found, so the author can fix the template', () => {
    const decision = checkThirdPartyMessage(
      { recipientParty: 'THIRD_PARTY', body: '请转告他尽快还款 500元' },
      profile('CN'),
    );
    expect(decision).toMatchObject({ outcome: 'blocked' });
    if (decision.outcome === 'blocked') expect(decision.reason['zh-CN']).toContain('还款, 500元');
  });
});
