import { agingOf } from '../aging/days-past-due.calculator.js';
import { type AssignmentRule, assignCase, type CollectorLoad } from '../assignment/case-assignment.rules.js';
import type { ContactOutcome } from '../compliance/contact-outcome.codes.js';
import { OUTCOME_CLASSES } from '../compliance/contact-outcome.codes.js';
import { COMPUTE_HANDLERS, type HandlerContext, type Variables } from '../handlers/compute.handlers.js';
import { formatMoney, Money } from '../payments/money.decimal.js';
import {
  allocatePayment,
  DEFAULT_ALLOCATION_ORDER,
  type Outstanding,
} from '../payments/payment.allocator.js';
import { promiseSchedule } from '../promises/promise-to-pay.rules.js';
import { riskScore } from '../scoring/risk.scorecard.js';
import { assignArm, type StrategyArm } from '../strategy/champion-challenger.assigner.js';
import {
  addDays,
  formatLocalIso,
  fromLocal,
  localDateOf,
  parseDate,
  toLocal,
} from '../time/zoned-time.utils.js';
import type {
  DemoDataSet,
  DemoEvent,
  DemoInstance,
  DemoOptions,
  DemoScenario,
  FormKey,
} from './demo-data.types.js';
import { cnIdNumber, cnMobile, uscc, usPhone } from './identity.generator.js';
import {
  CN_COMPANY_WORDS,
  CN_CREDITORS,
  CN_GIVEN_CHARS,
  CN_INDUSTRIES,
  CN_REGIONS,
  CN_SURNAMES,
  INTERNATIONAL_PEOPLE,
  US_CREDITORS,
  US_STREETS,
} from './name.lists.js';
import { SeededRandom } from './seeded-random.prng.js';

export const DEFAULT_DEMO_AS_OF = '2025-07-01T02:00:00.000Z';

/** The routing the demo data was assigned with; the seeder configures case.assign the same way. */
export const DEMO_ASSIGNMENT_RULES: readonly AssignmentRule[] = [
  { id: 'us', when: { jurisdictions: ['US'] }, team: 'us-collections' },
  { id: 'legal', when: { stages: ['LEGAL'] }, team: 'legal-cn', requiredSkills: ['stage:legal'] },
  { id: 'mid', when: { stages: ['MID', 'LATE'] }, team: 'mid-cn' },
  { id: 'early', when: {}, team: 'early-cn' },
];

/** Champion (3 grace days, call first) against a challenger (5 grace days, SMS first). */
export const DEMO_STRATEGY_ARMS: readonly StrategyArm[] = [
  { key: 'champion', weight: 80, parameters: { graceDays: 3, firstChannel: 'CALL' } },
  { key: 'sms-first', weight: 20, parameters: { graceDays: 5, firstChannel: 'SMS' } },
];

// The first cases walk through every scenario so that even `--cases 10` fills every inbox.
const SCENARIO_CYCLE: readonly DemoScenario[] = [
  'soft-collection.calling',
  'promise.waiting',
  'legal.evidence',
  'dispute.review',
  'soft-collection.strategist',
  'promise.broken-follow-up',
  'legal.approval',
  'soft-collection.retry-wait',
  'plan.active',
  'settled',
];

const SCENARIO_WEIGHTS: readonly (readonly [DemoScenario, number])[] = [
  ['soft-collection.calling', 30],
  ['soft-collection.retry-wait', 10],
  ['soft-collection.strategist', 7],
  ['promise.waiting', 12],
  ['promise.broken-follow-up', 6],
  ['legal.evidence', 5],
  ['legal.approval', 4],
  ['dispute.review', 6],
  ['plan.active', 8],
  ['settled', 12],
];

interface Person {
  record: Record<string, unknown>;
  jurisdiction: 'CN' | 'US';
  currency: 'CNY' | 'USD';
  timeZone: string;
  language: string;
  phone: string;
  name: string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function money(value: number | Money, currency: string): string {
  return formatMoney(new Money(value), currency);
}

class DemoBuilder {
  readonly random: SeededRandom;
  readonly asOf: Date;
  readonly seed: string;
  readonly data: DemoDataSet;
  readonly loads: CollectorLoad[] = [];
  readonly collectorNames = new Map<string, string>();

  constructor(seed: string, asOf: Date) {
    this.seed = seed;
    this.asOf = asOf;
    this.random = new SeededRandom(seed);
    this.data = {
      seed,
      asOf: asOf.toISOString(),
      collectors: [],
      debtors: [],
      cases: [],
      contactAttempts: [],
      promises: [],
      payments: [],
      paymentPlans: [],
      disputes: [],
      legalActions: [],
      instances: [],
    };
  }

  /** Local wall time on a date in a zone, as an ISO UTC instant. */
  at(date: string, zone: string, hour: number, minute = 0): string {
    return fromLocal({ ...parseDate(date), hour, minute }, zone).toISOString();
  }

  today(zone: string): string {
    return localDateOf(this.asOf, zone);
  }

