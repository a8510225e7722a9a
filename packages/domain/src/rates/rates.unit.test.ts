import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { at, given, LI, line, WANG, worker } from '../payments/testing.ts';
import { NATIONAL_RATE_POLICY, ratePolicyById, validateRatePolicy, WPS_LIKE_RATE_POLICY } from './policy.ts';
import { delinquencyOf, paidAtShare, projectRates, SHARE_BUCKETS, shareBucket, totalRates } from './rates.ts';

// The test project pays each month on the 15th of the next (March's wages by 15 April 2026, a
// Wednesday); LI is owed ¥5,000 and WANG ¥4,000 for March.
const march = () =>
  given()
    .workers(LI, WANG)
    .sheet('2026-03', [line(LI, '5000.00'), line(WANG, '4000.00')]);
const rates = (g: ReturnType<typeof given>, asOf: Date) => projectRates(g.build(), asOf, defaultCalendar);

describe('按时足额发放率 per project and month', () => {
  it('given one worker paid in full on the due date and one short, then late, when the rates are read, then each count and amount', () => {
    const g = march()
      .paid(LI, '5000.00', at('2026-04-15 23:59'))
      .paid(WANG, '3000.00', at('2026-04-15 10:00'))
      .paid(WANG, '1000.00', at('2026-04-20 10:00'));
    const [r, ...rest] = rates(g, at('2026-04-25 09:00'));
    expect(rest).toEqual([]);
    expect(r).toMatchObject({
      period: '2026-03',
      dueDate: '2026-04-15',
      workersDue: 2,
      paidInFullOnTime: 1,
      paidAnyOnTime: 2,
      paidInFull: 2,
      amountDue: 900000n,
      amountPaidOnTime: 800000n,
      amountPaid: 900000n,
    });
    // LI in full (bucket 20), WANG 75 % by the due date (bucket 15).
    expect(r!.onTimeShares[20]).toBe(1);
    expect(r!.onTimeShares[15]).toBe(1);
    expect(r!.onTimeShares.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('given the due date has not ended, when the rates are read, then the month has none yet', () => {
    const g = march().paid(LI, '5000.00', at('2026-04-10 10:00'));
    expect(rates(g, at('2026-04-15 18:00'))).toEqual([]);
    expect(rates(g, at('2026-04-16 00:00'))).toHaveLength(1);
  });

  it('given a payment at 00:00 the day after the due date (Shanghai), then it is not on time', () => {
    const g = march()
      .paid(LI, '5000.00', at('2026-04-16 00:00'))
      .paid(WANG, '4000.00', at('2026-04-15 09:00'));
    expect(rates(g, at('2026-04-20 09:00'))[0]).toMatchObject({ paidInFullOnTime: 1, paidInFull: 2 });
  });

  it('given a pay day on a holiday (1 October), then the month is due the working day before, and a payment on the holiday is late', () => {
    const g = given({ payDay: 1, payMonthOffset: 1 })
      .workers(LI)
      .sheet('2026-09', [line(LI, '5000.00')], at('2026-09-25 09:00'))
      .paid(LI, '5000.00', at('2026-10-01 10:00'));
    const [r] = rates(g, at('2026-10-09 09:00'));
    expect(r).toMatchObject({ dueDate: '2026-09-30', paidInFullOnTime: 0, paidAnyOnTime: 0, paidInFull: 1 });
  });

  it('given a payment to a card that is not the worker’s, then it pays nobody’s line', () => {
    const g = march()
      .paid(LI, '5000.00', at('2026-04-14 10:00'), { toAccount: '6222000000000099999' })
      .paid(WANG, '4000.00', at('2026-04-14 10:00'));
    expect(rates(g, at('2026-04-20 09:00'))[0]).toMatchObject({
      workersDue: 2,
      paidInFullOnTime: 1,
      paidAnyOnTime: 1,
    });
  });

  it('given a line of zero, then that worker is not due', () => {
    const zero = worker(3, '张伟');
    const g = given()
      .workers(LI, zero)
      .sheet('2026-03', [line(LI, '5000.00'), line(zero, '0.00')])
      .paid(LI, '5000.00', at('2026-04-14 10:00'));
    expect(rates(g, at('2026-04-20 09:00'))[0]).toMatchObject({ workersDue: 1, paidInFullOnTime: 1 });
  });
});

describe('compliance by threshold', () => {
  const row = (g: ReturnType<typeof given>) => rates(g, at('2026-04-25 09:00'))[0]!;
  it('given 1 of 2 workers paid in full, when judged by the national policy (all workers, in full), then not compliant', () => {
    const r = row(
      march().paid(LI, '5000.00', at('2026-04-14 10:00')).paid(WANG, '3600.00', at('2026-04-14 10:00')),
    );
    const t = totalRates([r], NATIONAL_RATE_POLICY);
    expect(t).toMatchObject({
      onTimeInFullBp: 5000,
      onTimeAnyBp: 10000,
      paidAtPolicyShare: 1,
      compliant: false,
    });
    expect(t.amountOnTimeBp).toBe(9555); // 8,600 of 9,000, rounded down
  });

  it('given WANG paid 90 % on time, when judged WPS-like (a worker counts at 80 %, compliant at 90 %), then compliant', () => {
    const r = row(
      march().paid(LI, '5000.00', at('2026-04-14 10:00')).paid(WANG, '3600.00', at('2026-04-14 10:00')),
    );
    expect(totalRates([r], WPS_LIKE_RATE_POLICY)).toMatchObject({
      paidAtPolicyShare: 2,
      policyShareBp: 10000,
      compliant: true,
    });
  });

  it('given WANG paid 75 %, when judged WPS-like, then he does not count and the project is not compliant', () => {
    const r = row(
      march().paid(LI, '5000.00', at('2026-04-14 10:00')).paid(WANG, '3000.00', at('2026-04-14 10:00')),
    );
    expect(totalRates([r], WPS_LIKE_RATE_POLICY)).toMatchObject({ paidAtPolicyShare: 1, compliant: false });
  });

  it('given two projects, when summed for a district, then the workers are summed and each project is judged on its own', () => {
    const good = row(
      march().paid(LI, '5000.00', at('2026-04-14 10:00')).paid(WANG, '4000.00', at('2026-04-14 10:00')),
    );
    const bad = row(march());
    const t = totalRates([good, bad], NATIONAL_RATE_POLICY);
    expect(t).toMatchObject({
      projects: 2,
      workersDue: 4,
      paidInFullOnTime: 2,
      onTimeInFullBp: 5000,
      compliant: false,
      compliantProjects: 1,
      nonCompliantProjects: 1,
      amountDue: 1800000n,
      amountPaidOnTime: 900000n,
    });
  });

  it('given WANG paid the rest of his wages after the due date, then the amount and the worker count as recovered (追发)', () => {
    const r = row(
      march()
        .paid(LI, '5000.00', at('2026-04-14 10:00'))
        .paid(WANG, '3000.00', at('2026-04-14 10:00'))
        .paid(WANG, '1000.00', at('2026-04-22 10:00')),
    );
    expect(totalRates([r], NATIONAL_RATE_POLICY)).toMatchObject({
      amountRecovered: 100000n,
      workersRecovered: 1,
    });
  });

  it('given nobody due, then no rate and no judgement', () => {
    expect(totalRates([], NATIONAL_RATE_POLICY)).toMatchObject({
      onTimeInFullBp: null,
      compliant: null,
      projects: 0,
    });
  });

  it('buckets: in full is the last, 99.99 % the one before, 5 % exactly the second', () => {
    expect(shareBucket(100n, 100n)).toBe(SHARE_BUCKETS - 1);
    expect(shareBucket(120n, 100n)).toBe(SHARE_BUCKETS - 1);
    expect(shareBucket(9999n, 10000n)).toBe(19);
    expect(shareBucket(5n, 100n)).toBe(1);
    expect(shareBucket(0n, 100n)).toBe(0);
    const shares = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 3, 4];
    expect(paidAtShare(shares, 10000)).toBe(4);
    expect(paidAtShare(shares, 8000)).toBe(9);
    expect(paidAtShare(shares, 500)).toBe(9);
  });

  it('a policy is data that is checked: paid share in 5 % steps, red after delinquent, unknown ids named', () => {
    expect(validateRatePolicy(NATIONAL_RATE_POLICY)).toEqual([]);
    expect(validateRatePolicy({ ...NATIONAL_RATE_POLICY, paidShareBp: 8200, sheetRedDays: 10 })).toEqual([
      'paidShareBp must be a positive multiple of 500 (5 %), got 8200',
      'sheetRedDays (10) must not be below sheetDelinquentDays (42)',
    ]);
    expect(() => ratePolicyById('atlantis')).toThrow(
      /unknown rate policy "atlantis"; known policies: national-default, example-wps/,
    );
  });
});

describe('delinquency: the payroll record’s age and the account’s silence', () => {
  const p = NATIONAL_RATE_POLICY;
  const of = (lastSheetAt: Date | null, lastMovementAt: Date | null, asOf: Date) =>
    delinquencyOf({ startDate: '2026-03-01', lastSheetAt, lastMovementAt }, asOf, p);

  it('given the last sheet 41 days ago, then ok; 42, delinquent; 84, red (days in Shanghai)', () => {
    const sheet = at('2026-04-28 23:30');
    expect(of(sheet, null, at('2026-06-08 09:00'))).toMatchObject({ sheetAgeDays: 41, sheet: 'ok' });
    expect(of(sheet, null, at('2026-06-09 00:10'))).toMatchObject({ sheetAgeDays: 42, sheet: 'delinquent' });
    expect(of(sheet, null, at('2026-07-21 09:00'))).toMatchObject({
      sheetAgeDays: 84,
      sheet: 'red',
      lastSheetOn: '2026-04-28',
    });
  });

  it('given no sheet ever, then the age counts from the project’s start', () => {
    expect(of(null, null, at('2026-04-12 09:00'))).toMatchObject({
      lastSheetOn: null,
      sheetAgeDays: 42,
      sheet: 'delinquent',
    });
  });

  it('given no movement for 45 days, then the account is idle', () => {
    const moved = at('2026-05-01 10:00');
    expect(of(null, moved, at('2026-06-14 10:00'))).toMatchObject({
      accountQuietDays: 44,
      accountIdle: false,
    });
    expect(of(null, moved, at('2026-06-15 10:00'))).toMatchObject({
      accountQuietDays: 45,
      accountIdle: true,
      lastMovementOn: '2026-05-01',
    });
  });
});
