import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { parseInstant } from '../dates.ts';
import { creditCodeWithCheckCharacter } from '../identifiers.ts';
import { legalBasisOf } from '../rules.ts';
import type { RequiredDeposit } from './required.ts';
import {
  type DepositEvent,
  type DepositFinding,
  type DepositState,
  depositHoldings,
  evaluateDeposit,
  guaranteeCover,
  type RecordedDepositFinding,
  reconcileDeposit,
} from './rules.ts';

/*
 * Unless a test says otherwise: the permit is dated Tuesday 2026-09-01 and the required deposit
 * is 2 % of ¥12,000,000 = ¥240,000.00 (DOMAIN.md national default).
 *
 * The 2026 calendar (defaultCalendar): Sunday 2026-09-20 is a make-up working day; 09-25..09-27
 * are Mid-Autumn and 10-01..10-07 National Day; Saturday 2026-10-10 is a make-up working day.
 * So the 20th working day after 2026-09-01 is 2026-09-29: 09-02..04 (3), 07..11 (8), 14..18 (13),
 * 20 (14), 21..24 (18), 28 (19), 29 (20). The deposit is missing from 2026-09-30 00:00 +08:00.
 */
const at = (local: string): Date => {
  const [date, time = '00:00'] = local.split(' ');
  const d = parseInstant(`${date}T${time}:00+08:00`);
  if (!d) throw new RangeError(local);
  return d;
};
const yuan = (n: number): bigint => BigInt(n) * 100n;

const CONTRACTOR = {
  name: '江城建工集团有限公司',
  creditCode: creditCodeWithCheckCharacter('91420100MA4K8L2P3'),
};
const contractor = { kind: 'contractor', name: CONTRACTOR.name, code: CONTRACTOR.creditCode };
const P = 'P-2026-007';

const required = (amount: bigint): RequiredDeposit => ({
  amountFen: amount,
  exempt: false,
  policyId: 'national-default',
  reasons: [{ code: 'base-ratio', text: `base 2% of ¥12,000,000.00 = ¥${amount / 100n}`, effectFen: amount }],
});
const EXEMPT: RequiredDeposit = {
  amountFen: 0n,
  exempt: true,
  policyId: 'national-default',
  reasons: [{ code: 'exempt-small-contract', text: 'exempt' }],
};

let ref = 0;
const event = (kind: DepositEvent['kind'], when: string, rest: Partial<DepositEvent> = {}): DepositEvent => {
  ref += 1;
  const bankRef = rest.bankRef ?? `B${ref}`;
  return { kind, bankRef, at: at(when), evidence: `bank-deposit:${bankRef}`, ...rest };
};
const lodged = (when: string, amount: bigint) => event('lodged', when, { amountFen: amount });
const toppedUp = (when: string, amount: bigint) => event('topped-up', when, { amountFen: amount });
const drawn = (when: string, amount: bigint) =>
  event('drawn', when, { amountFen: amount, noticeRef: 'RSJ-2026-118' });
const guarantee = (when: string, no: string, amount: bigint, validFrom: string, validTo: string) => ({
  ...event('guarantee-issued', when, { guaranteeNo: no, issuer: 'ICBC Wuhan' }),
  amountFen: amount,
  validFrom,
  validTo,
});

function given(
  events: DepositEvent[],
  overrides: {
    required?: RequiredDeposit;
    requiredSince?: Date;
    permitDate?: string;
    plannedEndDate?: string;
    open?: boolean;
  } = {},
): DepositState {
  return {
    project: {
      projectId: P,
      contractor: CONTRACTOR,
      permitDate: overrides.permitDate ?? '2026-09-01',
      plannedEndDate: overrides.plannedEndDate ?? '2027-12-31',
      open: overrides.open ?? true,
    },
    required: overrides.required ?? required(yuan(240_000)),
    ...(overrides.requiredSince ? { requiredSince: overrides.requiredSince } : {}),
    events,
  };
}
const when = (state: DepositState, asOf: string) => evaluateDeposit(state, at(asOf), defaultCalendar);
const summary = (fs: DepositFinding[]) =>
  fs.map((f) => ({
    key: f.key,
    severity: f.severity,
    status: f.status,
    raisedAt: f.raisedAt,
    ...(f.resolvedAt ? { resolvedAt: f.resolvedAt } : {}),
    ...(f.amountOwed !== undefined ? { amountOwed: f.amountOwed } : {}),
  }));

