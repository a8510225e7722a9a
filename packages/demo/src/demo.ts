/**
 * The demo city: ten projects of 攀枝花 over three months, every worker paid exactly the net pay
 * on time except for the deliberate breaches listed in README.md and returned in `expected`.
 */
import {
  addDays,
  addMonths,
  dateInMonth,
  defaultCalendar,
  dueDateFor,
  firstDayOf,
  isWeekend,
  periodOf,
} from '@wagewatch/domain';
import { allocateOwnerCredits, expectBalanceShort } from './allocations.ts';
import { withWeekendFallback } from './calendar.ts';
import {
  Companies,
  makeProject,
  makeWorker,
  type SheetLine,
  type SimProject,
  type SimWorker,
  sheetLine,
} from './common.ts';
import { BANKS, CONTRACTORS, MORE_CONTRACTORS, OWNERS } from './data.ts';
import { makeDeposits } from './deposits.ts';
import { bookOmittedFee, expectStatementMismatch, plantFeedGap } from './feed.ts';
import { Identities } from './identities.ts';
import { Ledger } from './ledger.ts';
import { Rng } from './prng.ts';
import {
  ARREARS,
  checkMonths,
  EXEMPT_BELOW_FEN,
  GUARANTEE_EXPIRING,
  LATE,
  MISSED,
  NOT_EXEMPT,
  OUTSIDE_VICTIM,
  PAYROLL_MISSING,
  type Pending,
  RETURNED,
  SHORT,
  SHORT_PAIR,
  SPECS,
  UNSIGNED,
} from './roles.ts';
import { type DemoCity, emptyExpected, type PayrollBody } from './types.ts';
import { expectArrearsGrowing, type FailedPayment, payWages, type ReturnedPayment } from './wages.ts';

export const DEFAULT_DEMO_MONTHS = ['2026-08', '2026-09', '2026-10'] as const;
export const DEFAULT_DEMO_SEED = 20_261_125;

