import { dueDateFor, type WorkingDayCalendar } from '../calendar.ts';
import { daysBetween, endOfShanghaiDay, type LocalDate, type Period, shanghaiDate } from '../dates.ts';
import type { ProjectState, ProjectTerms } from '../payments/model.ts';
import { evaluateProject, type ObligationOutcome } from '../payments/rules.ts';
import type { RatePolicy } from './policy.ts';

/**
 * 按时足额发放率 and its neighbours (issue 14): per project and pay period, how many of the workers
 * on the payroll sheet were paid their net pay in full by the due date, how many were paid
 * anything by then, and the amounts. Computed from the ledger's allocation of payments to
 * payroll lines (`evaluateProject`'s `obligation` observer: a payment counts for the oldest month
 * it can pay, to the worker's registered card), so the rates and the findings never disagree.
 * Payments count as the bank has reported them.
 */

/** Workers by the share of their net pay that arrived by the due date: bucket k holds [5k %, 5k + 5 %), bucket 20 in full. */
export const SHARE_BUCKETS = 21;

export type PeriodRate = {
  period: Period;
  dueDate: LocalDate;
  /** Workers with a positive net pay on the month's sheet. */
  workersDue: number;
  paidInFullOnTime: number;
  /** Paid something (in full or not) by the end of the due date. */
  paidAnyOnTime: number;
  /** Paid in full by the evaluation's instant, on time or late. */
  paidInFull: number;
  amountDue: bigint;
  amountPaidOnTime: bigint;
  amountPaid: bigint;
  /** SHARE_BUCKETS counts: what lets any policy's paid share (a multiple of 5 %) be applied later. */
  onTimeShares: number[];
};

/**
 * The rates of each pay period whose due date has ended by `asOf`, from the payroll lines'
 * outcomes. A month whose due date is still ahead has no rate yet (nothing is late before it).
 */
export function periodRatesOf(
  outcomes: readonly ObligationOutcome[],
  dueDateOf: (period: Period) => LocalDate,
  asOf: Date,
): PeriodRate[] {
  const byPeriod = new Map<Period, PeriodRate>();
  for (const o of outcomes) {
    if (o.amountDue <= 0n) continue;
    let rate = byPeriod.get(o.period);
    if (!rate) {
      const dueDate = dueDateOf(o.period);
      if (endOfShanghaiDay(dueDate) > asOf) continue;
      rate = {
        period: o.period,
        dueDate,
        workersDue: 0,
        paidInFullOnTime: 0,
        paidAnyOnTime: 0,
        paidInFull: 0,
        amountDue: 0n,
        amountPaidOnTime: 0n,
        amountPaid: 0n,
        onTimeShares: new Array<number>(SHARE_BUCKETS).fill(0),
      };
      byPeriod.set(o.period, rate);
    }
    const dueEnd = endOfShanghaiDay(rate.dueDate);
    let onTime = 0n;
    for (const a of o.allocations) if (a.transfer.bookedAt < dueEnd) onTime += a.amount;
    rate.workersDue++;
    rate.amountDue += o.amountDue;
    rate.amountPaidOnTime += onTime;
    rate.amountPaid += o.paid;
    if (onTime >= o.amountDue) rate.paidInFullOnTime++;
    if (onTime > 0n) rate.paidAnyOnTime++;
    if (o.paid >= o.amountDue) rate.paidInFull++;
    rate.onTimeShares[shareBucket(onTime, o.amountDue)]!++;
  }
  return [...byPeriod.values()].sort((a, b) => (a.period < b.period ? -1 : 1));
}

/** The bucket of a worker paid `paid` of `due` (due > 0). */
export function shareBucket(paid: bigint, due: bigint): number {
  if (paid >= due) return SHARE_BUCKETS - 1;
  return Math.min(SHARE_BUCKETS - 2, Number((paid * 20n) / due));
}

/** Workers who received at least `paidShareBp` of their net by the due date (a multiple of 500). */
export function paidAtShare(onTimeShares: readonly number[], paidShareBp: number): number {
  const from = Math.ceil(paidShareBp / 500);
  let n = 0;
  for (let k = from; k < SHARE_BUCKETS; k++) n += onTimeShares[k] ?? 0;
  return n;
}

/** A share in basis points, rounded down (so 99.99 % never shows as 100 %); null for nothing due. */
export const shareBp = (part: number | bigint, whole: number | bigint): number | null =>
  Number(whole) === 0 ? null : Number((BigInt(part) * 10000n) / BigInt(whole));

/** Rates summed over projects (an employer, a district, the city) or months, and judged by a policy. */
export type RateTotals = {
  projects: number;
  workersDue: number;
  paidInFullOnTime: number;
  paidAnyOnTime: number;
  paidInFull: number;
  /** Workers who count as paid under the policy (`paidShareBp` of the net by the due date). */
  paidAtPolicyShare: number;
  amountDue: bigint;
  amountPaidOnTime: bigint;
  amountPaid: bigint;
  /** 按时足额发放率: paid in full on time ÷ workers due. */
  onTimeInFullBp: number | null;
  /** Paid anything by the due date ÷ workers due. */
  onTimeAnyBp: number | null;
  /** Paid on time ÷ amount due. */
  amountOnTimeBp: number | null;
  /** paidAtPolicyShare ÷ workers due: what the policy compares with `compliantShareBp`. */
  policyShareBp: number | null;
  /** Compliant under the policy; null when nobody was due. */
  compliant: boolean | null;
  /** 追发金额: what was paid after the due date (paid by now − paid on time), what the findings of rules 1-3 ask for. */
  amountRecovered: bigint;
  /** Workers paid in full only after the due date. */
  workersRecovered: number;
  /** Of the projects summed, those compliant on their own (a project with nobody due is neither). */
  compliantProjects: number;
  nonCompliantProjects: number;
};