  cnName(): { family: string; given: string; pinyin: string } {
    const [family, familyPinyin] = this.random.pick(CN_SURNAMES);
    const first = this.random.pick(CN_GIVEN_CHARS);
    const second = this.random.chance(0.7) ? this.random.pick(CN_GIVEN_CHARS) : undefined;
    const given = `${first[0]}${second?.[0] ?? ''}`;
    return { family, given, pinyin: `${familyPinyin}.${first[1]}${second?.[1] ?? ''}` };
  }

  addCollectors(caseCount: number): void {
    const liaisons = Math.max(3, Math.ceil(caseCount / 60));
    const roster: { role: string; team: string; skills: string[]; zone: string; currency: string }[] = [];
    for (let i = 0; i < liaisons; i++) {
      roster.push({
        role: 'liaison',
        team: 'early-cn',
        skills: ['lang:zh', 'lang:yue'],
        zone: 'Asia/Shanghai',
        currency: 'CNY',
      });
    }
    roster.push({
      role: 'liaison',
      team: 'mid-cn',
      skills: ['lang:zh'],
      zone: 'Asia/Shanghai',
      currency: 'CNY',
    });
    roster.push({
      role: 'liaison',
      team: 'mid-cn',
      skills: ['lang:zh', 'lang:en'],
      zone: 'Asia/Shanghai',
      currency: 'CNY',
    });
    roster.push({
      role: 'liaison',
      team: 'us-collections',
      skills: ['lang:en', 'lang:es'],
      zone: 'America/Chicago',
      currency: 'USD',
    });
    roster.push({
      role: 'liaison',
      team: 'us-collections',
      skills: ['lang:en', 'lang:zh'],
      zone: 'America/New_York',
      currency: 'USD',
    });
    roster.push({
      role: 'analyst',
      team: 'early-cn',
      skills: ['lang:zh', 'skill:skip-trace'],
      zone: 'Asia/Shanghai',
      currency: 'CNY',
    });
    roster.push({
      role: 'legal',
      team: 'legal-cn',
      skills: ['lang:zh', 'stage:legal'],
      zone: 'Asia/Shanghai',
      currency: 'CNY',
    });
    roster.push({
      role: 'strategist',
      team: 'mid-cn',
      skills: ['lang:zh', 'lang:en'],
      zone: 'Asia/Shanghai',
      currency: 'CNY',
    });
    roster.push({
      role: 'manager',
      team: 'early-cn',
      skills: ['lang:zh', 'lang:en'],
      zone: 'Asia/Shanghai',
      currency: 'CNY',
    });
    roster.forEach((member, index) => {
      const userId = `u-${member.role}-${pad(index + 1, 2)}`;
      const us = member.currency === 'USD';
      const person = us ? this.random.pick(INTERNATIONAL_PEOPLE) : undefined;
      const cn = this.cnName();
      const name = person
        ? `${this.random.pick(person.given)} ${this.random.pick(person.family)}`
        : `${cn.family}${cn.given}`;
      this.collectorNames.set(userId, name);
      const capacity = member.role === 'liaison' ? 300 : 150;
      this.data.collectors.push({
        form: 'collector',
        id: userId,
        data: {
          userId,
          name,
          role: member.role,
          team: member.team,
          queues: [member.team],
          skills: member.skills,
          capacity,
          currency: member.currency,
          monthlyTarget: money(
            us ? this.random.int(20, 60) * 1000 : this.random.int(15, 60) * 10000,
            member.currency,
          ),
          hourlyCost: money(us ? this.random.int(22, 38) : this.random.int(45, 90), member.currency),
          timeZone: member.zone,
          email: `${userId}@collectflow.example`,
          extension: `${8000 + index}`,
          active: true,
        },
      });
      // Only liaisons and legal own cases; the other roles work on tasks from the queues.
      if (member.role === 'liaison' || member.role === 'legal') {
        this.loads.push({
          collectorId: userId,
          team: member.team,
          skills: member.skills,
          active: true,
          openCases: 0,
          capacity,
        });
      }
    });
  }

