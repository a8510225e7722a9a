/**
 * The demo city: ten projects of 攀枝花 over three months, every worker paid exactly the net pay
 * on time except for the deliberate breaches listed in README.md and returned in `expected`.
 */
import {
  addDays,
  addMonths,
  comparePeriods,
  dateInMonth,
  daysBetween,
  defaultCalendar,
  dueDateFor,
  firstDayOf,
  formatFen,
  isPeriod,
  isWeekend,
  minDate,
  parseYuan,
  periodOf,
} from '@wagewatch/domain';
import {
  allocateLabourCost,
  batchSeconds,
  Companies,
  makeProject,
  makeWorker,
  payWorker,
  roundUpHundredYuan,
  type SheetLine,
  type SimProject,
  type SimWorker,
  sheetLine,
} from './common.ts';
import { BANKS, CONTRACTORS, DISTRICTS, type District, OWNERS } from './data.ts';
import { Identities } from './identities.ts';
import { Ledger, type LedgerRecord, toTransferBody } from './ledger.ts';
import { Rng } from './prng.ts';
import {
  type DemoCity,
  type ExpectedCase,
  type ExpectedRule,
  emptyExpected,
  type PayrollBody,
  type Sector,
} from './types.ts';

export const DEFAULT_DEMO_MONTHS = ['2026-08', '2026-09', '2026-10'] as const;
export const DEFAULT_DEMO_SEED = 20_261_125;

const [DONG, XI, RENHE, MIYI, YANBIAN] = DISTRICTS;

type Spec = { name: string; district: District; sector: Sector; payDay: number };

/** Registration order. The comment names each project's deliberate role. */
const SPECS: Spec[] = [
  // 0: wages-missed (last month, 3 workers)
  { name: '攀枝花市东区炳草岗安置房项目', district: DONG, sector: 'housing', payDay: 10 },
  // 1: wages-late (first month, 3 workers, 3/7/12 days)
  { name: '攀枝花市西区格里坪片区道路改造工程', district: XI, sector: 'transport', payDay: 15 },
  // 2: wages-short (last month, 2 workers at 80%); pay day 5 falls in the National Day block
  { name: '攀枝花市仁和区金江水厂扩建工程', district: RENHE, sector: 'water', payDay: 5 },
  // 3: wrong-payee (the foreman's card, second month)
  { name: '攀枝花市东区大渡口棚户区改造项目', district: DONG, sector: 'housing', payDay: 20 },
  // 4: paid-outside-account (one worker also paid from project 5's account)
  { name: '米易县安宁河堤防综合整治工程', district: MIYI, sector: 'water', payDay: 25 },
  // 5: wrong-payee (pays project 4's worker); pay day 31: the last month is paid early
  { name: '盐边县新县城至桐子林大桥连接线工程', district: YANBIAN, sector: 'transport', payDay: 31 },
  // 6: payroll-unsigned (2 lines), a failed payment retried, the statement mismatch
  { name: '攀枝花市仁和区康养产业园配套学校项目', district: RENHE, sector: 'other', payDay: 10 },
  // 7: payroll-missing (second month)
  { name: '攀枝花市西区清香坪保障性住房项目', district: XI, sector: 'housing', payDay: 15 },
  // 8: feed gap around the second month's due date, all paid on time
  { name: '米易县攀莲镇老旧小区改造项目', district: MIYI, sector: 'housing', payDay: 20 },
  // 9: a payment returned, paid again after the due date (wages-late)
  { name: '攀枝花市东区攀钢片区雨污分流管网工程', district: DONG, sector: 'water', payDay: 25 },
];
const MISSED = 0;
const LATE = 1;
const SHORT = 2;
const WRONG_PAYEE = 3;
const OUTSIDE_VICTIM = 4;
const OUTSIDE_PAYER = 5;
const UNSIGNED = 6;
const PAYROLL_MISSING = 7;
const FEED_GAP = 8;
const RETURNED = 9;

const LATE_DAYS = [3, 7, 12];
const SHORT_PERCENT = 80n;
const FEE_FEN = 1_800n;

function checkMonths(months: readonly string[]): void {
  if (months.length < 2) throw new RangeError('the demo city needs at least two months');
  months.forEach((m, i) => {
    if (!isPeriod(m)) throw new RangeError(`not a period (YYYY-MM): ${m}`);
    const prev = months[i - 1];
    if (prev !== undefined && comparePeriods(addMonths(prev, 1), m) !== 0) {
      throw new RangeError('the months must be consecutive and in order');
    }
  });
}