export function totalRates(
  rows: readonly Pick<
    PeriodRate,
    | 'workersDue'
    | 'paidInFullOnTime'
    | 'paidAnyOnTime'
    | 'paidInFull'
    | 'amountDue'
    | 'amountPaidOnTime'
    | 'amountPaid'
    | 'onTimeShares'
  >[],
  policy: RatePolicy,
): RateTotals {
  const t = {
    projects: rows.length,
    workersDue: 0,
    paidInFullOnTime: 0,
    paidAnyOnTime: 0,
    paidInFull: 0,
    paidAtPolicyShare: 0,
    amountDue: 0n,
    amountPaidOnTime: 0n,
    amountPaid: 0n,
    compliantProjects: 0,
    nonCompliantProjects: 0,
  };
  for (const r of rows) {
    t.workersDue += r.workersDue;
    t.paidInFullOnTime += r.paidInFullOnTime;
    t.paidAnyOnTime += r.paidAnyOnTime;
    t.paidInFull += r.paidInFull;
    const atShare = paidAtShare(r.onTimeShares, policy.paidShareBp);
    t.paidAtPolicyShare += atShare;
    t.amountDue += r.amountDue;
    t.amountPaidOnTime += r.amountPaidOnTime;
    t.amountPaid += r.amountPaid;
    const own = compliantAt(atShare, r.workersDue, policy);
    if (own === true) t.compliantProjects++;
    else if (own === false) t.nonCompliantProjects++;
  }
  return {
    ...t,
    onTimeInFullBp: shareBp(t.paidInFullOnTime, t.workersDue),
    onTimeAnyBp: shareBp(t.paidAnyOnTime, t.workersDue),
    amountOnTimeBp: shareBp(t.amountPaidOnTime, t.amountDue),
    policyShareBp: shareBp(t.paidAtPolicyShare, t.workersDue),
    compliant: compliantAt(t.paidAtPolicyShare, t.workersDue, policy),
    amountRecovered: t.amountPaid - t.amountPaidOnTime,
    workersRecovered: t.paidInFull - t.paidInFullOnTime,
  };
}

function compliantAt(paid: number, due: number, policy: RatePolicy): boolean | null {
  if (due === 0) return null;
  // Exact: paid / due ≥ compliantShareBp / 10000.
  return paid * 10000 >= policy.compliantShareBp * due;
}

/** How old a project's payroll record is, and whether its account has gone quiet (issue 14). */
export type Delinquency = {
  /** The day the last payroll sheet was submitted; null when none ever was. */
  lastSheetOn: LocalDate | null;
  /** Days since the last sheet (or since the project started, when it has none). */
  sheetAgeDays: number;
  sheet: 'ok' | 'delinquent' | 'red';
  /** The day of the last movement on the wage account; null when none. */
  lastMovementOn: LocalDate | null;
  /** Days since the last movement (or since the project started). */
  accountQuietDays: number;
  accountIdle: boolean;
};

export function delinquencyOf(
  input: { startDate: LocalDate; lastSheetAt: Date | null; lastMovementAt: Date | null },
  asOf: Date,
  policy: RatePolicy,
): Delinquency {
  const today = shanghaiDate(asOf);
  const lastSheetOn = input.lastSheetAt ? shanghaiDate(input.lastSheetAt) : null;
  const lastMovementOn = input.lastMovementAt ? shanghaiDate(input.lastMovementAt) : null;
  const age = (since: LocalDate | null) => Math.max(0, daysBetween(since ?? input.startDate, today));
  const sheetAgeDays = age(lastSheetOn);
  const accountQuietDays = age(lastMovementOn);
  return {
    lastSheetOn,
    sheetAgeDays,
    sheet:
      sheetAgeDays >= policy.sheetRedDays
        ? 'red'
        : sheetAgeDays >= policy.sheetDelinquentDays
          ? 'delinquent'
          : 'ok',
    lastMovementOn,
    accountQuietDays,
    accountIdle: accountQuietDays >= policy.accountIdleDays,
  };
}

/** When each month of a project is due (its registration's pay day, moved before rest days). */
export function dueDatesOf(
  project: Pick<ProjectTerms, 'payDay' | 'payMonthOffset'>,
  calendar: WorkingDayCalendar,
): (period: Period) => LocalDate {
  const cache = new Map<Period, LocalDate>();
  return (period) => {
    let due = cache.get(period);
    if (!due) {
      due = dueDateFor(
        { period, payDay: project.payDay, payMonthOffset: project.payMonthOffset },
        calendar,
      ).due;
      cache.set(period, due);
    }
    return due;
  };
}

/** The rates of a project's months as of `asOf` (an evaluation of its state for nothing else). */
export function projectRates(state: ProjectState, asOf: Date, calendar: WorkingDayCalendar): PeriodRate[] {
  const outcomes: ObligationOutcome[] = [];
  evaluateProject(state, asOf, calendar, undefined, { obligation: (o) => outcomes.push(o) });
  return periodRatesOf(outcomes, dueDatesOf(state.project, calendar), asOf);
}
