import type { ProjectRegistered } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  evidenceRef,
  type OutsidePayment,
  type PayrollSheet,
  type ProjectState,
  type RecordedFinding,
  type RegisteredWorker,
  type Statement,
  type Transfer,
} from '@wagewatch/domain';

type TransferRow = {
  bank_code: string;
  bank_ref: string;
  project_id: string;
  account_no: string;
  direction: 'debit' | 'credit';
  amount_fen: bigint;
  counterparty_account_no: string;
  counterparty_name: string;
  counterparty_id_number: string | null;
  booked_at: Date;
  status: 'booked' | 'failed' | 'returned';
  original_bank_ref: string | null;
  purpose: string | null;
  event_id: string;
};

const toTransfer = (r: TransferRow): Transfer => ({
  bankRef: r.bank_ref,
  accountNo: r.account_no,
  direction: r.direction,
  amount: r.amount_fen,
  counterpartyAccountNo: r.counterparty_account_no,
  counterpartyName: r.counterparty_name,
  ...(r.counterparty_id_number ? { counterpartyIdNumber: r.counterparty_id_number } : {}),
  bookedAt: r.booked_at,
  status: r.status,
  ...(r.original_bank_ref ? { originalBankRef: r.original_bank_ref } : {}),
  ...(r.purpose ? { purpose: r.purpose } : {}),
  evidence: evidenceRef.transfer(r.bank_code, r.bank_ref),
});

export type LoadedProject = { terms: ProjectRegistered; district: string; state: ProjectState };

/** Everything the payment rules need about one project, read from the ledger's own tables. */
export async function loadProjectState(tx: Sql, projectId: string): Promise<LoadedProject | undefined> {
  const [p] = await tx.query<{ terms: ProjectRegistered; district: string; account_no: string }>(
    'SELECT terms, district, account_no FROM ledger.projects WHERE project_id = $1',
    [projectId],
  );
  if (!p) return undefined;
  const terms = p.terms;
  const workers = (
    await tx.query<{
      id_number: string;
      name: string;
      account_no: string;
      enrolled_on: string;
      left_on: string | null;
    }>('SELECT id_number, name, account_no, enrolled_on, left_on FROM ledger.workers WHERE project_id = $1', [
      projectId,
    ])
  ).map(
    (w): RegisteredWorker => ({
      idNumber: w.id_number,
      name: w.name,
      accountNo: w.account_no,
      enrolledOn: w.enrolled_on,
      ...(w.left_on ? { leftOn: w.left_on } : {}),
    }),
  );
  // Every complete version of each month: the highest is in effect; the earlier ones tell the
  // rules what was owed at the due date (a raise after it is paid only from leftovers).
  const versionRows = await tx.query<{
    sheet_id: string;
    period: string;
    version: number;
    submitted_at: Date;
  }>(
    `SELECT sheet_id, period, version, submitted_at FROM ledger.payroll_sheets
     WHERE project_id = $1 AND parts_received >= parts ORDER BY period, version`,
    [projectId],
  );
  const byPeriod = new Map<string, typeof versionRows>();
  for (const r of versionRows) byPeriod.set(r.period, [...(byPeriod.get(r.period) ?? []), r]);
  const lineRows = versionRows.length
    ? await tx.query<{
        sheet_id: string;
        id_number: string;
        name: string;
        amount_due_fen: bigint;
        signed: boolean;
      }>(
        'SELECT sheet_id, id_number, name, amount_due_fen, signed FROM ledger.payroll_lines WHERE sheet_id = ANY($1::uuid[])',
        [versionRows.map((s) => s.sheet_id)],
      )
    : [];
  const linesOf = (sheetId: string) => lineRows.filter((l) => l.sheet_id === sheetId);
  const sheets = [...byPeriod.values()].map((versions): PayrollSheet => {
    const s = versions[versions.length - 1]!;
    const earlier = versions.slice(0, -1);
    return {
      period: s.period,
      sheetId: s.sheet_id,
      version: s.version,
      submittedAt: s.submitted_at,
      evidence: [evidenceRef.payrollSheet(s.sheet_id, s.version)],
      lines: linesOf(s.sheet_id).map((l) => ({
        idNumber: l.id_number,
        name: l.name,
        amountDue: l.amount_due_fen,
        signed: l.signed,
      })),
      ...(earlier.length
        ? {
            earlierVersions: earlier.map((v) => ({
              version: v.version,
              effectiveAt: v.submitted_at,
              lines: linesOf(v.sheet_id).map((l) => ({ idNumber: l.id_number, amountDue: l.amount_due_fen })),
            })),
          }
        : {}),
    };
  });
  const transfers = (
    await tx.query<TransferRow>(
      'SELECT * FROM ledger.transfers WHERE account_no = $1 ORDER BY booked_at, bank_code, bank_ref',
      [p.account_no],
    )
  ).map(toTransfer);
  const statements = (
    await tx.query<{
      statement_date: string;
      opening_fen: bigint;
      closing_fen: bigint;
      debit_count: number;
      debit_fen: bigint;
      credit_count: number;
      credit_fen: bigint;
      received_at: Date;
      event_id: string;
    }>('SELECT * FROM ledger.statements WHERE account_no = $1', [p.account_no])
  ).map(
    (s): Statement => ({
      date: s.statement_date,
      openingBalance: s.opening_fen,
      closingBalance: s.closing_fen,
      debitCount: s.debit_count,
      debitTotal: s.debit_fen,
      creditCount: s.credit_count,
      creditTotal: s.credit_fen,
      receivedAt: s.received_at,
      evidence: evidenceRef.statement(terms.wageAccount.bankCode, p.account_no, s.statement_date),
    }),
  );
  const outside = await tx.query<
    TransferRow & { w_id_number: string; w_name: string; w_enrolled_on: string; returned: boolean }
  >(
    `SELECT t.*, w.id_number AS w_id_number, w.name AS w_name, w.enrolled_on AS w_enrolled_on,
            EXISTS (SELECT 1 FROM ledger.transfers r WHERE r.bank_code = t.bank_code AND r.original_bank_ref = t.bank_ref AND r.status = 'returned') AS returned
     FROM ledger.transfers t JOIN ledger.workers w ON w.account_no = t.counterparty_account_no
     WHERE w.project_id = $1 AND t.project_id <> $1 AND t.direction = 'debit'
       AND NOT EXISTS (SELECT 1 FROM ledger.workers w2 WHERE w2.project_id = t.project_id AND w2.account_no = t.counterparty_account_no)`,
    [projectId],
  );
  const outsidePayments = outside.map(
    (r): OutsidePayment => ({
      payingProjectId: r.project_id,
      worker: {
        idNumber: r.w_id_number,
        name: r.w_name,
        accountNo: r.counterparty_account_no,
        enrolledOn: r.w_enrolled_on,
      },
      transfer: toTransfer(r),
      returned: r.returned,
    }),
  );
  return {
    terms,
    district: p.district,
    state: {
      project: {
        projectId,
        contractor: terms.contractor,
        owner: terms.owner,
        ...(terms.allocationCycleDays ? { allocationCycleDays: terms.allocationCycleDays } : {}),
        bankCode: terms.wageAccount.bankCode,
        accountNo: terms.wageAccount.accountNo,
        payDay: terms.payDay,
        payMonthOffset: terms.payMonthOffset,
        startDate: terms.startDate,
      },
      workers,
      sheets,
      transfers,
      statements,
      outsidePayments,
    },
  };
}

/** Snapshots are stored as the wire shape; this turns them back into the rules' shape. */
export type StoredSnapshot = {
  findingId: string;
  key: string;
  finding: RecordedFinding;
};