  debtor(index: number): Person {
    const debtorNo = `DB-${pad(index + 1, 8)}`;
    const kind = this.random.weighted<'cn-person' | 'cn-company' | 'international'>([
      ['cn-person', 70],
      ['cn-company', 10],
      ['international', 20],
    ]);
    const common = {
      debtorNo,
      doNotContact: [],
      bankruptcy: { status: 'NONE' },
      deceased: false,
      attorney: { represented: false },
      vulnerable: false,
    };
    if (kind === 'international') {
      const origin = this.random.pick(INTERNATIONAL_PEOPLE);
      const given = this.random.pick(origin.given);
      const family = this.random.pick(origin.family);
      const place = this.random.pick(origin.cities);
      const phone = usPhone(this.random, place.area);
      const name = `${given} ${family}`;
      const ascii = `${given}.${family}`
        .normalize('NFD')
        .replace(/[^A-Za-z.]/g, '')
        .toLowerCase();
      const record = {
        ...common,
        partyType: 'PERSON',
        name,
        person: { familyName: family, givenName: given, gender: 'UNKNOWN', nationality: origin.country },
        idType: 'US_SSN',
        // 9xx-xx-xxxx is never issued as a social security number.
        idNumber: `9${this.random.digits(2)}-${this.random.digits(2)}-${this.random.digits(4)}`,
        phones: [
          {
            number: phone,
            kind: 'MOBILE',
            status: 'VALID',
            smsConsent: this.random.chance(0.6),
            primary: true,
          },
        ],
        emails: [{ address: `${ascii}@example.com`, optOut: this.random.chance(0.1) }],
        addresses: [
          {
            kind: 'HOME',
            country: 'US',
            region: place.region,
            city: place.city,
            street: `${this.random.int(10, 9999)} ${this.random.pick(US_STREETS)}`,
            postcode: place.postcode,
            verified: this.random.chance(0.7),
          },
        ],
        timeZone: origin.timeZone,
        preferredLanguage: origin.language,
        thirdPartyContacts: [],
      };
      return {
        record,
        jurisdiction: 'US',
        currency: 'USD',
        timeZone: origin.timeZone,
        language: origin.language,
        phone,
        name,
      };
    }
    const region = this.random.pick(CN_REGIONS);
    const address = {
      kind: kind === 'cn-company' ? 'REGISTERED' : 'HOME',
      country: 'CN',
      region: region.province,
      city: region.city,
      district: region.district,
      street: `${this.random.pick(region.streets)}${this.random.int(1, 399)}号${kind === 'cn-person' ? `${this.random.int(1, 30)}栋${this.random.int(101, 2804)}室` : ''}`,
      postcode: region.postcode,
      verified: this.random.chance(0.6),
    };
    if (kind === 'cn-company') {
      const name = `${region.city.replace(/市$/, '')}${this.random.pick(CN_COMPANY_WORDS)}${this.random.pick(CN_INDUSTRIES)}有限公司`;
      const representative = this.cnName();
      const phone = `0${this.random.int(10, 99)}-${this.random.int(2, 8)}${this.random.digits(7)}`;
      const record = {
        ...common,
        partyType: 'COMPANY',
        name,
        uscc: uscc(this.random, region.code),
        legalRepresentative: `${representative.family}${representative.given}`,
        phones: [
          { number: phone, kind: 'WORK', status: 'VALID', smsConsent: false, primary: true },
          {
            number: cnMobile(this.random),
            kind: 'MOBILE',
            status: 'UNKNOWN',
            smsConsent: false,
            primary: false,
          },
        ],
        emails: [{ address: `finance${this.random.digits(3)}@example.cn`, optOut: false }],
        addresses: [address],
        timeZone: 'Asia/Shanghai',
        preferredLanguage: 'zh',
        thirdPartyContacts: [],
      };
      return {
        record,
        jurisdiction: 'CN',
        currency: 'CNY',
        timeZone: 'Asia/Shanghai',
        language: 'zh',
        phone,
        name,
      };
    }
    const { family, given, pinyin } = this.cnName();
    const gender = this.random.chance(0.5) ? 'MALE' : 'FEMALE';
    const birth = {
      year: this.random.int(1965, 2002),
      month: this.random.int(1, 12),
      day: this.random.int(1, 28),
    };
    const phone = cnMobile(this.random);
    const contact = this.cnName();
    const record = {
      ...common,
      partyType: 'PERSON',
      name: `${family}${given}`,
      person: {
        familyName: family,
        givenName: given,
        gender,
        birthDate: `${birth.year}-${pad(birth.month, 2)}-${pad(birth.day, 2)}`,
        nationality: 'CN',
      },
      idType: 'CN_RESIDENT_ID',
      idNumber: cnIdNumber(this.random, region.code, birth, gender),
      phones: [
        {
          number: phone,
          kind: 'MOBILE',
          status: 'VALID',
          smsConsent: this.random.chance(0.8),
          primary: true,
        },
        ...(this.random.chance(0.3)
          ? [
              {
                number: cnMobile(this.random),
                kind: 'MOBILE',
                status: this.random.pick(['BAD', 'UNKNOWN']),
                smsConsent: false,
                primary: false,
              },
            ]
          : []),
      ],
      emails: this.random.chance(0.5)
        ? [{ address: `${pinyin}${this.random.digits(2)}@example.cn`, optOut: false }]
        : [],
      addresses: [address],
      timeZone: 'Asia/Shanghai',
      preferredLanguage: this.random.chance(0.1) ? 'yue' : 'zh',
      inconvenientTimes: this.random.chance(0.15)
        ? [{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], from: '12:00', to: '13:30' }]
        : [],
      thirdPartyContacts: this.random.chance(0.6)
        ? [
            {
              name: `${contact.family}${contact.given}`,
              relation: this.random.pick(['SPOUSE', 'PARENT', 'SIBLING', 'FRIEND', 'COLLEAGUE']),
              phone: cnMobile(this.random),
              consentToContact: this.random.chance(0.5),
            },
          ]
        : [],
    };
    return {
      record,
      jurisdiction: 'CN',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      language: record.preferredLanguage,
      phone,
      name: record.name,
    };
  }