describe('rule 10: deposit missing', () => {
  it('given nothing lodged, when evaluated on the 20th working day, then nothing yet; at its end, missing', () => {
    const state = given([]);
    expect(when(state, '2026-09-29 23:59')).toEqual([]);
    const [f, ...rest] = when(state, '2026-09-30 00:00');
    expect(rest).toEqual([]);
    expect(f).toEqual({
      key: `deposit-missing:${P}`,
      rule: 'deposit-missing',
      severity: 'high',
      status: 'open',
      dueDate: '2026-09-29',
      amountOwed: yuan(240_000),
      raisedAt: at('2026-09-30 00:00'),
      responsible: contractor,
      evidence: [],
      legalBasis: legalBasisOf('deposit-missing'),
      detail:
        'no deposit lodged and no bank guarantee issued for the required ¥240,000.00: due within 20 working days of the permit of 2026-09-01, by 2026-09-29',
    });
    expect(f?.legalBasis).toMatch(/人社部发〔2021〕65号/);
  });

  it('given the deposit lodged on the 20th working day, then no finding', () => {
    expect(when(given([lodged('2026-09-29 16:00', yuan(240_000))]), '2026-10-20 12:00')).toEqual([]);
  });

  it('given the deposit lodged during the National Day holiday, then missing is resolved then and stays on record', () => {
    const l = lodged('2026-10-03 11:00', yuan(240_000));
    expect(summary(when(given([l]), '2026-10-09 12:00'))).toEqual([
      {
        key: `deposit-missing:${P}`,
        severity: 'high',
        status: 'resolved',
        raisedAt: at('2026-09-30 00:00'),
        resolvedAt: at('2026-10-03 11:00'),
        amountOwed: yuan(240_000),
      },
    ]);
    expect(when(given([l]), '2026-10-09 12:00')[0]).toMatchObject({ record: true, evidence: [l.evidence] });
  });

  it('given a permit in a year the calendar does not cover, then weekends only, with a warning', () => {
    // 2027 has no holiday notice yet: 20 weekdays after Monday 2027-03-01 is Monday 2027-03-29.
    const [f] = when(given([], { permitDate: '2027-03-01' }), '2027-03-30 09:00');
    expect(f).toMatchObject({
      rule: 'deposit-missing',
      dueDate: '2027-03-29',
      raisedAt: at('2027-03-30 00:00'),
    });
    expect(f?.warnings?.[0]).toMatch(/holiday calendar does not cover 2027/);
  });

  it('given an exempt project, then nothing is ever missing', () => {
    expect(when(given([], { required: EXEMPT }), '2027-01-10 12:00')).toEqual([]);
  });

  it('given a guarantee instead of cash, then nothing is missing', () => {
    const g = guarantee('2026-09-15 10:00', 'G-1', yuan(240_000), '2026-09-15', '2027-12-31');
    expect(when(given([g]), '2026-10-20 12:00')).toEqual([]);
  });
});

