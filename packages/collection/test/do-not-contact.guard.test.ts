import { describe, expect, it } from 'vitest';
import {
  CN_PROFILE,
  type ContactSubject,
  checkContactPoint,
  checkDoNotContact,
  doNotContactReasons,
  type JurisdictionProfile,
} from '../src/index.js';

const cases: { name: string; subject: ContactSubject; code: string }[] = [
  { name: 'an open dispute', subject: { openDispute: true }, code: 'do_not_contact.open_dispute' },
  {
    name: 'a bankruptcy filing (the automatic stay)',
    subject: { bankruptcy: { status: 'FILED' } },
    code: 'do_not_contact.bankruptcy',
  },
  {
    name: 'a discharged bankruptcy',
    subject: { bankruptcy: { status: 'DISCHARGED' } },
    code: 'do_not_contact.bankruptcy',
  },
  { name: 'a deceased debtor', subject: { deceased: true }, code: 'do_not_contact.deceased' },
  {
    name: 'a cease request',
    subject: { doNotContact: [{ reason: 'CEASE_REQUEST' }] },
    code: 'do_not_contact.cease_request',
  },
  {
    name: 'an attorney',
    subject: { attorney: { represented: true } },
    code: 'do_not_contact.attorney_represented',
  },
  {
    name: 'any other recorded reason',
    subject: { doNotContact: [{ reason: 'OTHER' }] },
    code: 'do_not_contact.other',
  },
];

describe('do-not-contact blocks contact tasks and outbound messages', () => {
  for (const { name, subject, code } of cases) {
    it(`${name} blocks contacting the debtor`, () => {
      expect(checkDoNotContact(subject, 'DEBTOR', CN_PROFILE)).toMatchObject({ outcome: 'blocked', code });
    });
  }

  it('a debtor with none of them may be contacted', () => {
    expect(
      checkDoNotContact(
        {
          doNotContact: [],
          bankruptcy: { status: 'NONE' },
          deceased: false,
          attorney: { represented: false },
        },
        'DEBTOR',
        CN_PROFILE,
      ),
    ).toEqual({ outcome: 'allowed' });
  });

  it('a dismissed bankruptcy lifts the stay', () => {
    expect(checkDoNotContact({ bankruptcy: { status: 'DISMISSED' } }, 'DEBTOR', CN_PROFILE).outcome).toBe(
      'allowed',
    );
  });

  it('when the attorney is the only reason, writing to the attorney is allowed', () => {
    const subject: ContactSubject = { attorney: { represented: true } };
    expect(checkDoNotContact(subject, 'ATTORNEY', CN_PROFILE).outcome).toBe('allowed');
    expect(checkDoNotContact({ ...subject, deceased: true }, 'ATTORNEY', CN_PROFILE)).toMatchObject({
      code: 'do_not_contact.deceased',
    });
  });

  it('with several reasons the most serious one is reported first, and all are listed', () => {
    const subject: ContactSubject = { attorney: { represented: true }, openDispute: true, deceased: true };
    expect(checkDoNotContact(subject, 'DEBTOR', CN_PROFILE)).toMatchObject({
      code: 'do_not_contact.open_dispute',
    });
    expect(doNotContactReasons(subject).sort()).toEqual(['ATTORNEY_REPRESENTED', 'DECEASED', 'OPEN_DISPUTE']);
  });

  it('a profile decides which reasons it honours', () => {
    const lenient: JurisdictionProfile = { ...CN_PROFILE, doNotContactReasons: ['BANKRUPTCY'] };
    expect(checkDoNotContact({ doNotContact: [{ reason: 'OTHER' }] }, 'DEBTOR', lenient).outcome).toBe(
      'allowed',
    );
  });
});

describe('contact points', () => {
  const points = {
    phones: [
      { number: '13800138000', status: 'VALID' as const, smsConsent: true },
      { number: '13900139000', status: 'VALID' as const, smsConsent: false },
      { number: '13700137000', status: 'BAD' as const },
      { number: '13600136000', status: 'WRONG' as const },
    ],
    emails: [
      { address: 'a@example.cn', optOut: false },
      { address: 'b@example.cn', optOut: true },
    ],
  };

  it('a bad or wrong number is never dialled or texted', () => {
    expect(checkContactPoint(points, 'CALL', '13700137000')).toMatchObject({
      code: 'contact_point.bad_number',
    });
    expect(checkContactPoint(points, 'AI_VOICE', '13600136000')).toMatchObject({
      code: 'contact_point.bad_number',
    });
    expect(checkContactPoint(points, 'SMS', '13600136000')).toMatchObject({
      code: 'contact_point.bad_number',
    });
  });

  it('SMS needs consent for that number', () => {
    expect(checkContactPoint(points, 'SMS', '13800138000').outcome).toBe('allowed');
    expect(checkContactPoint(points, 'SMS', '13900139000')).toMatchObject({
      code: 'contact_point.no_sms_consent',
    });
    expect(checkContactPoint(points, 'CALL', '13900139000').outcome).toBe('allowed');
  });

  it('an opted-out address gets no e-mail', () => {
    expect(checkContactPoint(points, 'EMAIL', 'a@example.cn').outcome).toBe('allowed');
    expect(checkContactPoint(points, 'EMAIL', 'b@example.cn')).toMatchObject({
      code: 'contact_point.email_opt_out',
    });
  });
});