  scenario(index: number): DemoScenario {
    return index < SCENARIO_CYCLE.length ? SCENARIO_CYCLE[index]! : this.random.weighted(SCENARIO_WEIGHTS);
  }

  addCase(index: number): void {
    const person = this.debtor(index);
    const scenario = this.scenario(index);
    const zone = person.timeZone;
    const currency = person.currency;
    const today = this.today(zone);
    const caseNumber = `DC-${today.slice(0, 4)}-${pad(index + 1, 6)}`;
    const dpd = (() => {
      switch (scenario) {
        case 'soft-collection.calling':
        case 'soft-collection.retry-wait':
          return this.random.int(3, 26);
        case 'soft-collection.strategist':
          return this.random.int(30, 45);
        case 'promise.waiting':
        case 'promise.broken-follow-up':
          return this.random.int(8, 70);
        case 'dispute.review':
          return this.random.int(12, 90);
        case 'plan.active':
          return this.random.int(40, 150);
        case 'legal.evidence':
        case 'legal.approval':
          return this.random.int(150, 700);
        case 'settled':
          return this.random.int(5, 120);
      }
    })();
    const dueDate = addDays(today, -dpd);
    const openedOn = addDays(dueDate, -this.random.int(60, 720));
    const us = currency === 'USD';
    const principal = new Money(this.random.logUniform(us ? 300 : 2000, us ? 15000 : 150000).toFixed(2));
    const interest = principal.times(this.random.int(2, 15)).div(100);
    const fees = new Money(this.random.chance(0.6) ? this.random.int(us ? 25 : 50, us ? 150 : 500) : 0);
    const legal = scenario.startsWith('legal.');
    const costs = new Money(legal ? this.random.int(500, 3000) : 0);
    const components: Outstanding = {
      fees: money(fees, currency),
      costs: money(costs, currency),
      interest: money(interest, currency),
      principal: money(principal, currency),
    };
    // From the rounded components, so that totalDue - paid is exactly what the form computes.
    const totalDue = Object.values(components).reduce((sum, v) => sum.plus(v), new Money(0));

    // Payments so far: all of it for settled cases, a few partial ones elsewhere.
    const paymentAmounts: Money[] = [];
    if (scenario === 'settled') paymentAmounts.push(new Money(money(totalDue, currency)));
    else if (this.random.chance(scenario === 'plan.active' ? 1 : 0.35)) {
      for (let i = this.random.int(1, 3); i > 0; i--) {
        paymentAmounts.push(new Money(money(principal.times(this.random.int(2, 8)).div(100), currency)));
      }
    }
    let outstanding = { ...components };
    let paid = new Money(0);
    let lastPaymentOn: string | undefined;
    paymentAmounts.forEach((amount, i) => {
      const day = addDays(
        today,
        -Math.max(1, Math.round((dpd * (paymentAmounts.length - i)) / (paymentAmounts.length + 1))),
      );
      const receivedAt = this.at(day, zone, this.random.int(8, 21), this.random.int(0, 59));
      const allocation = allocatePayment({
        amount: money(amount, currency),
        currency,
        caseCurrency: currency,
        outstanding,
      });
      outstanding = allocation.remaining;
      paid = paid.plus(amount);
      lastPaymentOn = day;
      this.data.payments.push({
        form: 'payment',
        id: `${caseNumber}/payment-${i + 1}`,
        data: {
          caseNumber,
          reference: `PAY${today.replace(/-/g, '')}${pad(index + 1, 6)}${i + 1}`,
          amount: money(amount, currency),
          currency,
          method: us
            ? this.random.pick(['ACH', 'CARD', 'CHECK'])
            : this.random.pick(['BANK_TRANSFER', 'ALIPAY', 'WECHAT_PAY', 'UNIONPAY']),
          receivedAt,
          allocationOrder: [...DEFAULT_ALLOCATION_ORDER],
          allocation: { ...allocation.applied, unapplied: allocation.unapplied },
          reversed: false,
        },
      });
    });
    const balance = totalDue.minus(paid);
    const settled = scenario === 'settled';
    const aging = agingOf({ dueDate, asOf: this.asOf, timeZone: zone, settled });
    const stage = legal
      ? 'LEGAL'
      : aging.daysPastDue >= 90
        ? 'LATE'
        : aging.daysPastDue >= 30
          ? 'MID'
          : 'EARLY';
    const status = settled
      ? 'SETTLED'
      : scenario.startsWith('promise.')
        ? 'PTP'
        : scenario === 'dispute.review'
          ? 'DISPUTED'
          : scenario === 'plan.active'
            ? 'PLAN'
            : legal
              ? 'LEGAL'
              : 'OPEN';

    const assignment = assignCase(
      {
        caseId: caseNumber,
        stage,
        mBucket: aging.mBucket,
        balance: money(balance, currency),
        language: person.language === 'yue' ? 'zh' : person.language,
        jurisdiction: person.jurisdiction,
      },
      DEMO_ASSIGNMENT_RULES,
      this.loads,
    );
    const collectorId = assignment.assigned ? assignment.collectorId : undefined;
    if (assignment.assigned) {
      const load = this.loads.find((l) => l.collectorId === assignment.collectorId)!;
      load.openCases++;
    }
    const arm = assignArm(caseNumber, `${this.seed}:grace-test`, DEMO_STRATEGY_ARMS).arm;

    // Contact history before today.
    const attempts = this.contactHistory(
      scenario,
      caseNumber,
      person,
      dpd,
      collectorId ?? 'u-liaison-01',
      currency,
      balance,
    );
    const brokenPromises =
      scenario === 'promise.broken-follow-up' ? 0 : scenario === 'plan.active' ? this.random.int(1, 2) : 0;
    const rightParty = attempts.filter(
      (a) => OUTCOME_CLASSES[a.outcomeCode as ContactOutcome].rightParty,
    ).length;
    const risk = riskScore({
      daysPastDue: aging.daysPastDue,
      balance: money(balance, currency),
      brokenPromises,
      contactAttempts: attempts.length,
      rightPartyContacts: rightParty,
    });
    const creditorName = us ? this.random.pick(US_CREDITORS) : this.random.pick(CN_CREDITORS);
    const caseData: Record<string, unknown> = {
      caseNumber,
      debtorNo: person.record.debtorNo,
      debtorName: person.name,
      jurisdiction: person.jurisdiction,
      creditor: us ? { name: creditorName } : { name: creditorName, uscc: uscc(this.random, '110105') },
      product: us
        ? this.random.pick(['CREDIT_CARD', 'AUTO_LOAN', 'MEDICAL', 'TELECOM'])
        : this.random.pick([
            'CREDIT_CARD',
            'CONSUMER_LOAN',
            'MICRO_LOAN',
            'BNPL',
            person.record.partyType === 'COMPANY' ? 'SME_LOAN' : 'TELECOM',
          ]),
      accountNumber: `${this.random.digits(4)}********${this.random.digits(4)}`,
      currency,
      ...components,
      paid: money(paid, currency),
      totalDue: money(totalDue, currency),
      balance: money(balance, currency),
      openedOn,
      dueDate,
      ...(lastPaymentOn && { lastPaymentOn }),
      ...aging,
      stage,
      status,
      ...(settled && { closedOn: lastPaymentOn ?? today, closeReason: 'PAID_IN_FULL' }),
      ...(collectorId && { assignedCollectorId: collectorId }),
      team: assignment.team ?? 'early-cn',
      limitationExpiresOn: addDays(dueDate, 3 * 365),
      legalApproval: false,
      strategyArm: arm.key,
      riskScore: risk.score,
      riskBand: risk.band,
      brokenPromises,
    };
    if (us && dpd > 35) {
      const sent = addDays(dueDate, 30);
      caseData.validationNoticeSentOn = sent;
      caseData.validationPeriodEndsOn = addDays(sent, 35);
    }

    this.data.debtors.push({ form: 'debtor', id: String(person.record.debtorNo), data: person.record });
    this.data.cases.push({ form: 'debt-case', id: caseNumber, data: caseData });
    for (const [i, attempt] of attempts.entries()) {
      this.data.contactAttempts.push({
        form: 'contact-attempt',
        id: `${caseNumber}/contact-${i + 1}`,
        data: attempt,
      });
    }

    const variables = this.caseVariables(caseData, person, attempts.length, rightParty);
    this.addScenarioRecords(scenario, caseData, person, variables, collectorId ?? 'u-liaison-01');
  }

