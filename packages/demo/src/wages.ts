/**
 * The demo city's wage payments: one 代发 batch per project and month, every line paid its net
 * pay on time, except the breaches of the roles (roles.ts): wages-missed, arrears-growing,
 * wages-late (paid late, or returned and paid again), wages-short, a failed payment retried in
 * time, paid-outside-account and wrong-payee. Called by generateDemoCity in its drawing order.
 */
import { addDays, daysBetween, formatFen, type WorkingDayCalendar } from '@wagewatch/domain';
import { batchSeconds, payWorker, type SheetLine, type SimProject, type SimWorker } from './common.ts';
import { BANKS } from './data.ts';
import type { Identities } from './identities.ts';
import type { Ledger, LedgerRecord } from './ledger.ts';
import type { Rng } from './prng.ts';
import {
  ARREARS,
  LATE,
  LATE_DAYS,
  MISSED,
  OUTSIDE_PAYER,
  OUTSIDE_VICTIM,
  type Pending,
  RETURNED,
  SHORT,
  SHORT_PERCENT,
  UNSIGNED,
  WRONG_PAYEE,
} from './roles.ts';

type Base = { projectId: string; period: string; idNumber: string };
export type FailedPayment = Base & { failed: LedgerRecord; retry: LedgerRecord };
export type ReturnedPayment = Base & { original: LedgerRecord; back: LedgerRecord; repay: LedgerRecord };

type WagesCity = {
  rng: Rng;
  ids: Identities;
  cal: WorkingDayCalendar;
  ledger: Ledger;
  projects: SimProject[];
  months: readonly string[];
  /** The sheets' lines by `projectId|period`. */
  sheets: Map<string, SheetLine[]>;
  /** Due dates by `projectId|period`. */
  dues: Map<string, string>;
  lastDay: string;
  pending: Pending[];
  failures: FailedPayment[];
  returns: ReturnedPayment[];
  /** The workers the breaches fall on, drawn with the registry. */
  picks: {
    arrearsWorker: SimWorker | undefined;
    missed: Set<SimWorker | undefined>;
    late: SimWorker[];
    short: Set<SimWorker>;
    failedOnce: SimWorker | undefined;
    returnedOnce: SimWorker | undefined;
    outsider: SimWorker | undefined;
  };
};

/**

 * Returns what ARREARS's fourth worker is owed, by ID (rule 9's arrears).
 */
export function payWages(city: WagesCity): Map<string, { fen: bigint; periods: string[] }> {
  const { rng, ids, cal, ledger, projects, months, sheets, dues, lastDay, pending, failures, returns } = city;
  const { arrearsWorker, missed, late, short, failedOnce, returnedOnce, outsider } = city.picks;
  const lastIdx = months.length - 1;
  const arrearsOwed = new Map<string, { fen: bigint; periods: string[] }>();

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
        if (p === ARREARS && k >= lastIdx - 1 && w === arrearsWorker) {
          pending.push({
            rule: 'wages-missed',
            c: { ...base, note: 'never paid for the month (the same worker is unpaid for two months)' },
          });
          const owed = arrearsOwed.get(idNumber) ?? { fen: 0n, periods: [] as string[] };
          owed.fen += fen;
          owed.periods.push(period);
          arrearsOwed.set(idNumber, owed);
          return;
        }
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
  return arrearsOwed;
}

/**
 * Arrears growing (rule 9): ARREARS's fourth worker is on the last two sheets and never paid.
 */
export function expectArrearsGrowing(
  projects: SimProject[],
  arrearsOwed: Map<string, { fen: bigint; periods: string[] }>,
  pending: Pending[],
): void {
  for (const [idNumber, { fen, periods }] of arrearsOwed) {
    if (periods.length < 2) continue;
    pending.push({
      rule: 'arrears-growing',
      c: {
        projectId: (projects[ARREARS] as SimProject).body.projectId,
        period: periods.at(-1) as string,
        idNumber,
        amountDue: formatFen(fen),
        status: 'open',
        note: `unpaid for ${periods.length} months (${periods.join(', ')}), below the criminal threshold (3 months)`,
      },
    });
  }
}