describe('rule 11: deposit short', () => {
  it('given ¥200,000 lodged, then short by ¥40,000 from the end of the 20-WD window, not before', () => {
    const state = given([lodged('2026-09-10 10:00', yuan(200_000))]);
    expect(when(state, '2026-09-29 23:59')).toEqual([]);
    const [f] = when(state, '2026-10-08 09:00');
    expect(f).toMatchObject({
      key: `deposit-short:${P}`,
      rule: 'deposit-short',
      severity: 'high',
      status: 'open',
      raisedAt: at('2026-09-30 00:00'),
      amountOwed: yuan(40_000),
      responsible: contractor,
      evidence: ['bank-deposit:' + state.events[0]?.bankRef],
    });
    expect(f?.detail).toMatch(/¥200,000.00 held .* of the required ¥240,000.00 .*: ¥40,000.00 short/);
  });

  it('given the required amount rises to ¥360,000 (arrears), then short at once by ¥120,000; resolved by the top-up', () => {
    // The contractor's record worsens on 2026-11-02 10:00: ¥240,000 + 50 % = ¥360,000.
    const events = [lodged('2026-09-10 10:00', yuan(240_000))];
    const rose = { required: required(yuan(360_000)), requiredSince: at('2026-11-02 10:00') };
    expect(summary(when(given(events, rose), '2026-11-02 10:00'))).toEqual([
      {
        key: `deposit-short:${P}`,
        severity: 'high',
        status: 'open',
        raisedAt: at('2026-11-02 10:00'),
        amountOwed: yuan(120_000),
      },
    ]);
    const cured = [...events, toppedUp('2026-11-05 15:00', yuan(120_000))];
    expect(summary(when(given(cured, rose), '2026-11-06 09:00'))).toEqual([
      {
        key: `deposit-short:${P}`,
        severity: 'high',
        status: 'resolved',
        raisedAt: at('2026-11-02 10:00'),
        resolvedAt: at('2026-11-05 15:00'),
        amountOwed: yuan(120_000),
      },
    ]);
  });

  it('given a refund leaving too little, then short from the refund', () => {
    const events = [
      lodged('2026-09-10 10:00', yuan(240_000)),
      event('refunded', '2026-11-10 10:00', { amountFen: yuan(40_000) }),
    ];
    expect(summary(when(given(events), '2026-11-11 09:00'))).toEqual([
      {
        key: `deposit-short:${P}`,
        severity: 'high',
        status: 'open',
        raisedAt: at('2026-11-10 10:00'),
        amountOwed: yuan(40_000),
      },
    ]);
  });
});

describe('rule 12: guarantee expiring across the National Day holiday', () => {
  /*
   * Permit 2025-09-15. Guarantee G-2025-88 for ¥240,000, issued 2025-09-30, valid 2025-10-05 to
   * 2026-10-04 (one year), expiring inside the 2026 National Day block (10-01..10-07). The contract
   * term ends 2026-10-04 too (the planned end), so the guarantee counts as cover; the project is
   * still open past it (running late). The warning counts calendar days: 30 days before 2026-10-04
   * is 2026-09-04, so the warning is raised at 2026-09-04 00:00 whatever the holidays; it is
   * expired from 2026-10-05 00:00, still in the holiday.
   */
  const G = guarantee('2025-09-30 10:00', 'G-2025-88', yuan(240_000), '2025-10-05', '2026-10-04');
  const opts = { permitDate: '2025-09-15', plannedEndDate: '2026-10-04' };
  const key = `guarantee-expiring:${P}:G-2025-88`;

  it('given 31 days to expiry, then no warning; at 30 days, a medium warning', () => {
    expect(when(given([G], opts), '2026-09-03 23:59')).toEqual([]);
    const [f, ...rest] = when(given([G], opts), '2026-09-04 00:00');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      key,
      rule: 'guarantee-expiring',
      severity: 'medium',
      status: 'open',
      dueDate: '2026-10-04',
      raisedAt: at('2026-09-04 00:00'),
      amountOwed: yuan(240_000),
      evidence: [G.evidence],
    });
    expect(f?.detail).toMatch(/expires in 30 day\(s\)/);
  });

  it('given no replacement, then high from 2026-10-05 00:00 (during the holiday), and the deposit is short', () => {
    expect(when(given([G], opts), '2026-10-04 23:59')[0]?.severity).toBe('medium');
    expect(summary(when(given([G], opts), '2026-10-05 00:00'))).toEqual([
      {
        key: `deposit-short:${P}`,
        severity: 'high',
        status: 'open',
        raisedAt: at('2026-10-05 00:00'),
        amountOwed: yuan(240_000),
      },
      { key, severity: 'high', status: 'open', raisedAt: at('2026-09-04 00:00'), amountOwed: yuan(240_000) },
    ]);
  });

  it('given a replacement guarantee from the day after expiry, then the warning is resolved when it is issued', () => {
    const next = guarantee('2026-09-20 11:00', 'G-2026-17', yuan(240_000), '2026-10-05', '2027-12-31');
    expect(summary(when(given([G, next], opts), '2026-10-06 09:00'))).toEqual([
      {
        key,
        severity: 'medium',
        status: 'resolved',
        raisedAt: at('2026-09-04 00:00'),
        resolvedAt: at('2026-09-20 11:00'),
        amountOwed: yuan(240_000),
      },
    ]);
  });

  it('given the guarantee extended under the same number, then resolved by the extension', () => {
    const extended = guarantee('2026-09-25 09:00', 'G-2025-88', yuan(240_000), '2025-10-05', '2027-10-04');
    const fs = when(given([G, extended], opts), '2026-10-06 09:00');
    expect(summary(fs)).toEqual([
      expect.objectContaining({ key, status: 'resolved', resolvedAt: at('2026-09-25 09:00') }),
    ]);
  });

  it('given cash covering the requirement, then no warning at all', () => {
    expect(when(given([G, lodged('2025-10-01 10:00', yuan(240_000))], opts), '2026-09-20 10:00')).toEqual([]);
  });

  it('given the project closed, then no deposit finding', () => {
    expect(when(given([G], { ...opts, open: false }), '2026-10-20 10:00')).toEqual([]);
  });
});