export function generateDemoCity(options: { seed?: number; months?: string[] } = {}): DemoCity {
  const months = options.months ?? [...DEFAULT_DEMO_MONTHS];
  checkMonths(months);
  const rng = new Rng(options.seed ?? DEFAULT_DEMO_SEED);
  const ids = new Identities(rng);
  const companies = new Companies(ids);
  const ledger = new Ledger();
  const cal = withWeekendFallback(defaultCalendar);
  const first = months[0] as string;
  const lastIdx = months.length - 1;
  const second = months[1] as string;
  const lastDay = dateInMonth(addMonths(months[lastIdx] as string, 1), 25);
  /** The instant the expectations of rules 7-13 are stated for. */
  const evalDay = addDays(lastDay, 4);
  const expected = emptyExpected(`${evalDay}T10:00:00+08:00`);
  const pending: Pending[] = [];
  const failures: FailedPayment[] = [];
  const returns: ReturnedPayment[] = [];

  // Projects: permits and starts in the three months before the first payroll month. Each has a
  // contractor of its own, except the deliberate pair (SHORT_PAIR builds for ARREARS's contractor,
  // in another district, so no same-area floor applies).
  const contractorNames: string[] = [];
  // GUARANTEE_EXPIRING's contract ends 16 days after the evaluation (the date is still drawn, so
  // the seed's sequence is unchanged): its guarantee, valid one year to that day, is cover
  // (DOMAIN.md: at least a year and no shorter than the contract term) about to expire.
  const plannedEnd = (i: number, drawn: string) => (i === GUARANTEE_EXPIRING ? addDays(evalDay, 16) : drawn);
  const projects: SimProject[] = SPECS.map((spec, i) => {
    const permitDate = addDays(firstDayOf(addMonths(first, -3)), rng.int(0, 80));
    const startDate = addDays(permitDate, rng.int(3, 10));
    const owner = rng.pick(OWNERS[spec.sector]);
    const picked = rng.pick(CONTRACTORS[spec.sector]);
    const contractor =
      i === SHORT_PAIR
        ? (contractorNames[ARREARS] as string)
        : ([picked, ...CONTRACTORS[spec.sector], ...MORE_CONTRACTORS[spec.sector]].find(
            (n) => !contractorNames.includes(n),
          ) ?? picked);
    contractorNames.push(contractor);
    let contractValueFen = BigInt(rng.int(2_000, 80_000)) * 100_000n;
    if (NOT_EXEMPT.has(i) && contractValueFen < EXEMPT_BELOW_FEN) contractValueFen += EXEMPT_BELOW_FEN;
    return makeProject(rng, ids, companies, {
      projectId: `PZH-2026-${String(i + 1).padStart(3, '0')}`,
      name: spec.name,
      district: spec.district,
      sector: spec.sector,
      owner,
      contractor,
      contractValueFen,
      permitDate,
      startDate,
      plannedEndDate: plannedEnd(i, dateInMonth(addMonths(first, rng.int(8, 28)), rng.int(1, 28))),
      payDay: spec.payDay,
      bank: BANKS[i % BANKS.length] ?? BANKS[0]!,
      subcontractorCount: rng.int(2, 3),
    });
  });
  for (const p of projects)
    ledger.openAccount(p.body.wageAccount.accountNo, p.bank.bankCode, p.body.startDate);

  // Workers. Regular workers start in the first days of the first month (nobody is active
  // before it, so no earlier sheet is owed); joiners start mid-way through the second month;
  // leavers leave mid-month before the last month and appear on no later sheet.
  const regulars = new Map<SimProject, SimWorker[]>();
  for (const project of projects) {
    const count = rng.int(20, 60);
    const joiners = rng.int(1, 2);
    const leavers = rng.int(1, 2);
    const kinds = rng.shuffled([
      ...Array<'regular'>(count - joiners - leavers).fill('regular'),
      ...Array<'joiner'>(joiners).fill('joiner'),
      ...Array<'leaver'>(leavers).fill('leaver'),
    ]);
    const regular: SimWorker[] = [];
    for (const kind of kinds) {
      if (kind === 'joiner') {
        project.workers.push(makeWorker(rng, ids, project, dateInMonth(second, rng.int(8, 18))));
        continue;
      }
      const enrolledOn = dateInMonth(first, rng.int(1, 5));
      if (kind === 'leaver') {
        const leftOn = dateInMonth(months[rng.int(0, lastIdx - 1)] as string, rng.int(8, 20));
        project.workers.push(makeWorker(rng, ids, project, enrolledOn, leftOn));
        continue;
      }
      const w = makeWorker(rng, ids, project, enrolledOn);
      project.workers.push(w);
      regular.push(w);
    }
    regulars.set(project, regular);
  }
  const pickRegulars = (p: number, n: number): SimWorker[] =>
    rng.shuffled(regulars.get(projects[p] as SimProject) ?? []).slice(0, n);
  const [m1, m2, m3, arrearsWorker] = pickRegulars(MISSED, 4);
  const missed = new Set([m1, m2, m3]);
  const late = pickRegulars(LATE, 3);
  const short = new Set(pickRegulars(SHORT, 2));
  const [outsider] = pickRegulars(OUTSIDE_VICTIM, 1);
  const [unsigned1, unsigned2, failedOnce] = pickRegulars(UNSIGNED, 3);
  const [returnedOnce] = pickRegulars(RETURNED, 1);
  const unsignedLines = new Map<string, SimWorker | undefined>([
    [months[0] as string, unsigned1],
    [second, unsigned2],
  ]);
  // One unsigned line in project 1's last month (due Friday 11-13): its case is the demo's case
  // at the ladder's warning step (day 10 on 11-27, day 15 on 12-04). Chosen without a random
  // draw, so the rest of the city is unchanged.
  const finalMonth = months[months.length - 1] as string;
  const lateUnsigned = (regulars.get(projects[LATE] as SimProject) ?? []).find((w) => !late.includes(w));

  // Payroll sheets.
  const payrolls: DemoCity['payrolls'] = [];
  const sheets = new Map<string, SheetLine[]>();
  months.forEach((period, k) => {
    projects.forEach((project, p) => {
      const id = project.body.projectId;
      if (p === PAYROLL_MISSING && k === 1) {
        pending.push({
          rule: 'payroll-missing',
          c: { projectId: id, period, note: 'workers registered and active, no sheet submitted' },
        });
        return;
      }
      const lines: SheetLine[] = [];
      for (const w of project.workers) {
        const signed =
          !(p === UNSIGNED && unsignedLines.get(period) === w) &&
          !(p === LATE && period === finalMonth && w === lateUnsigned);
        const line = sheetLine(rng, w, period, signed);
        if (!line) continue;
        lines.push(line);
        if (!signed) {
          pending.push({
            rule: 'payroll-unsigned',
            c: { projectId: id, period, idNumber: w.body.idNumber, note: 'line not signed by the worker' },
          });
        }
      }
      sheets.set(`${id}|${period}`, lines);
      const body: PayrollBody = { period, lines: lines.map((l) => l.line) };
      payrolls.push({ projectId: id, body });
    });
  });

  // Due dates.
  const dues = new Map<string, string>();
  for (const period of months) {
    for (const project of projects) {
      const d = dueDateFor({ period, payDay: project.body.payDay, payMonthOffset: 1 }, cal);
      dues.set(`${project.body.projectId}|${period}`, d.due);
      const shifted = d.due !== d.nominal;
      const reason = shifted
        ? (cal.holidayName(d.nominal) ?? 'rest day')
        : isWeekend(d.nominal)
          ? 'make-up working day (调休): not moved'
          : undefined;
      expected.dueDates.push({
        projectId: project.body.projectId,
        period,
        nominal: d.nominal,
        due: d.due,
        shifted,
        ...(reason ? { reason } : {}),
      });
    }
  }

  // Wage payments and their breaches (wages.ts).
  const arrearsOwed = payWages({
    rng,
    ids,
    cal,
    ledger,
    projects,
    months,
    sheets,
    dues,
    lastDay,
    pending,
    failures,
    returns,
    picks: { arrearsWorker, missed, late, short, failedOnce, returnedOnce, outsider },
  });

  // Feed gap and statement mismatch (feed.ts).
  plantFeedGap({ ledger, projects, months, dues, lastDay, expected, pending });
  const fee = bookOmittedFee({ ledger, projects, months }, cal, ids);

  const lastMonth = periodOf(lastDay);
  const skipMonth = months[lastIdx - 1] as string;
  const resumeMonth = months[lastIdx] as string;
  allocateOwnerCredits({
    rng,
    cal,
    ledger,
    projects,
    lastDay,
    evalDay,
    lastMonth,
    skipMonth,
    resumeMonth,
    pending,
  });

  const { transfers, statements } = ledger.finalize(lastDay);
  expectStatementMismatch({ projects, expected, pending }, statements, fee);

  expectBalanceShort({ cal, projects, sheets, evalDay, lastMonth, resumeMonth, pending }, statements);

  expectArrearsGrowing(projects, arrearsOwed, pending);

  const deposits = makeDeposits({ rng, cal, projects, dues, skipMonth, lastDay, evalDay, expected, pending });

  for (const { rule, c, rec } of pending) {
    expected.byRule[rule].push(rec ? { ...c, bankRef: rec.ref } : c);
  }
  expected.failedPayments = failures.map(({ failed, retry, ...f }) => ({
    ...f,
    failedBankRef: failed.ref,
    retryBankRef: retry.ref,
  }));
  expected.returnedPayments = returns.map(({ original, back, repay, ...r }) => ({
    ...r,
    originalBankRef: original.ref,
    returnBankRef: back.ref,
    repaymentBankRef: repay.ref,
  }));

  return {
    banks: BANKS.map(({ bankCode, name }) => ({ bankCode, name })),
    projects: projects.map((p) => p.body),
    workers: projects.map((p) => ({
      projectId: p.body.projectId,
      body: { workers: p.workers.map((w) => w.body) },
    })),
    payrolls,
    transfers,
    statements,
    deposits,
    lastDay,
    expected,
  };
}