type Pending = { rule: ExpectedRule; c: ExpectedCase; rec?: LedgerRecord };

export function generateDemoCity(options: { seed?: number; months?: string[] } = {}): DemoCity {
  const months = options.months ?? [...DEFAULT_DEMO_MONTHS];
  checkMonths(months);
  const rng = new Rng(options.seed ?? DEFAULT_DEMO_SEED);
  const ids = new Identities(rng);
  const companies = new Companies(ids);
  const ledger = new Ledger();
  const cal = defaultCalendar;
  const first = months[0] as string;
  const lastIdx = months.length - 1;
  const second = months[1] as string;
  const lastDay = dateInMonth(addMonths(months[lastIdx] as string, 1), 25);
  const expected = emptyExpected();
  const pending: Pending[] = [];
  type Base = { projectId: string; period: string; idNumber: string };
  const failures: Array<Base & { failed: LedgerRecord; retry: LedgerRecord }> = [];
  const returns: Array<Base & { original: LedgerRecord; back: LedgerRecord; repay: LedgerRecord }> = [];

  // Projects: permits and starts in the three months before the first payroll month.
  const projects: SimProject[] = SPECS.map((spec, i) => {
    const permitDate = addDays(firstDayOf(addMonths(first, -3)), rng.int(0, 80));
    const startDate = addDays(permitDate, rng.int(3, 10));
    return makeProject(rng, ids, companies, {
      projectId: `PZH-2026-${String(i + 1).padStart(3, '0')}`,
      name: spec.name,
      district: spec.district,
      sector: spec.sector,
      owner: rng.pick(OWNERS[spec.sector]),
      contractor: rng.pick(CONTRACTORS[spec.sector]),
      contractValueFen: BigInt(rng.int(2_000, 80_000)) * 100_000n,
      permitDate,
      startDate,
      plannedEndDate: dateInMonth(addMonths(first, rng.int(8, 28)), rng.int(1, 28)),
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
  const missed = new Set(pickRegulars(MISSED, 3));
  const late = pickRegulars(LATE, 3);
  const short = new Set(pickRegulars(SHORT, 2));
  const [outsider] = pickRegulars(OUTSIDE_VICTIM, 1);
  const [unsigned1, unsigned2, failedOnce] = pickRegulars(UNSIGNED, 3);
  const [returnedOnce] = pickRegulars(RETURNED, 1);
  const unsignedLines = new Map<string, SimWorker | undefined>([
    [months[0] as string, unsigned1],
    [second, unsigned2],
  ]);

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
        const signed = !(p === UNSIGNED && unsignedLines.get(period) === w);
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

  // Wage payments: one 代发 batch per project and month, on the due date or one or two working
  // days before it (a due date after the last day is paid early, before the last day).
  months.forEach((period, k) => {
    projects.forEach((project, p) => {
      const id = project.body.projectId;
      const lines = sheets.get(`${id}|${period}`);
      if (!lines) return; // no sheet (payroll-missing): nothing is paid for that month either
      const due = dues.get(`${id}|${period}`) as string;
      const lead = p === UNSIGNED && k === 0 ? 1 : rng.pick([0, 0, 1, 2]);
      const anchor = due <= lastDay ? due : cal.previousWorkingDayOnOrBefore(lastDay);
      const payDate = cal.addWorkingDays(anchor, -lead);
      const at = batchSeconds(rng, lines.length);
      lines.forEach(({ worker: w, fen }, i) => {
        const idNumber = w.body.idNumber;
        const base = { projectId: id, period, idNumber, dueDate: due, amountDue: formatFen(fen) };
        if (p === MISSED && k === lastIdx && missed.has(w)) {
          pending.push({ rule: 'wages-missed', c: { ...base, note: 'never paid for the month' } });
          return;
        }
        const lateIdx = p === LATE && k === 0 ? late.indexOf(w) : -1;
        if (lateIdx >= 0) {
          let paidOn = addDays(due, LATE_DAYS[lateIdx] ?? 3);
          if (paidOn > lastDay) paidOn = lastDay;
          const rec = payWorker(ledger, project, w, fen, paidOn, at(i));
          const daysLate = daysBetween(due, paidOn);
          pending.push({
            rule: 'wages-late',
            c: {
              ...base,
              amountPaid: formatFen(fen),
              paidOn,
              daysLate,
              note: `paid in full ${daysLate} days late`,
            },
            rec,
          });
          return;
        }
        if (p === SHORT && k === lastIdx && short.has(w)) {
          const paid = (fen * SHORT_PERCENT) / 100n;
          const rec = payWorker(ledger, project, w, paid, payDate, at(i));
          pending.push({
            rule: 'wages-short',
            c: {
              ...base,
              amountPaid: formatFen(paid),
              paidOn: payDate,
              note: `paid ${SHORT_PERCENT}% of the net pay`,
            },
            rec,
          });
          return;
        }
        if (p === UNSIGNED && k === 0 && w === failedOnce) {
          // Fails the working day before the due date, succeeds on the due date: on time, no finding.
          const failed = payWorker(ledger, project, w, fen, payDate, at(i), 'failed');
          const retry = payWorker(ledger, project, w, fen, due, 10 * 3600 + rng.int(0, 3599));
          failures.push({ projectId: id, period, idNumber, failed, retry });
          return;
        }
        if (p === RETURNED && k === 0 && w === returnedOnce) {
          // Booked on the due date, returned two working days later, paid again the next day:
          // the returned payment does not count, so the wages are late.
          const original = payWorker(ledger, project, w, fen, due, at(i));
          const returnedOn = cal.addWorkingDays(due, 2);
          const back = ledger.add({
            bankCode: project.bank.bankCode,
            accountNo: project.body.wageAccount.accountNo,
            direction: 'credit',
            fen,
            counterpartyAccountNo: w.body.accountNo,
            counterpartyName: w.body.name,
            date: returnedOn,
            second: 10 * 3600 + rng.int(0, 3599),
            status: 'returned',
            original,
            purpose: 'returned: beneficiary account frozen',
          });
          const paidOn = addDays(returnedOn, 1);
          const repay = payWorker(ledger, project, w, fen, paidOn, 14 * 3600 + rng.int(0, 3599));
          const daysLate = daysBetween(due, paidOn);
          pending.push({
            rule: 'wages-late',
            c: {
              ...base,
              amountPaid: formatFen(fen),
              paidOn,
              daysLate,
              note: `payment booked on the due date was returned on ${returnedOn}; paid again ${daysLate} days late`,
            },
            rec: repay,
          });
          returns.push({ projectId: id, period, idNumber, original, back, repay });
          return;
        }
        payWorker(ledger, project, w, fen, payDate, at(i));
        if (p === OUTSIDE_VICTIM && k === 1 && w === outsider) {
          // The worker of project 4 is also paid from project 5's wage account. Project 4 paid
          // him itself, on time, so its obligation is met: only the two payment-route findings
          // arise (wrong-payee on 5, paid-outside-account on 4), no wages-missed.
          const payer = projects[OUTSIDE_PAYER] as SimProject;
          const rec = payWorker(
            ledger,
            payer,
            { ...w, idOnTransfers: true },
            fen,
            payDate,
            15 * 3600 + rng.int(0, 1800),
          );
          pending.push({
            rule: 'wrong-payee',
            c: {
              projectId: payer.body.projectId,
              idNumber,
              amountPaid: formatFen(fen),
              paidOn: payDate,
              note: `debit from the wage account to a worker of ${id}, not of this project`,
            },
            rec,
          });
          pending.push({
            rule: 'paid-outside-account',
            c: {
              projectId: id,
              period,
              idNumber,
              amountPaid: formatFen(fen),
              paidOn: payDate,
              note: `wages paid from the wage account of ${payer.body.projectId}`,
            },
            rec,
          });
        }
      });
      if (p === WRONG_PAYEE && k === 1) {
        const foreman = ids.name(false);
        const fen = BigInt(rng.int(150, 250)) * 10_000n;
        const rec = ledger.add({
          bankCode: project.bank.bankCode,
          accountNo: project.body.wageAccount.accountNo,
          direction: 'debit',
          fen,
          counterpartyAccountNo: ids.card(BANKS[0]?.cardPrefix ?? '6222'),
          counterpartyName: `包工头 ${foreman}`,
          date: payDate,
          second: 16 * 3600 + rng.int(0, 1800),
          status: 'booked',
          purpose: 'wages',
        });
        pending.push({
          rule: 'wrong-payee',
          c: {
            projectId: id,
            amountPaid: formatFen(fen),
            paidOn: payDate,
            note: `debit to the personal card of the foreman ${foreman}, who is no registered worker`,
          },
          rec,
        });
      }
    });
  });

  // Feed gap: the bank of project 8 sends no statement from three days before to two days after
  // its second month's due date. Every payment of that project is on time.
  {
    const project = projects[FEED_GAP] as SimProject;
    const id = project.body.projectId;
    const due = dues.get(`${id}|${second}`) as string;
    const from = addDays(due, -3);
    const to = minDate(addDays(due, 2), lastDay);
    ledger.skipStatements(project.body.wageAccount.accountNo, from, to);
    const dueDatesInside = months
      .map((period) => ({ period, due: dues.get(`${id}|${period}`) as string }))
      .filter((d) => d.due >= from && d.due <= to);
    expected.feedGaps.push({
      projectId: id,
      bankCode: project.bank.bankCode,
      accountNo: project.body.wageAccount.accountNo,
      from,
      to,
      dueDatesInside,
    });
    pending.push({
      rule: 'feed-incomplete',
      c: {
        projectId: id,
        bankCode: project.bank.bankCode,
        accountNo: project.body.wageAccount.accountNo,
        date: from,
        note: `no statements from ${from} to ${to} (covers the due date ${due})`,
      },
    });
  }

  // Statement mismatch: project 6's bank books an account fee on the 21st of the second month
  // (or the next working day), counts it in the statement, but never sends the record.
  const mismatchDate = cal.nextWorkingDayOnOrAfter(dateInMonth(second, 21));
  const fee = (() => {
    const project = projects[UNSIGNED] as SimProject;
    return ledger.add({
      bankCode: project.bank.bankCode,
      accountNo: project.body.wageAccount.accountNo,
      direction: 'debit',
      fen: FEE_FEN,
      counterpartyAccountNo: ids.account(`${project.bank.accountPrefix}99`, 19),
      counterpartyName: `${project.bank.name} 手续费收入`,
      date: mismatchDate,
      second: 17 * 3600 + 1800,
      status: 'booked',
      purpose: 'account fee',
      omitted: true,
    });
  })();

  // Owner allocations: one labour-cost credit each month from the project's start, a bit more
  // than the month's wage debits (or an estimate before the first payroll is paid).
  for (const project of projects) {
    const byMonth = ledger.bookedDebitsByMonth(project.body.wageAccount.accountNo);
    const estimate = roundUpHundredYuan(BigInt(project.workers.length) * 770_000n);
    const startMonth = periodOf(project.body.startDate);
    for (let month = startMonth; month <= periodOf(lastDay); month = addMonths(month, 1)) {
      const date = cal.nextWorkingDayOnOrAfter(
        month === startMonth ? project.body.startDate : firstDayOf(month),
      );
      if (date > lastDay) continue;
      const wages = byMonth.get(month) ?? 0n;
      const fen = wages > 0n ? roundUpHundredYuan((wages * BigInt(rng.int(108, 115))) / 100n) : estimate;
      allocateLabourCost(ledger, project, fen, date, 9 * 3600 + rng.int(0, 1800));
    }
  }

  const { transfers, statements } = ledger.finalize(lastDay);

  {
    const project = projects[UNSIGNED] as SimProject;
    const accountNo = project.body.wageAccount.accountNo;
    const stated = statements.find((s) => s.body.accountNo === accountNo && s.body.date === mismatchDate);
    const statedFen = parseYuan(stated?.body.debitTotal ?? '0');
    expected.statementMismatches.push({
      projectId: project.body.projectId,
      bankCode: project.bank.bankCode,
      accountNo,
      date: mismatchDate,
      omittedRecord: toTransferBody(fee),
      debitTotalStated: formatFen(statedFen),
      debitTotalOfRecordsSent: formatFen(statedFen - FEE_FEN),
    });
    pending.push({
      rule: 'feed-incomplete',
      c: {
        projectId: project.body.projectId,
        bankCode: project.bank.bankCode,
        accountNo,
        date: mismatchDate,
        note: `statement of ${mismatchDate} counts a ${formatFen(FEE_FEN)} fee whose record was never sent`,
      },
    });
  }

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
    lastDay,
    expected,
  };
}
