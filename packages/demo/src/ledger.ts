/**
 * The wage accounts' movements as the banks see them, turned into the two feeds: transfer
 * records (batches of at most 500 per bank) and end-of-day statements that reconcile with them.
 */
import { addDays, formatFen, minDate } from '@wagewatch/domain';
import { BANKS } from './data.ts';
import type { StatementBody, TransferBody } from './types.ts';

export const TRANSFER_BATCH_SIZE = 500;

export type LedgerRecord = {
  seq: number;
  bankCode: string;
  accountNo: string;
  direction: 'debit' | 'credit';
  fen: bigint;
  counterpartyAccountNo: string;
  counterpartyName: string;
  counterpartyIdNumber?: string;
  /** Asia/Shanghai date and second of the day of the booking. */
  date: string;
  second: number;
  status: 'booked' | 'failed' | 'returned';
  original?: LedgerRecord;
  purpose?: string;
  /** Booked and counted in the statement, but never sent as a record (a deliberate mismatch). */
  omitted: boolean;
  /** Assigned by `finalize`, in booking order. */
  ref: string;
};

export type NewRecord = Omit<LedgerRecord, 'seq' | 'ref' | 'omitted'> & { omitted?: boolean };

type Account = { accountNo: string; bankCode: string; from: string };

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function bookedAt(date: string, second: number): string {
  const h = Math.floor(second / 3600);
  const m = Math.floor((second % 3600) / 60);
  const s = second % 60;
  return `${date}T${pad2(h)}:${pad2(m)}:${pad2(s)}+08:00`;
}

export function toTransferBody(r: LedgerRecord): TransferBody {
  return {
    bankRef: r.ref,
    accountNo: r.accountNo,
    direction: r.direction,
    amount: formatFen(r.fen),
    counterpartyAccountNo: r.counterpartyAccountNo,
    counterpartyName: r.counterpartyName,
    ...(r.counterpartyIdNumber ? { counterpartyIdNumber: r.counterpartyIdNumber } : {}),
    bookedAt: bookedAt(r.date, r.second),
    status: r.status,
    ...(r.original ? { originalBankRef: r.original.ref } : {}),
    ...(r.purpose ? { purpose: r.purpose } : {}),
  };
}

type DayTotals = { debitCount: number; debitFen: bigint; creditCount: number; creditFen: bigint };

export class Ledger {
  private readonly accounts: Account[] = [];
  private readonly records: LedgerRecord[] = [];
  private readonly gaps = new Map<string, Array<{ from: string; to: string }>>();

  openAccount(accountNo: string, bankCode: string, from: string): void {
    this.accounts.push({ accountNo, bankCode, from });
  }

  add(r: NewRecord): LedgerRecord {
    const rec: LedgerRecord = { ...r, omitted: r.omitted ?? false, seq: this.records.length, ref: '' };
    this.records.push(rec);
    return rec;
  }

  /** The bank sends no statement for these days (both included). */
  skipStatements(accountNo: string, from: string, to: string): void {
    const list = this.gaps.get(accountNo) ?? [];
    list.push({ from, to });
    this.gaps.set(accountNo, list);
  }

  /** Wage debits booked (not failed) on this account, by month 'YYYY-MM'. */
  bookedDebitsByMonth(accountNo: string): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const r of this.records) {
      if (r.accountNo !== accountNo || r.direction !== 'debit' || r.status === 'failed') continue;
      const month = r.date.slice(0, 7);
      out.set(month, (out.get(month) ?? 0n) + r.fen);
    }
    return out;
  }

  /** Debits booked or returned (not failed) on this account from `from` up to, not including, `until`. */
  debitsBetween(accountNo: string, from: string, until: string): bigint {
    let sum = 0n;
    for (const r of this.records) {
      if (r.accountNo !== accountNo || r.direction !== 'debit' || r.status === 'failed') continue;
      if (r.date >= from && r.date < until) sum += r.fen;
    }
    return sum;
  }

  finalize(lastDay: string): {
    transfers: Array<{ bankCode: string; body: { records: TransferBody[] } }>;
    statements: Array<{ bankCode: string; body: StatementBody }>;
  } {
    const transfers: Array<{ bankCode: string; body: { records: TransferBody[] } }> = [];
    for (const bank of BANKS) {
      const list = this.records
        .filter((r) => r.bankCode === bank.bankCode)
        .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.second - b.second || a.seq - b.seq));
      let n = 0;
      for (const r of list) {
        n += 1;
        r.ref = `${bank.refPrefix}${r.date.replaceAll('-', '')}${String(n).padStart(7, '0')}`;
      }
      const sent = list.filter((r) => !r.omitted).map(toTransferBody);
      for (let i = 0; i < sent.length; i += TRANSFER_BATCH_SIZE) {
        transfers.push({
          bankCode: bank.bankCode,
          body: { records: sent.slice(i, i + TRANSFER_BATCH_SIZE) },
        });
      }
    }

    // Totals per account and day: booked and returned records, failed ones excluded.
    const totals = new Map<string, DayTotals>();
    for (const r of this.records) {
      if (r.status === 'failed') continue;
      const key = `${r.accountNo}|${r.date}`;
      const t = totals.get(key) ?? { debitCount: 0, debitFen: 0n, creditCount: 0, creditFen: 0n };
      if (r.direction === 'debit') {
        t.debitCount += 1;
        t.debitFen += r.fen;
      } else {
        t.creditCount += 1;
        t.creditFen += r.fen;
      }
      totals.set(key, t);
    }

    const statements: Array<{ bankCode: string; body: StatementBody }> = [];
    const balance = new Map<string, bigint>();
    const firstDay = minDate(lastDay, ...this.accounts.map((a) => a.from));
    for (let date = firstDay; date <= lastDay; date = addDays(date, 1)) {
      for (const a of this.accounts) {
        if (a.from > date) continue;
        const opening = balance.get(a.accountNo) ?? 0n;
        const t = totals.get(`${a.accountNo}|${date}`);
        const closing = opening + (t?.creditFen ?? 0n) - (t?.debitFen ?? 0n);
        balance.set(a.accountNo, closing);
        const skipped = this.gaps.get(a.accountNo)?.some((g) => g.from <= date && date <= g.to) ?? false;
        if (skipped) continue;
        statements.push({
          bankCode: a.bankCode,
          body: {
            accountNo: a.accountNo,
            date,
            openingBalance: formatFen(opening),
            closingBalance: formatFen(closing),
            debitCount: t?.debitCount ?? 0,
            debitTotal: formatFen(t?.debitFen ?? 0n),
            creditCount: t?.creditCount ?? 0,
            creditTotal: formatFen(t?.creditFen ?? 0n),
          },
        });
      }
    }
    return { transfers, statements };
  }
}