  contactHistory(
    scenario: DemoScenario,
    caseNumber: string,
    person: Person,
    dpd: number,
    agentId: string,
    currency: string,
    balance: Money,
  ): Record<string, unknown>[] {
    const count = scenario === 'soft-collection.calling' ? this.random.int(0, 2) : this.random.int(2, 6);
    const days = new Set<number>();
    while (days.size < Math.min(count, Math.max(1, dpd - 1)))
      days.add(this.random.int(1, Math.max(1, dpd - 1)));
    const ordered = [...days].sort((a, b) => b - a);
    const attempts = ordered.map((daysAgo) => {
      const day = addDays(this.today(person.timeZone), -daysAgo);
      const occurredAt = this.at(day, person.timeZone, this.random.int(9, 19), this.random.int(0, 59));
      const outcomeCode = this.random.weighted<ContactOutcome>([
        ['NO_ANSWER', 40],
        ['BUSY', 10],
        ['VOICEMAIL', person.jurisdiction === 'US' ? 15 : 3],
        ['THIRD_PARTY', 6],
        ['RPC_CALLBACK', 6],
        ['RPC_REFUSED', 5],
      ]);
      return this.attempt(caseNumber, person, occurredAt, outcomeCode, agentId);
    });
    // The scenario's last contact explains where its flow stands.
    const lastDay = addDays(this.today(person.timeZone), -1);
    const lastAt = this.at(lastDay, person.timeZone, this.random.int(10, 18), this.random.int(0, 59));
    if (scenario === 'promise.waiting' || scenario === 'promise.broken-follow-up') {
      const promiseDay = scenario === 'promise.waiting' ? lastDay : addDays(this.today(person.timeZone), -12);
      const at = this.at(promiseDay, person.timeZone, this.random.int(10, 18), this.random.int(0, 59));
      attempts.push(
        this.attempt(
          caseNumber,
          person,
          at,
          'RPC_PTP',
          agentId,
          this.promiseTerms(scenario, person, currency, balance),
        ),
      );
    } else if (scenario === 'dispute.review') {
      attempts.push(this.attempt(caseNumber, person, lastAt, 'RPC_DISPUTE', agentId));
    }
    return attempts;
  }

