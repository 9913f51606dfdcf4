import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAjv } from '@collectflow/schema';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_PROFILES,
  CN_PROFILE,
  type ContactContext,
  type ContactRequest,
  evaluateContact,
  jurisdictionProfileJsonSchema,
  type PastAttempt,
  US_PROFILE,
} from '../src/index.js';

const definitions = join(import.meta.dirname, '..', '..', '..', 'definitions', 'compliance');

const request = (overrides: Partial<ContactRequest> = {}): ContactRequest => ({
  at: '2025-07-01T03:00:00Z',
  caseId: 'DC-2025-000001',
  debtorId: 'DB-00000001',
  channel: 'CALL',
  party: 'DEBTOR',
  address: '13800138000',
  ...overrides,
});

const context = (overrides: Partial<ContactContext> = {}): ContactContext => ({
  debtor: {
    timeZone: 'Asia/Shanghai',
    phones: [{ number: '13800138000', status: 'VALID', smsConsent: true }],
  },
  history: [],
  ...overrides,
});

describe('compliance evaluation of one outbound contact', () => {
  it('a call at 11:00 in Shanghai to a valid number with no history is allowed, every rule says why', () => {
    const result = evaluateContact(request(), context(), CN_PROFILE);
    expect(result.decision).toEqual({ outcome: 'allowed' });
    expect(result.checks.map((c) => c.rule)).toEqual([
      'do_not_contact',
      'contact_point',
      'limitation',
      'frequency',
      'contact_hours',
    ]);
  });

  it('a block wins over a deferral: a debtor in bankruptcy is not called tomorrow either', () => {
    const result = evaluateContact(
      request({ at: '2025-07-01T15:00:00Z' }),
      context({ debtor: { timeZone: 'Asia/Shanghai', bankruptcy: { status: 'FILED' } } }),
      CN_PROFILE,
    );
    expect(result.decision).toMatchObject({ outcome: 'blocked', code: 'do_not_contact.bankruptcy' });
    expect(result.checks.find((c) => c.rule === 'contact_hours')?.decision.outcome).toBe('deferred');
  });

  it('a daily cap that lifts at local midnight still waits for 08:00, because of the quiet hours', () => {
    const history: PastAttempt[] = ['01', '02', '03'].map((h) => ({
      at: `2025-07-01T${h}:00:00Z`,
      caseId: 'DC-2025-000001',
      debtorId: 'DB-00000001',
      channel: 'CALL',
      outcomeCode: 'RPC_CALLBACK',
    }));
    const result = evaluateContact(request({ at: '2025-07-01T05:00:00Z' }), context({ history }), CN_PROFILE);
    expect(result.decision).toMatchObject({
      outcome: 'deferred',
      code: 'frequency.connected_calls_per_day',
      until: '2025-07-02T00:00:00.000Z',
    });
  });

  it('a letter is posted whatever the hour, but a third-party letter with the balance is blocked', () => {
    const night = request({ at: '2025-07-01T16:00:00Z', channel: 'LETTER', address: undefined });
    expect(evaluateContact(night, context(), CN_PROFILE).decision).toEqual({ outcome: 'allowed' });
    const toNeighbour = {
      ...night,
      party: 'THIRD_PARTY' as const,
      message: { recipientParty: 'THIRD_PARTY' as const, fields: { balance: '300.00' }, body: '请转告。' },
    };
    expect(evaluateContact(toNeighbour, context(), CN_PROFILE).decision).toMatchObject({
      code: 'third_party.debt_details',
    });
  });

  it('an SMS to a number without consent is blocked before any timing rule', () => {
    const result = evaluateContact(
      request({ channel: 'SMS', address: '13900139000' }),
      context({
        debtor: { timeZone: 'Asia/Shanghai', phones: [{ number: '13900139000', status: 'VALID' }] },
      }),
      CN_PROFILE,
    );
    expect(result.decision).toMatchObject({ code: 'contact_point.no_sms_consent' });
  });

  it('after the limitation date a call needs a legal approval', () => {
    const expired = context({ limitationExpiresOn: '2025-06-30' });
    expect(evaluateContact(request(), expired, CN_PROFILE).decision).toMatchObject({
      code: 'limitation.expired',
    });
    expect(evaluateContact(request(), { ...expired, legalApproval: true }, CN_PROFILE).decision.outcome).toBe(
      'allowed',
    );
  });

  it('US: the 7-in-7 cap and the 21:00 close combine into the first time both allow', () => {
    const history: PastAttempt[] = [1, 2, 3, 4, 5, 6, 7].map((d) => ({
      at: `2025-07-0${d}T23:30:00Z`,
      caseId: 'DC-2025-000001',
      debtorId: 'DB-00000001',
      channel: 'CALL',
      outcomeCode: 'NO_ANSWER',
    }));
    // The oldest call (1 July 19:30 EDT) drops out on 8 July 19:30 EDT; that is inside 08:00–21:00.
    const result = evaluateContact(
      request({ at: '2025-07-08T13:00:00Z', address: '+12125550100' }),
      context({ debtor: { timeZone: 'America/New_York' }, history }),
      US_PROFILE,
    );
    expect(result.decision).toMatchObject({ outcome: 'deferred', until: '2025-07-08T23:30:00.000Z' });
  });
});

describe('jurisdiction profiles as data (definitions/compliance)', () => {
  const validate = createAjv({ draft: '2020-12' }).compile(jurisdictionProfileJsonSchema);

  for (const [code, file] of [
    ['CN', 'cn.json'],
    ['US', 'us.json'],
  ] as const) {
    it(`definitions/compliance/${file} is valid and is the built-in ${code} profile`, () => {
      const data = JSON.parse(readFileSync(join(definitions, file), 'utf8'));
      expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
      expect(data).toEqual(BUILT_IN_PROFILES[code]);
    });
  }

  it('a profile with a malformed window is refused with a pointer', () => {
    const broken = { ...CN_PROFILE, contactWindow: { start: '8am', end: '22:00' } };
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/contactWindow/start');
  });
});
