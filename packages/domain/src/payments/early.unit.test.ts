import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import type { DesiredFinding, PaymentRule, ProjectState } from './model.ts';
import { DEFAULT_PAYMENT_RULES_CONFIG, evaluateProject } from './rules.ts';
import { at, given, LI, line, WANG, worker, yuan } from './testing.ts';

const only = (rule: PaymentRule) => ({
  ...DEFAULT_PAYMENT_RULES_CONFIG,
  enabled: new Set<PaymentRule>([rule]),
});
const when = (state: ProjectState, asOf: Date, rule: PaymentRule): DesiredFinding[] =>
  evaluateProject(state, asOf, defaultCalendar, only(rule));
const OWNER = { name: '某某城市建设投资有限公司', creditCode: '91510400MA0000001X' };

describe('rule 7: labour cost allocated by the owner at least monthly', () => {
  // Started 2026-03-01; the owner credited on 03-10 and 04-08: the next credit is due by 05-08.
  const base = () =>
    given({ owner: OWNER })
      .credit('200000.00', at('2026-03-10 10:00'))
      .credit('200000.00', at('2026-04-08 10:00'));

  it('given credits within the cycle, when evaluated on the cycle’s last day, then nothing', () => {
    expect(when(base().build(), at('2026-05-08 18:00'), 'labour-cost-missing')).toEqual([]);
  });

  it('given no credit for a month since the last, when the cycle ends, then labour-cost-missing against the owner', () => {
    const [f, ...rest] = when(base().build(), at('2026-05-09 09:00'), 'labour-cost-missing');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      key: 'labour-cost-missing:2026-04-08',
      status: 'open',
      severity: 'high',
      dueDate: '2026-05-08',
      raisedAt: at('2026-05-09 00:00'),
      responsible: { kind: 'owner', name: OWNER.name, code: OWNER.creditCode },
    });
  });

  it('given the allocation arrives late, when evaluated, then the finding is cured at the credit', () => {
    const state = base().credit('200000.00', at('2026-05-12 11:00')).build();
    const findings = when(state, at('2026-05-13 09:00'), 'labour-cost-missing');
    expect(findings.map((f) => [f.key, f.status, f.resolvedAt])).toEqual([
      ['labour-cost-missing:2026-04-08', 'resolved', at('2026-05-12 11:00')],
    ]);
  });

  it('counts a credit in the owner’s name without a purpose, not someone else’s', () => {
    const owners = given({ owner: OWNER }).credit('1000.00', at('2026-03-20 10:00'), {
      fromName: OWNER.name,
      purpose: null,
    });
    expect(when(owners.build(), at('2026-04-15 10:00'), 'labour-cost-missing')).toEqual([]);
    const others = given({ owner: OWNER }).credit('1000.00', at('2026-03-20 10:00'), { purpose: null });
    // Nothing from the owner since the start (03-01): the first cycle ended 04-01.
    expect(when(others.build(), at('2026-04-15 10:00'), 'labour-cost-missing').map((f) => f.key)).toEqual([
      'labour-cost-missing:2026-03-01',
    ]);
  });

  it('honours a shorter agreed cycle', () => {
    const state = given({ owner: OWNER, allocationCycleDays: 15 })
      .credit('1000.00', at('2026-03-10 10:00'))
      .build();
    // 03-10 + 15 days = 03-25: overdue from 03-26.
    expect(when(state, at('2026-03-25 20:00'), 'labour-cost-missing')).toEqual([]);
    expect(when(state, at('2026-03-26 08:00'), 'labour-cost-missing')[0]?.key).toBe(
      'labour-cost-missing:2026-03-10',
    );
  });
});