  promiseTerms(
    scenario: DemoScenario,
    person: Person,
    currency: string,
    balance: Money,
  ): Record<string, unknown> {
    const today = this.today(person.timeZone);
    const dueDate =
      scenario === 'promise.waiting' ? addDays(today, this.random.int(2, 7)) : addDays(today, -7);
    const share = this.random.pick([100, 50, 30, 20]);
    return {
      amount: money(Money.max(new Money(1), balance.times(share).div(100)), currency),
      currency,
      dueDate,
      tolerancePct: 90,
      graceDays: 3,
    };
  }

  attempt(
    caseNumber: string,
    person: Person,
    occurredAt: string,
    outcomeCode: ContactOutcome,
    agentId: string,
    promise?: Record<string, unknown>,
  ): Record<string, unknown> {
    const connected = OUTCOME_CLASSES[outcomeCode].connected;
    const local = new Date(occurredAt);
    return {
      caseNumber,
      debtorNo: person.record.debtorNo,
      party: outcomeCode === 'THIRD_PARTY' ? 'THIRD_PARTY' : 'DEBTOR',
      ...(outcomeCode === 'THIRD_PARTY' && {
        thirdPartyRelation: this.random.pick(['SPOUSE', 'PARENT', 'COLLEAGUE']),
      }),
      channel: 'CALL',
      direction: 'OUTBOUND',
      address: person.phone,
      occurredAt,
      debtorTimeZone: person.timeZone,
      occurredAtLocal: formatLocalIso(local, person.timeZone),
      durationSeconds: connected ? this.random.int(45, 600) : this.random.int(0, 30),
      outcomeCode,
      ...(promise && { promise }),
      ...(outcomeCode === 'RPC_CALLBACK' && {
        callbackAt: new Date(local.getTime() + this.random.int(2, 26) * 3_600_000).toISOString(),
      }),
      ...(outcomeCode === 'RPC_DISPUTE' && {
        disputeSummary:
          person.jurisdiction === 'US'
            ? 'Says the balance includes charges already paid.'
            : '债务人称部分款项已还清，对金额有异议。',
      }),
      outsideContactHours: false,
      agentId,
    };
  }

  caseVariables(
    caseData: Record<string, unknown>,
    person: Person,
    attempts: number,
    rightParty: number,
  ): Variables {
    const pick = (keys: string[]) =>
      Object.fromEntries(keys.filter((k) => caseData[k] !== undefined).map((k) => [k, caseData[k]]));
    return {
      ...pick([
        'caseNumber',
        'debtorNo',
        'jurisdiction',
        'currency',
        'principal',
        'interest',
        'fees',
        'costs',
        'paid',
        'balance',
        'dueDate',
        'status',
        'stage',
        'limitationExpiresOn',
        'legalApproval',
        'brokenPromises',
        'strategyArm',
      ]),
      timeZone: person.timeZone,
      preferredLanguage: person.language,
      bankruptcyStatus: 'NONE',
      contactAttempts: attempts,
      rightPartyContacts: rightParty,
    };
  }

  /**
   * When the replayed events of a running instance start: 90 minutes before "now" if that is
   * working time in the debtor's zone, else 17:00 the day before, so demo calls obey the hours.
   */
  recentWorkingTime(zone: string): Date {
    const candidate = new Date(this.asOf.getTime() - 90 * 60_000);
    const hour = toLocal(candidate, zone).hour;
    if (hour >= 9 && hour < 19) return candidate;
    return new Date(this.at(addDays(localDateOf(candidate, zone), hour >= 19 ? 0 : -1), zone, 17));
  }