describe('rule 13: deposit not topped up after a draw', () => {
  /*
   * ¥240,000 lodged; ¥50,000 drawn on Monday 2026-09-28 (payment notice RSJ-2026-118). Working
   * days after it: 09-29 (1), 09-30 (2), [10-01..10-07 National Day], 10-08 (3), 10-09 (4),
   * Saturday 10-10 make-up (5), 10-12 (6), 10-13 (7), 10-14 (8), 10-15 (9), 10-16 (10),
   * 10-19 (11). The top-up is due by the end of Friday 2026-10-16.
   */
  const base = [lodged('2026-09-10 10:00', yuan(240_000)), drawn('2026-09-28 15:00', yuan(50_000))];
  const key = (s: DepositState) => `deposit-not-topped-up:${P}:${s.events[1]?.bankRef}`;

  it('the calendar counts as the comment says', () => {
    expect(defaultCalendar.addWorkingDays('2026-09-28', 10)).toBe('2026-10-16');
    expect(defaultCalendar.addWorkingDays('2026-09-28', 11)).toBe('2026-10-19');
    expect(defaultCalendar.isWorkingDay('2026-10-10')).toBe(true);
    expect(defaultCalendar.isWorkingDay('2026-09-20')).toBe(true);
  });

  it('given the draw, when evaluated during the 10 working days, then nothing (not even deposit-short)', () => {
    expect(when(given(base), '2026-10-16 23:59')).toEqual([]);
  });

  it('given a top-up on the 10th working day, then it is on time: no finding ever', () => {
    const state = given([...base, toppedUp('2026-10-16 16:00', yuan(50_000))]);
    expect(when(state, '2026-10-16 23:59')).toEqual([]);
    expect(when(state, '2026-10-20 10:00')).toEqual([]);
  });

  it('given no top-up, then raised at the end of the 10th working day for ¥50,000', () => {
    const state = given(base);
    const [f, ...rest] = when(state, '2026-10-17 00:00');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      key: key(state),
      rule: 'deposit-not-topped-up',
      severity: 'high',
      status: 'open',
      dueDate: '2026-10-16',
      raisedAt: at('2026-10-17 00:00'),
      amountOwed: yuan(50_000),
      responsible: contractor,
      legalBasis: legalBasisOf('deposit-not-topped-up'),
    });
    expect(f?.detail).toMatch(
      /¥50,000.00 drawn on 2026-09-28 \(payment notice RSJ-2026-118\); not restored by the 10th working day, 2026-10-16/,
    );
  });

  it('given a top-up on the 11th working day, then raised at the end of the 10th and resolved by the top-up, on record', () => {
    const state = given([...base, toppedUp('2026-10-19 10:00', yuan(50_000))]);
    expect(summary(when(state, '2026-10-20 10:00'))).toEqual([
      {
        key: key(state),
        severity: 'high',
        status: 'resolved',
        raisedAt: at('2026-10-17 00:00'),
        resolvedAt: at('2026-10-19 10:00'),
        amountOwed: yuan(50_000),
      },
    ]);
    expect(when(state, '2026-10-20 10:00')[0]?.record).toBe(true);
  });

  it('given a sweep on the 11th day, then reconcile raises it, and after the top-up resolves it', () => {
    const late = given([...base, toppedUp('2026-10-19 10:00', yuan(50_000))]);
    const first = reconcileDeposit(new Map(), when(given(base), '2026-10-17 06:00'), at('2026-10-17 06:00'));
    expect(first.map((t) => [t.kind, t.finding.status])).toEqual([['raised', 'open']]);
    const recorded = new Map<string, RecordedDepositFinding>(first.map((t) => [t.finding.key, t.finding]));
    const second = reconcileDeposit(recorded, when(late, '2026-10-19 12:00'), at('2026-10-19 12:00'));
    expect(second.map((t) => [t.kind, t.finding.rule, t.finding.resolvedAt])).toEqual([
      ['resolved', 'deposit-not-topped-up', at('2026-10-19 10:00')],
    ]);
  });

  it('given a partial top-up, then still open for the rest', () => {
    const state = given([...base, toppedUp('2026-10-12 10:00', yuan(30_000))]);
    expect(when(state, '2026-10-19 09:00')[0]).toMatchObject({ status: 'open', amountOwed: yuan(20_000) });
  });
});

