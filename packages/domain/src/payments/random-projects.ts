/**
 * Generated projects for property tests (closing-months.property.unit.test.ts): a year or so of
 * a project's feeds with what goes wrong in practice — payments late, short, missed, split,
 * returned, to a stranger's card; sheets missing, unsigned, raised after the due date (sometimes
 * months later); statements missing, disagreeing or arriving weeks late; transfers reported late;
 * owner credits skipped; a worker registered late. Each record carries the instant it reaches the
 * ledger, so a test can replay the project at a sequence of instants. Seeded: the same seed gives
 * the same project. No I/O, no clock.
 */
import { dueDateFor, type WorkingDayCalendar } from '../calendar.ts';
import {
  addDays,
  addMonths,
  dateInMonth,
  endOfShanghaiDay,
  type LocalDate,
  lastDayOf,
  type Period,
  shanghaiDate,
  startOfShanghaiDay,
} from '../dates.ts';
import type { ProjectChange } from './closing-months.ts';
import type { PayrollSheet, ProjectState, RegisteredWorker, Statement, Transfer } from './model.ts';
import { CONTRACTOR, projectTerms, worker } from './testing.ts';

/** A small seeded generator (mulberry32): tests must replay the same project from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type TimedRecord =
  | { arrivesAt: Date; kind: 'workers'; workers: RegisteredWorker[] }
  | { arrivesAt: Date; kind: 'sheet'; sheet: PayrollSheet }
  | { arrivesAt: Date; kind: 'transfer'; transfer: Transfer }
  | { arrivesAt: Date; kind: 'statement'; statement: Statement };

export type GeneratedProject = { base: ProjectState; records: TimedRecord[]; months: Period[] };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function generateProject(
  seed: number,
  calendar: WorkingDayCalendar,
  options: { first?: Period; months?: number } = {},
): GeneratedProject {
  const rnd = seededRandom(seed);
  const chance = (p: number) => rnd() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const first = options.first ?? '2025-01';
  const monthCount = options.months ?? 12;
  const payMonthOffset = chance(0.8) ? 1 : 0;
  const payDay = payMonthOffset === 1 ? int(5, 20) : int(25, 28);
  const owner = { name: '江城城投集团', creditCode: CONTRACTOR.creditCode, accountNo: '4402000000000000888' };
  const project = projectTerms({
    projectId: `P-GEN-${seed}`,
    owner,
    payDay,
    payMonthOffset,
    startDate: `${first}-01`,
  });
  const startAt = startOfShanghaiDay(project.startDate);
  const base: ProjectState = {
    project,
    workers: [],
    sheets: [],
    transfers: [],
    statements: [],
    outsidePayments: [],
  };
  const records: TimedRecord[] = [];
  const workers = Array.from({ length: int(2, 3) }, (_, i) =>
    worker(i + 1, `工人${i + 1}`, { enrolledOn: project.startDate }),
  );
  records.push({ arrivesAt: startAt, kind: 'workers', workers });
  const months = Array.from({ length: monthCount }, (_, i) => addMonths(first, i));
  // A worker who joins half-way, registered late (a change the closed months must not miss).
  const late = chance(0.4)
    ? worker(7, '后来者', { enrolledOn: `${months[int(3, monthCount - 3)]!}-10` })
    : undefined;
  if (late) {
    const arrivesAt = new Date(startOfShanghaiDay(late.enrolledOn).getTime() + int(0, 60) * DAY);
    records.push({ arrivesAt, kind: 'workers', workers: [late] });
  }
  let ref = 0;
  const transfers: { t: Transfer; arrivesAt: Date }[] = [];
  const report = (t: Omit<Transfer, 'bankRef' | 'evidence' | 'accountNo'>, lateReport = chance(0.03)) => {
    ref += 1;
    const bankRef = `G${seed}-${ref}`;
    const transfer: Transfer = { ...t, bankRef, accountNo: project.accountNo, evidence: `bank:${bankRef}` };
    const delay = lateReport ? int(10, 70) * DAY : int(1, 20) * HOUR;
    transfers.push({ t: transfer, arrivesAt: new Date(t.bookedAt.getTime() + delay) });
    return transfer;
  };
  const at = (d: LocalDate, hour = int(9, 17)) => new Date(startOfShanghaiDay(d).getTime() + hour * HOUR);
  const pay = (w: RegisteredWorker, amount: bigint, d: LocalDate) =>
    report({
      direction: 'debit',
      amount,
      counterpartyAccountNo: w.accountNo,
      counterpartyName: w.name,
      ...(chance(0.5) ? { counterpartyIdNumber: w.idNumber } : {}),
      bookedAt: at(d),
      status: 'booked',
      purpose: '工资',
    });
  const dueDays: LocalDate[] = [];
  for (const [i, period] of months.entries()) {
    const { due } = dueDateFor({ period, payDay, payMonthOffset }, calendar);
    dueDays.push(due);
    // The owner's labour-cost credit early in the month, sometimes skipped (rule 7).
    if (!chance(0.15))
      report({
        direction: 'credit',
        amount: BigInt(int(20, 40)) * 1_000_000n,
        counterpartyAccountNo: owner.accountNo,
        counterpartyName: owner.name,
        bookedAt: at(dateInMonth(period, int(1, 8))),
        status: 'booked',
        ...(chance(0.5) ? { purpose: 'labour-cost' } : {}),
      });
    const active = [...workers, ...(late && late.enrolledOn <= lastDayOf(period) ? [late] : [])];
    const lines = active.map((w) => ({
      idNumber: w.idNumber,
      name: w.name,
      amountDue: BigInt(int(3000, 9000)) * 100n,
      signed: !chance(0.05),
    }));
    const missing = chance(0.06);
    const sheetAt = chance(0.1) ? at(addDays(due, int(1, 5))) : at(addDays(due, -int(2, 9)));
    const sheetId = `S-${seed}-${period}`;
    if (!missing) {
      const v1: PayrollSheet = {
        period,
        sheetId,
        version: 1,
        submittedAt: sheetAt,
        evidence: [`sheet:${sheetId}:v1`],
        lines,
      };
      records.push({ arrivesAt: sheetAt, kind: 'sheet', sheet: v1 });
      // A raise after the due date (takes effect at once, paid only from leftovers); sometimes months late.
      if (chance(0.12)) {
        const raisedAt = at(addDays(due, chance(0.3) ? int(40, 120) : int(2, 15)));
        const raisedLines = lines.map((l, j) => (j === 0 ? { ...l, amountDue: l.amountDue + 50_000n } : l));
        const v2: PayrollSheet = {
          ...v1,
          sheetId: `${sheetId}-v2`,
          version: 2,
          submittedAt: raisedAt,
          evidence: [`sheet:${sheetId}:v2`],
          lines: raisedLines,
          earlierVersions: [
            {
              version: 1,
              effectiveAt: sheetAt,
              lines: lines.map((l) => ({ idNumber: l.idNumber, amountDue: l.amountDue })),
            },
          ],
        };
        records.push({ arrivesAt: raisedAt, kind: 'sheet', sheet: v2 });
        if (chance(0.7))
          pay(active[0]!, 50_000n, addDays(raisedAt < at(due) ? due : shanghaiDate(raisedAt), 1));
      }
    }
    // Payments of the month's lines.
    for (const [j, w] of active.entries()) {
      const amount = lines[j]!.amountDue;
      const r = rnd();
      if (r < 0.7) pay(w, amount, addDays(due, -int(0, 3)));
      else if (r < 0.8) pay(w, amount, addDays(due, int(1, 20)));
      else if (r < 0.86) {
        pay(w, amount / 2n, addDays(due, -1));
        pay(w, amount - amount / 2n, addDays(due, chance(0.5) ? 0 : int(1, 30)));
      } else if (r < 0.9) {
        pay(w, (amount * 4n) / 5n, due); // short, the rest never
      } else if (r < 0.93) {
        if (chance(0.5)) pay(w, amount, addDays(due, int(35, 90))); // missed, paid months later
      } else if (r < 0.96) {
        const first = pay(w, amount, addDays(due, -1));
        const back = at(addDays(due, 1));
        report({
          ...first,
          direction: 'credit',
          status: 'returned',
          originalBankRef: first.bankRef,
          bookedAt: back,
        });
        pay(w, amount, addDays(due, int(2, 6)));
      } else {
        pay(w, amount, addDays(due, -2));
        // A debit to a card nobody registered (wrong payee).
        report({
          direction: 'debit',
          amount: 10_000n,
          counterpartyAccountNo: '9558800000000000001',
          counterpartyName: 'payee',
          bookedAt: at(addDays(due, -2)),
          status: 'booked',
        });
      }
    }
    if (i === 0 && chance(0.3))
      report({
        direction: 'debit',
        amount: 1_000n,
        counterpartyAccountNo: 'BANK-FEES',
        counterpartyName: 'bank',
        bookedAt: at(dateInMonth(period, 20)),
        status: 'booked',
        purpose: 'bank-fee',
      });
  }
  for (const { t, arrivesAt } of transfers) records.push({ arrivesAt, kind: 'transfer', transfer: t });
  // End-of-day statements: every day with movements and every due date, running balance; some missing,
  // some disagreeing, some weeks late.
  const byDay = new Map<LocalDate, Transfer[]>();
  for (const { t } of transfers) {
    if (t.status === 'failed') continue;
    const d = shanghaiDate(t.bookedAt);
    byDay.set(d, [...(byDay.get(d) ?? []), t]);
  }
  const days = [...new Set([...byDay.keys(), ...dueDays])].sort();
  let balance = 0n;
  for (const d of days) {
    const moves = byDay.get(d) ?? [];
    const debits = moves.filter((t) => t.direction === 'debit');
    const credits = moves.filter((t) => t.direction === 'credit');
    const sum = (ts: Transfer[]) => ts.reduce((s, t) => s + t.amount, 0n);
    const opening = balance;
    balance = balance + sum(credits) - sum(debits);
    if (chance(0.03)) continue;
    const wrong = chance(0.02);
    const statement: Statement = {
      date: d,
      openingBalance: opening,
      closingBalance: balance,
      debitCount: debits.length + (wrong ? 1 : 0),
      debitTotal: sum(debits),
      creditCount: credits.length,
      creditTotal: sum(credits),
      receivedAt: new Date(endOfShanghaiDay(d).getTime() + 6 * HOUR),
      evidence: `statement:${project.accountNo}:${d}`,
    };
    const arrivesAt = chance(0.03)
      ? new Date(statement.receivedAt.getTime() + int(10, 60) * DAY)
      : statement.receivedAt;
    records.push({ arrivesAt, kind: 'statement', statement: { ...statement, receivedAt: arrivesAt } });
  }
  records.sort((a, b) => a.arrivesAt.getTime() - b.arrivesAt.getTime());
  return { base, records, months };
}

/** The project as the ledger knows it at `t`: every record arrived by then (a later sheet version replaces its month's). */
export function stateAt(g: GeneratedProject, t: Date): ProjectState {
  const state: ProjectState = structuredClone(g.base);
  const sheets = new Map<Period, PayrollSheet>();
  for (const r of g.records) {
    if (r.arrivesAt > t) break;
    switch (r.kind) {
      case 'workers':
        state.workers.push(...r.workers);
        break;
      case 'sheet':
        sheets.set(r.sheet.period, r.sheet);
        break;
      case 'transfer':
        state.transfers.push(r.transfer);
        break;
      case 'statement':
        state.statements.push(r.statement);
        break;
      default: {
        const never: never = r;
        throw new Error(`unhandled record ${(never as TimedRecord).kind}`);
      }
    }
  }
  state.sheets = [...sheets.values()];
  return state;
}

/** What a record changes, as the summary of closed months judges it. */
export function changeOf(r: TimedRecord): ProjectChange {
  switch (r.kind) {
    case 'workers':
      return { kind: 'workers' };
    case 'sheet':
      return { kind: 'sheet', period: r.sheet.period };
    case 'transfer':
      return {
        kind: 'transfer',
        bookedAt: r.transfer.bookedAt,
        ...(r.transfer.originalBankRef ? { originalBankRef: r.transfer.originalBankRef } : {}),
      };
    case 'statement':
      return { kind: 'statement', date: r.statement.date };
    default: {
      const never: never = r;
      throw new Error(`unhandled record ${(never as TimedRecord).kind}`);
    }
  }
}