describe('rule 8: balance short before a pay date (early warning)', () => {
  // March wages (Li 5200 + Wang 5200 = 10400) are due Wed 2026-04-15. Five working days before:
  // 04-14, 04-13, 04-10, 04-09, 04-08 (Qingming is 04-04..04-06) → the warning starts 04-08.
  const march = () =>
    given()
      .workers(LI, WANG)
      .sheet('2026-03', [line(LI, '5200.00'), line(WANG, '5200.00')])
      .statement('2026-04-07', { closingBalance: yuan('8000.00') });

  it('given the balance below the payroll, when evaluated the day before the window, then nothing yet', () => {
    expect(when(march().build(), at('2026-04-07 18:00'), 'balance-short')).toEqual([]);
  });

  it('given the balance below the payroll, when the window opens, then balance-short for the gap', () => {
    const [f, ...rest] = when(march().build(), at('2026-04-08 10:00'), 'balance-short');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      key: 'balance-short:2026-03',
      status: 'open',
      severity: 'medium',
      dueDate: '2026-04-15',
      amountOwed: yuan('2400.00'),
      raisedAt: at('2026-04-08 06:00'), // the statement was received at 06:00 on 04-08
    });
  });

  it('given a credit since the statement that covers it, when evaluated, then no warning', () => {
    const state = march().credit('3000.00', at('2026-04-08 09:00')).build();
    expect(when(state, at('2026-04-08 10:00'), 'balance-short')).toEqual([]);
  });

  it('given no April sheet yet, when the window before May’s pay date opens, then the March sheet is the basis', () => {
    // April wages are due Fri 2026-05-15; five working days before: 05-14, 13, 12, 11, 09 (a make-up Saturday).
    const state = march()
      .statement('2026-05-08', { closingBalance: yuan('1000.00') })
      .build();
    const [f] = when(state, at('2026-05-09 10:00'), 'balance-short');
    expect(f).toMatchObject({ key: 'balance-short:2026-04', amountOwed: yuan('9400.00') });
    expect(f?.detail).toContain('the 2026-03 sheet (the 2026-04 sheet is not submitted yet)');
  });
});

describe('rule 9: arrears growing, and the criminal threshold', () => {
  // Li is owed 2000.00 for each of January, February and March 2026 and paid nothing. Due dates:
  // Jan → 02-14 (02-15 falls in the Spring Festival block; Saturday 02-14 is a make-up working
  // day), Feb → 03-13 (03-15 is a Sunday), Mar → 04-15.
  const threeMonths = () =>
    given({ startDate: '2026-01-01' })
      .workers(worker(1, LI.name, { enrolledOn: '2026-01-01' }))
      .sheet('2026-01', [line(LI, '2000.00')])
      .sheet('2026-02', [line(LI, '2000.00')])
      .sheet('2026-03', [line(LI, '2000.00')])
      .statement('2026-02-14')
      .statement('2026-03-13')
      .statement('2026-04-15');

  it('given one month unpaid, then no arrears-growing', () => {
    expect(when(threeMonths().build(), at('2026-02-20 10:00'), 'arrears-growing')).toEqual([]);
  });

  it('given two months unpaid, then arrears-growing (high), raised when the second month became known', () => {
    const [f, ...rest] = when(threeMonths().build(), at('2026-03-20 10:00'), 'arrears-growing');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      key: `arrears-growing:${LI.idNumber}`,
      severity: 'high',
      amountOwed: yuan('4000.00'),
      raisedAt: at('2026-03-14 06:00'), // the 03-13 statement arrived at 06:00 the next day
    });
    expect(f?.policeReferral).toBeUndefined();
  });

  it('given three months and 6000.00 unpaid (threshold: 3 months, 5000.00), then critical with a police referral', () => {
    const [f] = when(threeMonths().build(), at('2026-04-20 10:00'), 'arrears-growing');
    expect(f).toMatchObject({ severity: 'critical', policeReferral: true, amountOwed: yuan('6000.00') });
  });

  it('given a stricter province (3 months, 8000.00), then still high', () => {
    const config = {
      ...only('arrears-growing'),
      criminalThreshold: { ...DEFAULT_PAYMENT_RULES_CONFIG.criminalThreshold, oneWorkerFen: yuan('8000.00') },
    };
    const [f] = evaluateProject(threeMonths().build(), at('2026-04-20 10:00'), defaultCalendar, config);
    expect(f).toMatchObject({ severity: 'high' });
  });

  it('given ten workers unpaid 3000.00 each for one month, then a project-wide critical finding', () => {
    const ten = Array.from({ length: 10 }, (_, i) => worker(i + 1, `工人${i + 1}`));
    const state = given()
      .workers(...ten)
      .sheet(
        '2026-03',
        ten.map((w) => line(w, '3000.00')),
      )
      .statement('2026-04-15')
      .build();
    const findings = when(state, at('2026-04-20 10:00'), 'arrears-growing');
    expect(findings.map((f) => [f.key, f.severity, f.amountOwed, f.policeReferral])).toEqual([
      ['arrears-growing:project', 'critical', yuan('30000.00'), true],
    ]);
  });
});
