import { describe, expect, it } from 'vitest';
import {
  CN_PROFILE,
  type ContactTimeInput,
  checkContactHours,
  checkManualContactLog,
  US_PROFILE,
} from '../src/index.js';
import { loadFixtures, profile } from './support/fixtures.js';

interface ContactHoursFixture {
  description: string;
  profile: string;
  input: ContactTimeInput;
  expected: { outcome: string; until?: string; code?: string };
}

describe('contact hours in the debtor’s time zone (fixtures/contact-hours)', () => {
  for (const { file, fixture } of loadFixtures<ContactHoursFixture>('contact-hours')) {
    it(`${fixture.description} (${file})`, () => {
      const decision = checkContactHours(fixture.input, profile(fixture.profile));
      expect(decision).toMatchObject(fixture.expected);
    });
  }
});

describe('contact hours', () => {
  it('a deferral explains itself in both languages, naming the local time and the window', () => {
    const decision = checkContactHours({ at: '2025-07-01T14:30:00Z', timeZone: 'Asia/Shanghai' }, CN_PROFILE);
    expect(decision.outcome).toBe('deferred');
    if (decision.outcome !== 'deferred') return;
    expect(decision.reason['zh-CN']).toContain('2025-07-01 22:30 Asia/Shanghai');
    expect(decision.reason['zh-CN']).toContain('08:00–22:00');
    expect(decision.reason.en).toContain('deferred to 2025-07-02 08:00 Asia/Shanghai');
  });

  it('the deferred time itself is allowed, so a runtime that waits until then never defers twice', () => {
    for (let hour = 0; hour < 24; hour++) {
      const at = `2025-07-01T${String(hour).padStart(2, '0')}:17:00Z`;
      for (const [p, zone] of [
        [CN_PROFILE, 'Asia/Shanghai'],
        [US_PROFILE, 'America/Los_Angeles'],
      ] as const) {
        const first = checkContactHours({ at, timeZone: zone }, p);
        if (first.outcome !== 'deferred') continue;
        expect(checkContactHours({ at: first.until, timeZone: zone }, p)).toEqual({ outcome: 'allowed' });
      }
    }
  });

  it('logging a manual contact outside the hours needs a reason; with one it is recorded', () => {
    const lateInbound = { at: '2025-07-01T15:10:00Z', timeZone: 'Asia/Shanghai' };
    expect(checkManualContactLog(lateInbound, CN_PROFILE)).toMatchObject({
      outcome: 'blocked',
      code: 'contact_hours.reason_required',
    });
    expect(checkManualContactLog({ ...lateInbound, outsideHoursReason: '   ' }, CN_PROFILE).outcome).toBe(
      'blocked',
    );
    expect(
      checkManualContactLog({ ...lateInbound, outsideHoursReason: '债务人主动来电' }, CN_PROFILE),
    ).toEqual({ outcome: 'allowed' });
  });

  it('logging a contact inside the hours needs no reason', () => {
    expect(
      checkManualContactLog({ at: '2025-07-01T03:00:00Z', timeZone: 'Asia/Shanghai' }, CN_PROFILE),
    ).toEqual({
      outcome: 'allowed',
    });
  });
});
