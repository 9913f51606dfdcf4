import { describe, expect, it } from 'vitest';
import { checkLimitation, type LimitationInput } from '../src/index.js';
import { loadFixtures, profile } from './support/fixtures.js';

interface LimitationFixture {
  description: string;
  profile: string;
  input: LimitationInput;
  expected: { outcome: string; code?: string };
}

describe('no collection after the limitation date without legal approval (fixtures/limitation)', () => {
  for (const { file, fixture } of loadFixtures<LimitationFixture>('limitation')) {
    it(`${fixture.description} (${file})`, () => {
      expect(checkLimitation(fixture.input, profile(fixture.profile))).toMatchObject(fixture.expected);
    });
  }
});

describe('limitation', () => {
  it('the date is read in the debtor’s zone: 23:30 in Shanghai on the last day is still in time', () => {
    const input: LimitationInput = {
      action: 'contact',
      at: '2025-07-01T15:30:00Z',
      limitationExpiresOn: '2025-07-01',
    };
    expect(checkLimitation({ ...input, timeZone: 'Asia/Shanghai' }, profile('CN')).outcome).toBe('allowed');
    // The same instant is already 2 July in Tokyo.
    expect(checkLimitation({ ...input, timeZone: 'Asia/Tokyo' }, profile('CN')).outcome).toBe('blocked');
  });
});