describe('holdings and idempotency', () => {
  const terms = { requiredFen: yuan(240_000), plannedEndDate: '2027-12-31' };
  const events = [
    lodged('2026-09-10 10:00', yuan(100_000)),
    guarantee('2026-09-11 10:00', 'G-9', yuan(240_000), '2026-09-12', '2027-12-31'),
    drawn('2026-11-02 10:00', yuan(30_000)),
  ];

  it('given cash and a guarantee, then held is cash plus the guarantee valid that day', () => {
    expect(depositHoldings(events, at('2026-09-11 12:00'), terms).heldFen).toBe(yuan(100_000));
    const h = depositHoldings(events, at('2026-11-03 12:00'), terms);
    expect({
      cash: h.cashFen,
      held: h.heldFen,
      valid: h.guarantees.map((g) => [g.valid, g.counts]),
    }).toEqual({
      cash: yuan(70_000),
      held: yuan(310_000),
      valid: [[true, true]],
    });
  });

  it('given a cancelled guarantee, then it no longer counts and the deposit is short', () => {
    const cancelled = [
      ...events.slice(0, 2),
      event('guarantee-cancelled', '2026-10-12 10:00', { guaranteeNo: 'G-9' }),
    ];
    expect(depositHoldings(cancelled, at('2026-10-13 10:00'), terms).heldFen).toBe(yuan(100_000));
    expect(summary(when(given(cancelled), '2026-10-13 10:00'))).toEqual([
      {
        key: `deposit-short:${P}`,
        severity: 'high',
        status: 'open',
        raisedAt: at('2026-10-12 10:00'),
        amountOwed: yuan(140_000),
      },
    ]);
  });

  it('given the same input twice, a retried bankRef or shuffled events, then the same findings', () => {
    // Required ¥400,000: the ¥240,000 guarantee is below it and covers nothing; ¥200,000 cash
    // held, then ¥170,000 after the draw: short, and not topped up.
    const state = given([lodged('2026-09-10 10:00', yuan(200_000)), ...events.slice(1)], {
      required: required(yuan(400_000)),
    });
    const once = when(state, '2026-12-01 10:00');
    expect(once.map((f) => [f.rule, f.status, f.amountOwed])).toEqual([
      ['deposit-not-topped-up', 'open', yuan(230_000)],
      ['deposit-short', 'open', yuan(230_000)],
    ]);
    expect(when(state, '2026-12-01 10:00')).toEqual(once);
    const retried = {
      ...state,
      events: [...state.events, { ...state.events[0]!, at: at('2026-11-20 10:00') }],
    };
    expect(when(retried, '2026-12-01 10:00')).toEqual(once);
    expect(when({ ...state, events: [...state.events].reverse() }, '2026-12-01 10:00')).toEqual(once);
    const recorded = new Map(once.map((f) => [f.key, f as RecordedDepositFinding]));
    expect(reconcileDeposit(recorded, when(state, '2026-12-02 10:00'), at('2026-12-02 10:00'))).toEqual([]);
  });

  it('given events after asOf, then they are not yet known', () => {
    const state = given([lodged('2026-10-12 10:00', yuan(240_000))]);
    expect(when(state, '2026-10-01 10:00').map((f) => f.status)).toEqual(['open']);
  });
});