  context(at: string): HandlerContext {
    return {
      now: new Date(at),
      collectors: this.loads,
      assignmentRules: DEMO_ASSIGNMENT_RULES,
      strategy: { seed: `${this.seed}:grace-test`, arms: DEMO_STRATEGY_ARMS },
    };
  }

  addScenarioRecords(
    scenario: DemoScenario,
    caseData: Record<string, unknown>,
    person: Person,
    variables: Variables,
    agentId: string,
  ): void {
    const caseNumber = String(caseData.caseNumber);
    const zone = person.timeZone;
    const currency = String(caseData.currency);
    const attempts = this.data.contactAttempts
      .filter((r) => r.data.caseNumber === caseNumber)
      .map((r) => r.data);
    const last = attempts[attempts.length - 1];
    const events: DemoEvent[] = [];
    let vars: Variables = { ...variables };
    let clock = this.recentWorkingTime(zone);
    const tick = (minutes = 1) => {
      clock = new Date(clock.getTime() + minutes * 60_000);
      return clock.toISOString();
    };
    const service = (elementId: string, topic: string, at = tick()) => {
      const handler = COMPUTE_HANDLERS[topic];
      const output = handler ? handler(vars, this.context(at)) : { [`${elementId}At`]: at };
      vars = { ...vars, ...output };
      events.push({ type: 'serviceCompleted', at, elementId, output });
    };
    const complete = (elementId: string, formKey: FormKey, data: Record<string, unknown>, at = tick(10)) => {
      vars = { ...vars, ...data };
      events.push({ type: 'completeTask', at, elementId, formKey, data });
    };
    const instance = (processKey: DemoInstance['processKey'], waitingAt: string[]) =>
      this.data.instances.push({ processKey, businessKey: caseNumber, scenario, events, waitingAt });

    const softStart = () => {
      events.push({ type: 'start', at: tick(), businessKey: caseNumber, variables: { ...vars } });
      service('compute-aging', 'case.aging');
      service('score-risk', 'case.risk-score');
      service('assign-collector', 'case.assign');
      service('send-payment-reminder', 'notify.payment-reminder');
    };

    switch (scenario) {
      case 'soft-collection.calling':
        softStart();
        instance('soft-collection', ['call-debtor']);
        break;
      case 'soft-collection.retry-wait':
      case 'soft-collection.strategist': {
        softStart();
        // The call happens now, in the replay: the task's form data is this contact attempt.
        const at = tick(20);
        const strategist = scenario === 'soft-collection.strategist';
        const outcome = strategist ? 'RPC_REFUSED' : this.random.pick(['NO_ANSWER', 'BUSY'] as const);
        const attempt = this.attempt(caseNumber, person, at, outcome, agentId);
        this.data.contactAttempts.push({
          form: 'contact-attempt',
          id: `${caseNumber}/contact-${attempts.length + 1}`,
          data: attempt,
        });
        complete('call-debtor', 'contact-attempt', attempt, at);
        instance('soft-collection', [strategist ? 'decide-next-step' : 'wait-before-retry']);
        break;
      }
      case 'promise.waiting':
      case 'promise.broken-follow-up': {
        const terms = last!.promise as Record<string, unknown>;
        const promisedAt = String(last!.occurredAt);
        const schedule = promiseSchedule({
          dueDate: String(terms.dueDate),
          timeZone: zone,
          graceDays: Number(terms.graceDays),
        });
        const broken = scenario === 'promise.broken-follow-up';
        this.data.promises.push({
          form: 'promise-to-pay',
          id: `${caseNumber}/promise-1`,
          data: {
            caseNumber,
            amount: terms.amount,
            currency,
            dueDate: terms.dueDate,
            repeat: 'NONE',
            tolerancePct: 90,
            requiredAmount: money(new Money(String(terms.amount)).times(90).div(100), currency),
            graceDays: terms.graceDays,
            status: broken ? 'BROKEN' : 'PENDING',
            promisedAt,
            channel: 'CALL',
            collectorId: agentId,
          },
        });
        clock = new Date(promisedAt);
        vars = { ...vars, ...last!, promise: terms };
        events.push({ type: 'message', at: tick(), name: 'PromiseToPayMade', payload: { ...vars } });
        service('schedule-promise', 'promise.schedule');
        if (!broken) {
          instance('promise-to-pay-follow-up', ['paid-early', 'reminder-due']);
          break;
        }
        clock = new Date(schedule.reminderAt);
        events.push({ type: 'timerDue', at: clock.toISOString(), elementId: 'reminder-due' });
        service('send-promise-reminder', 'notify.promise-reminder');
        clock = new Date(schedule.deadline);
        events.push({ type: 'timerDue', at: clock.toISOString(), elementId: 'deadline-passed' });
        service('evaluate-at-deadline', 'promise.evaluate');
        instance('promise-to-pay-follow-up', ['follow-up-broken-promise']);
        break;
      }
      case 'dispute.review': {
        const receivedAt = String(last!.occurredAt);
        const grounds = this.random.pick([['WRONG_AMOUNT'], ['NOT_DEBTOR'], ['DEBT_NOT_EXIST'], ['OTHER']]);
        const dispute = {
          caseNumber,
          receivedAt,
          receivedVia: 'CALL',
          form: 'VERBAL',
          ...(person.jurisdiction === 'US' && { withinValidationPeriod: Number(caseData.daysPastDue) <= 65 }),
          grounds,
          ...(grounds.includes('OTHER') && {
            groundsDetail: person.jurisdiction === 'US' ? 'Identity theft claimed.' : '称账户被他人冒用。',
          }),
          ...(grounds.includes('WRONG_AMOUNT') && {
            claimedAmount: money(new Money(String(caseData.balance)).times(60).div(100), currency),
          }),
          collectionSuspended: true,
          suspendedAt: receivedAt,
          disputeOutcome: 'PENDING',
        };
        this.data.disputes.push({ form: 'dispute', id: `${caseNumber}/dispute-1`, data: dispute });
        clock = new Date(receivedAt);
        events.push({
          type: 'message',
          at: tick(),
          name: 'DisputeReceived',
          payload: { ...vars, ...dispute },
        });
        instance('dispute-handling', ['review-dispute']);
        break;
      }
      case 'legal.evidence':
      case 'legal.approval': {
        const action: Record<string, unknown> = {
          caseNumber,
          actionType:
            person.jurisdiction === 'US' ? 'DEMAND_LETTER' : this.random.pick(['LAWSUIT', 'PAYMENT_ORDER']),
          currency,
          claimAmount: caseData.balance,
          proceedingStatus: 'PREPARING',
          courtFees: money(0, currency),
          attorneyFees: money(0, currency),
          totalCosts: money(0, currency),
        };
        events.push({ type: 'message', at: tick(), name: 'LegalEscalationRequested', payload: { ...vars } });
        service('check-legal-gate', 'legal.gate');
        if (scenario === 'legal.approval') {
          const evidence = {
            contract: true,
            statements: true,
            notices: true,
            contactLog: true,
            identity: true,
            complete: true,
          };
          complete('build-evidence-pack', 'legal-action', { ...action, evidence });
          const review = {
            decision: 'PROCEED',
            limitationCheckedUntil: caseData.limitationExpiresOn,
            reviewedBy: 'u-legal-01',
            reviewedAt: tick(30),
          };
          complete('review-case', 'legal-action', { ...action, evidence, legalReview: review });
          Object.assign(action, { evidence, legalReview: review });
        } else {
          action.evidence = { contract: true, statements: this.random.chance(0.5), complete: false };
        }
        this.data.legalActions.push({ form: 'legal-action', id: `${caseNumber}/legal-1`, data: action });
        instance('legal-escalation', [
          scenario === 'legal.approval' ? 'approve-legal-action' : 'build-evidence-pack',
        ]);
        break;
      }
      case 'plan.active': {
        const total = new Money(String(caseData.balance));
        const discount = total.times(this.random.pick([0, 5, 10])).div(100);
        const count = this.random.int(3, 12);
        const settlement = total.minus(discount);
        const each = settlement.div(count).toDecimalPlaces(2, Money.ROUND_DOWN);
        const first = addDays(this.today(zone), -this.random.int(5, 40));
        const instalments = Array.from({ length: count }, (_, i) => {
          const dueDate = addDays(first, 30 * i);
          const amount = i === count - 1 ? settlement.minus(each.times(count - 1)) : each;
          const past = dueDate < this.today(zone);
          return {
            number: i + 1,
            dueDate,
            amount: money(amount, currency),
            status: past ? 'PAID' : 'PENDING',
            ...(past && { paidAmount: money(amount, currency) }),
          };
        });
        this.data.paymentPlans.push({
          form: 'payment-plan',
          id: `${caseNumber}/plan-1`,
          data: {
            caseNumber,
            currency,
            total: money(total, currency),
            discountAmount: money(discount, currency),
            settlementAmount: money(settlement, currency),
            frequency: 'MONTHLY',
            instalments,
            status: 'ACTIVE',
            approvedBy: 'u-manager-01',
            approvedAt: this.at(addDays(first, -3), zone, 15),
          },
        });
        break;
      }
      case 'settled':
        break;
    }
  }
}

/**
 * A deterministic demo data set: the same options give the same data, byte for byte. Records are
 * plain objects in the shape of each form; `instances` are event lists the seeder replays through
 * the runtime so that inboxes and dashboards have work at several steps of every flow.
 */
export function generateDemoData(options: DemoOptions = {}): DemoDataSet {
  const seed = String(options.seed ?? 'collectflow');
  const builder = new DemoBuilder(seed, new Date(options.asOf ?? DEFAULT_DEMO_AS_OF));
  const total = Math.max(0, Math.floor(options.cases ?? 40));
  builder.addCollectors(total);
  for (let i = 0; i < total; i++) {
    builder.addCase(i);
    options.onProgress?.(i + 1, total);
  }
  return builder.data;
}
