/**
 * The demo city's owner allocations (labour-cost credits) and the breaches they plant: rule 7
 * labour-cost-missing (LABOUR_SKIP, resolved; LEAN_OWNER, open) and rule 8 balance-short
 * (LEAN_OWNER). Called by generateDemoCity in its drawing order.
 */
import {
  addDays,
  addMonths,
  dateInMonth,
  dueDateFor,
  firstDayOf,
  formatFen,
  parseYuan,
  periodOf,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { allocateLabourCost, roundUpHundredYuan, type SheetLine, type SimProject } from './common.ts';
import type { Ledger } from './ledger.ts';
import type { Rng } from './prng.ts';
import { LABOUR_SKIP, LEAN_OWNER, type Pending } from './roles.ts';
import type { DemoCity } from './types.ts';

type AllocationCity = {
  rng: Rng;
  cal: WorkingDayCalendar;
  ledger: Ledger;
  projects: SimProject[];
  lastDay: string;
  evalDay: string;
  /** The month of the last day (no sheet is submitted for it). */
  lastMonth: string;
  /** LABOUR_SKIP's skipped month, and the month it resumes (the last payroll month). */
  skipMonth: string;
  resumeMonth: string;
  pending: Pending[];
};

/**
 * Owner allocations (labour-cost credits), never more than a month apart from the project's
 * start (rule 7 counts the start date as the beginning of the first cycle): one per month on
 * its first working day, or earlier when that would leave more than a month since the previous
 * credit (the National Day block: October's comes on 30 September, and November's then on 30
 * October). A bit more than the month's wage debits, or an estimate before the first payroll
 * is paid. Deliberately:
 *  - LABOUR_SKIP's owner skips the second-to-last payroll month's credit and pays it with the
 *    next month's, on that one's first working day: labour-cost-missing, raised and resolved;
 *  - LEAN_OWNER's owner credits only what the payments until its next credit need (a token
 *    before the first payroll), and nothing from the last day's month on: labour-cost-missing
 *    (open), and the account cannot cover the next pay date (balance-short).
 */
export function allocateOwnerCredits(city: AllocationCity): void {
  const { rng, cal, ledger, projects, lastDay, evalDay, lastMonth, skipMonth, resumeMonth, pending } = city;
  const labourCases = new Map<number, { last: string; resumedOn?: string }>();
  projects.forEach((project, p) => {
    const accountNo = project.body.wageAccount.accountNo;
    const byMonth = ledger.bookedDebitsByMonth(accountNo);
    const estimate = roundUpHundredYuan(BigInt(project.workers.length) * 770_000n);
    const startMonth = periodOf(project.body.startDate);
    const schedule: Array<{ month: string; date: string }> = [];
    let prev = project.body.startDate;
    for (let month = startMonth; month <= lastMonth; month = addMonths(month, 1)) {
      if (p === LABOUR_SKIP && month === skipMonth) continue;
      if (p === LEAN_OWNER && month === lastMonth) continue;
      let date = cal.nextWorkingDayOnOrAfter(
        month === startMonth ? project.body.startDate : firstDayOf(month),
      );
      if (p === LABOUR_SKIP && month === resumeMonth) {
        // On its ordinary day (the first working day of the month), before the wages it funds.
        labourCases.set(p, { last: prev, resumedOn: date });
      } else if (date > sameDayNextMonth(prev)) {
        date = cal.previousWorkingDayOnOrBefore(sameDayNextMonth(prev));
      }
      if (date > lastDay) break;
      schedule.push({ month, date });
      prev = date;
    }
    if (p === LEAN_OWNER) labourCases.set(p, { last: prev });
    const monthFen = (m: string): bigint => {
      const wages = byMonth.get(m) ?? 0n;
      return wages > 0n ? roundUpHundredYuan((wages * BigInt(rng.int(108, 115))) / 100n) : estimate;
    };
    schedule.forEach(({ month, date }, i) => {
      let fen: bigint;
      if (p === LEAN_OWNER) {
        const needed = ledger.debitsBetween(accountNo, date, schedule[i + 1]?.date ?? addDays(lastDay, 1));
        fen = roundUpHundredYuan(needed > 0n ? needed : estimate / 20n);
      } else {
        fen = monthFen(month) + (p === LABOUR_SKIP && month === resumeMonth ? monthFen(skipMonth) : 0n);
      }
      allocateLabourCost(ledger, project, fen, date, 9 * 3600 + rng.int(0, 1800));
    });
  });
  for (const [p, { last, resumedOn }] of labourCases) {
    const project = projects[p] as SimProject;
    const dueDate = sameDayNextMonth(last);
    if (dueDate >= evalDay) continue;
    pending.push({
      rule: 'labour-cost-missing',
      c: {
        projectId: project.body.projectId,
        date: last,
        dueDate,
        ...(resumedOn
          ? {
              status: 'resolved' as const,
              resolvedOn: resumedOn,
              note: `no owner credit from ${last} (the cycle ended ${dueDate}) until ${resumedOn}, which pays both months (only a sweep inside the gap records it)`,
            }
          : {
              status: 'open' as const,
              note: `the owner's last labour-cost credit was on ${last}; the cycle ended ${dueDate}, nothing since`,
            }),
      },
    });
  }
}

/**
 * Balance short (rule 8): LEAN_OWNER's next pay date falls within 5 working days of the
 * evaluation; the sheet of the last day's month is not submitted, so the last payroll month's
 * sheet is the measure, and the account (last statement, nothing booked since) holds less.
 */
export function expectBalanceShort(
  city: Omit<AllocationCity, 'rng' | 'ledger' | 'lastDay' | 'skipMonth'> & {
    sheets: Map<string, SheetLine[]>;
  },
  statements: DemoCity['statements'],
): void {
  const { cal, projects, sheets, evalDay, lastMonth, resumeMonth, pending } = city;
  const project = projects[LEAN_OWNER] as SimProject;
  const id = project.body.projectId;
  const accountNo = project.body.wageAccount.accountNo;
  const latest = statements.filter((st) => st.body.accountNo === accountNo && st.body.date < evalDay).at(-1);
  const balance = parseYuan(latest?.body.closingBalance ?? '0');
  const owed = (sheets.get(`${id}|${resumeMonth}`) ?? []).reduce((sum, l) => sum + l.fen, 0n);
  const { due } = dueDateFor({ period: lastMonth, payDay: project.body.payDay, payMonthOffset: 1 }, cal);
  if (due >= evalDay && cal.addWorkingDays(due, -5) <= evalDay && balance < owed) {
    pending.push({
      rule: 'balance-short',
      c: {
        projectId: id,
        period: lastMonth,
        dueDate: due,
        amountDue: formatFen(owed),
        balance: formatFen(balance),
        status: 'open',
        note: `the wage account holds ${formatFen(balance)} (statement of ${latest?.body.date}) against the ${resumeMonth} payroll of ${formatFen(owed)}; the ${lastMonth} wages are due ${due} and the owner stopped allocating`,
      },
    });
  }
}

/** The same day next month (the last day of a shorter month): the end of an allocation cycle. */
function sameDayNextMonth(d: string): string {
  return dateInMonth(addMonths(periodOf(d), 1), Number(d.slice(8, 10)));
}