describe('a bank guarantee counts as cover only if at least the required amount, one year and the contract term', () => {
  /*
   * Required ¥240,000; permit 2026-09-01, planned end 2027-12-31 unless a test says otherwise;
   * the 20-WD window ends 2026-09-29, so from 2026-09-30 a missing deposit is a finding.
   * DOMAIN.md: "A bank guarantee may replace cash: at least the required amount, … valid at least
   * one year and no shorter than the contract term". Each condition fails alone below.
   */
  const terms = { requiredFen: yuan(240_000), plannedEndDate: '2027-12-31' };
  const full = guarantee('2026-09-15 10:00', 'G-OK', yuan(240_000), '2026-09-15', '2027-12-31');

  it('given all three met, then the guarantee is cover and nothing is missing or short', () => {
    expect(guaranteeCover(full, terms)).toEqual({ counts: true });
    expect(when(given([full]), '2026-10-12 10:00')).toEqual([]);
    const [g] = depositHoldings([full], at('2026-10-12 10:00'), terms).guarantees;
    expect(g).toMatchObject({ counts: true, valid: true });
    expect(g?.reason).toBeUndefined();
  });

  it('given a guarantee below the required amount (alone failing), then it covers nothing: deposit-missing, with the reason', () => {
    const low = guarantee('2026-09-15 10:00', 'G-LOW', yuan(200_000), '2026-09-15', '2027-12-31');
    expect(guaranteeCover(low, terms)).toEqual({
      counts: false,
      reason: '¥200,000.00, less than the required ¥240,000.00',
    });
    const [f, ...rest] = when(given([low]), '2026-10-12 10:00');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      key: `deposit-missing:${P}`,
      status: 'open',
      raisedAt: at('2026-09-30 00:00'),
      amountOwed: yuan(240_000),
      evidence: [low.evidence],
    });
    expect(f?.detail).toBe(
      'no deposit lodged and no bank guarantee that counts as cover for the required ¥240,000.00 (guarantee G-LOW does not count as cover: ¥200,000.00, less than the required ¥240,000.00): due within 20 working days of the permit of 2026-09-01, by 2026-09-29',
    );
    expect(depositHoldings([low], at('2026-10-12 10:00'), terms).heldFen).toBe(0n);
  });

  it('given a guarantee valid less than one year (alone failing), then it covers nothing', () => {
    // The contract ends 2026-11-30, so the term is covered; 2026-03-01..2026-12-31 is not a year.
    const short = guarantee('2026-09-10 10:00', 'G-10M', yuan(240_000), '2026-03-01', '2026-12-31');
    const opts = { plannedEndDate: '2026-11-30' };
    expect(guaranteeCover(short, { ...terms, plannedEndDate: '2026-11-30' })).toEqual({
      counts: false,
      reason: 'valid 2026-03-01..2026-12-31, shorter than one year',
    });
    const [f] = when(given([short], opts), '2026-10-12 10:00');
    expect(f).toMatchObject({ rule: 'deposit-missing', status: 'open', amountOwed: yuan(240_000) });
    expect(f?.detail).toContain(
      'guarantee G-10M does not count as cover: valid 2026-03-01..2026-12-31, shorter than one year',
    );
  });

  it('given exactly one year (to the day before the anniversary), then it counts; a day less, not', () => {
    const t = { ...terms, plannedEndDate: '2027-09-14' };
    expect(
      guaranteeCover({ amountFen: yuan(240_000), validFrom: '2026-09-15', validTo: '2027-09-14' }, t),
    ).toEqual({
      counts: true,
    });
    expect(
      guaranteeCover(
        { amountFen: yuan(240_000), validFrom: '2026-09-15', validTo: '2027-09-13' },
        {
          ...t,
          plannedEndDate: '2027-09-13',
        },
      ),
    ).toEqual({ counts: false, reason: 'valid 2026-09-15..2027-09-13, shorter than one year' });
  });

  it('given a guarantee ending before the planned end of the contract (alone failing), then it covers nothing', () => {
    const early = guarantee('2026-09-15 10:00', 'G-TERM', yuan(240_000), '2026-09-15', '2027-09-30');
    expect(guaranteeCover(early, terms)).toEqual({
      counts: false,
      reason: 'valid 2026-09-15..2027-09-30, ends before the contract term (planned end 2027-12-31)',
    });
    const [f] = when(given([early]), '2026-10-12 10:00');
    expect(f).toMatchObject({ rule: 'deposit-missing', status: 'open', evidence: [early.evidence] });
    expect(f?.detail).toContain('ends before the contract term (planned end 2027-12-31)');
  });

  it('given every condition failing, then every reason is given', () => {
    const bad = { amountFen: yuan(1_000), validFrom: '2026-09-15', validTo: '2026-12-31' };
    expect(guaranteeCover(bad, terms)).toEqual({
      counts: false,
      reason:
        '¥1,000.00, less than the required ¥240,000.00; valid 2026-09-15..2026-12-31, shorter than one year; valid 2026-09-15..2026-12-31, ends before the contract term (planned end 2027-12-31)',
    });
  });

  it('given a guarantee that counts plus cash, then both are held and nothing is short', () => {
    const cash = lodged('2026-09-10 10:00', yuan(50_000));
    const h = depositHoldings([cash, full], at('2026-10-12 10:00'), terms);
    expect({ cash: h.cashFen, held: h.heldFen }).toEqual({ cash: yuan(50_000), held: yuan(290_000) });
    expect(when(given([cash, full]), '2026-10-12 10:00')).toEqual([]);
  });

  it('given an insufficient guarantee and cash making up the rest, then the guarantee covers nothing: deposit-short for what cash lacks', () => {
    // ¥100,000 cash + a ¥140,000 guarantee "add up" to ¥240,000, but a guarantee replaces cash only
    // when it is at least the required amount itself: held is the cash alone.
    const cash = lodged('2026-09-10 10:00', yuan(100_000));
    const part = guarantee('2026-09-11 10:00', 'G-PART', yuan(140_000), '2026-09-12', '2027-12-31');
    const h = depositHoldings([cash, part], at('2026-10-12 10:00'), terms);
    expect({ held: h.heldFen, counts: h.guarantees.map((g) => g.counts) }).toEqual({
      held: yuan(100_000),
      counts: [false],
    });
    const [f, ...rest] = when(given([cash, part]), '2026-10-12 10:00');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      key: `deposit-short:${P}`,
      status: 'open',
      raisedAt: at('2026-09-30 00:00'),
      amountOwed: yuan(140_000),
    });
    expect(f?.detail).toContain(
      'guarantee G-PART does not count as cover: ¥140,000.00, less than the required ¥240,000.00',
    );
  });

  it('given a refused guarantee replaced by one that counts under the same number, then deposit-missing is resolved by the new issue', () => {
    const first = guarantee('2026-09-15 10:00', 'G-7', yuan(240_000), '2026-09-15', '2027-06-30');
    const fixed = guarantee('2026-10-20 10:00', 'G-7', yuan(240_000), '2026-09-15', '2027-12-31');
    expect(summary(when(given([first, fixed]), '2026-10-21 10:00'))).toEqual([
      {
        key: `deposit-missing:${P}`,
        severity: 'high',
        status: 'resolved',
        raisedAt: at('2026-09-30 00:00'),
        resolvedAt: at('2026-10-20 10:00'),
        amountOwed: yuan(240_000),
      },
    ]);
  });

  it('given a guarantee that never counted nearing its expiry, then no guarantee-expiring (it covers nothing to lose)', () => {
    const cash = lodged('2026-09-10 10:00', yuan(240_000));
    const early = guarantee('2026-09-15 10:00', 'G-TERM', yuan(240_000), '2026-09-15', '2027-09-30');
    expect(when(given([cash, early]), '2027-09-20 10:00')).toEqual([]);
  });
});

describe('evaluateDeposit reports when its answer can next change (the due index, docs/adr/0022)', () => {
  const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  const run = (state: DepositState, asOf: Date) => {
    const changes: Date[] = [];
    const findings = evaluateDeposit(state, asOf, defaultCalendar, { changesAt: (d) => changes.push(d) });
    const later = changes.filter((d) => d > asOf).map((d) => d.getTime());
    return { findings, next: later.length ? new Date(Math.min(...later)) : undefined };
  };
  const scenarios: Record<string, DepositState> = {
    'lodged late, drawn, topped up late': given([
      lodged('2026-10-09 10:00', yuan(240_000)),
      drawn('2026-10-12 10:00', yuan(100_000)),
      toppedUp('2026-11-02 15:00', yuan(100_000)),
    ]),
    'a guarantee expiring, then replaced': given([
      guarantee('2026-09-15 09:00', 'G-1', yuan(240_000), '2026-09-15', '2026-12-10'),
      guarantee('2026-12-20 09:00', 'G-2', yuan(240_000), '2026-12-20', '2027-12-31'),
    ]),
    'short, then covered': given([
      lodged('2026-09-10 10:00', yuan(200_000)),
      lodged('2026-11-20 10:00', yuan(40_000)),
    ]),
  };
  for (const [name, state] of Object.entries(scenarios)) {
    it(`${name}: every 5 hours, the answer just before the next instant equals the one at the start`, () => {
      let checked = 0;
      let changed = 0;
      for (
        let t = at('2026-09-01 01:00').getTime();
        t < at('2027-01-10 00:00').getTime();
        t += 5 * 3_600_000
      ) {
        const asOf = new Date(t);
        const { findings, next } = run(state, asOf);
        const until = next ?? at('2027-02-01 00:00');
        expect(until.getTime()).toBeGreaterThan(t);
        const here = json(findings);
        const middle = new Date(t + Math.floor((until.getTime() - t) / 2));
        expect(json(run(state, middle).findings), `${asOf.toISOString()} → ${middle.toISOString()}`).toBe(
          here,
        );
        expect(
          json(run(state, new Date(until.getTime() - 1)).findings),
          `${asOf.toISOString()} → ${until.toISOString()}`,
        ).toBe(here);
        if (next && json(run(state, next).findings) !== here) changed++;
        checked++;
      }
      expect(checked).toBeGreaterThan(600);
      expect(changed).toBeGreaterThan(1);
    });
  }
});
