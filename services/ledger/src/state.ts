import type { ProjectRegistered } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  type ClosedMonths,
  decodeClosedMonths,
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

type LineRow = { id_number: string; name: string; amount_due_fen: bigint; signed: boolean };
type WorkerRow = {
  id_number: string;
  name: string;
  account_no: string;
  enrolled_on: string;
  left_on: string | null;
};

// The evaluation's three largest reads (an account's transfers, its sheets' lines, its workers)
// come back as one JSON array per account, sheet or project: PGlite turns rows into objects
// field by field, ~3x slower than one JSON.parse of the same rows (26,500 transfers: ~700 ms
// against ~250 ms, bench/README.md; the sweep's evaluation of a 1,000-worker project on PGlite
// read its rows in 32 ms, bench:embedded BENCH_TRACE_SQL, 3 December 2026).

/** Each account's transfers in booking order, booked at or after `since` when given. */
async function readTransfers(
  tx: Sql,
  accounts: readonly string[],
  since?: Date,
): Promise<Map<string, TransferRow[]>> {
  const out = new Map<string, TransferRow[]>();
  for (const r of await tx.query<{ account_no: string; rows: string }>(
    `SELECT account_no, json_agg(json_build_object('bank_code', bank_code, 'bank_ref', bank_ref, 'project_id', project_id,
       'account_no', account_no, 'direction', direction, 'amount_fen', amount_fen::text,
       'counterparty_account_no', counterparty_account_no, 'counterparty_name', counterparty_name,
       'counterparty_id_number', counterparty_id_number, 'booked_at', booked_at, 'status', status,
       'original_bank_ref', original_bank_ref, 'purpose', purpose, 'event_id', event_id)
       ORDER BY booked_at, bank_code, bank_ref)::text AS rows
     FROM ledger.transfers WHERE account_no = ANY($1::text[]) AND ($2::timestamptz IS NULL OR booked_at >= $2::timestamptz)
     GROUP BY account_no`,
    [accounts, since ?? null],
  ))
    out.set(
      r.account_no,
      (
        JSON.parse(r.rows) as (Omit<TransferRow, 'amount_fen' | 'booked_at'> & {
          amount_fen: string;
          booked_at: string;
        })[]
      ).map((t) => ({ ...t, amount_fen: BigInt(t.amount_fen), booked_at: new Date(t.booked_at) })),
    );
  return out;
}

/** Each sheet's lines (in the order the table gives them). */
async function readLines(tx: Sql, sheetIds: readonly string[]): Promise<Map<string, LineRow[]>> {
  const out = new Map<string, LineRow[]>();
  if (sheetIds.length === 0) return out;
  for (const r of await tx.query<{ sheet_id: string; rows: string }>(
    `SELECT sheet_id, json_agg(json_build_object('id_number', id_number, 'name', name,
       'amount_due_fen', amount_due_fen::text, 'signed', signed))::text AS rows
     FROM ledger.payroll_lines WHERE sheet_id = ANY($1::uuid[]) GROUP BY sheet_id`,
    [sheetIds],
  ))
    out.set(
      r.sheet_id,
      (JSON.parse(r.rows) as (Omit<LineRow, 'amount_due_fen'> & { amount_due_fen: string })[]).map((l) => ({
        ...l,
        amount_due_fen: BigInt(l.amount_due_fen),
      })),
    );
  return out;
}

/** Each project's registered workers. */
async function readWorkers(tx: Sql, projectIds: readonly string[]): Promise<Map<string, RegisteredWorker[]>> {
  const out = new Map<string, RegisteredWorker[]>();
  for (const r of await tx.query<{ project_id: string; rows: string }>(
    `SELECT project_id, json_agg(json_build_object('id_number', id_number, 'name', name, 'account_no', account_no,
       'enrolled_on', enrolled_on, 'left_on', left_on))::text AS rows
     FROM ledger.workers WHERE project_id = ANY($1::text[]) GROUP BY project_id`,
    [projectIds],
  ))
    out.set(
      r.project_id,
      (JSON.parse(r.rows) as WorkerRow[]).map(
        (w): RegisteredWorker => ({
          idNumber: w.id_number,
          name: w.name,
          accountNo: w.account_no,
          enrolledOn: w.enrolled_on,
          ...(w.left_on ? { leftOn: w.left_on } : {}),
        }),
      ),
    );
  return out;
}

export type LoadedProject = {
  terms: ProjectRegistered;
  district: string;
  state: ProjectState;
  /**
   * With `openMonthsAsOf`: the generation of the project's closed-months row read before the
   * state (null: no row), which a new summary must still find to be written (closed-months.ts).
   */
  closedGeneration?: number | null;
};

/**
 * Everything the payment rules need about one project, read from the ledger's own tables.
 *
 * `openMonthsAsOf`: for an evaluation as of that instant, read only the open months when the
 * project has a summary of its closed ones written at or before it (docs/adr/0023): the sheets
 * of the periods after it, the transfers booked at or after its cut, the statements dated on or
 * after its cut date; `state.closed` carries the summary. Without it, the whole history (the
 * payment views, which show every month).
 */
export async function loadProjectState(
  tx: Sql,
  projectId: string,
  options: { openMonthsAsOf?: Date } = {},
): Promise<LoadedProject | undefined> {
  if (!options.openMonthsAsOf) return loadRows(tx, projectId, undefined);
  const [row] = await tx.query<{ generation: string | number; summary: unknown; closed_at: Date | null }>(
    'SELECT generation, summary, closed_at FROM ledger.closed_months WHERE project_id = $1',
    [projectId],
  );
  const closedGeneration = row ? Number(row.generation) : null;
  const closed =
    row?.summary && row.closed_at && row.closed_at <= options.openMonthsAsOf
      ? decodeClosedMonths(typeof row.summary === 'string' ? row.summary : JSON.stringify(row.summary))
      : undefined;
  const loaded = await loadRows(tx, projectId, closed);
  if (!loaded) return undefined;
  // A return whose original is not among the open transfers was booked before the cut: the summary
  // counted that payment, so it no longer holds (the consumer drops it; this guards the read).
  if (closed) {
    const refs = new Set(loaded.state.transfers.map((t) => t.bankRef));
    if (loaded.state.transfers.some((t) => t.originalBankRef !== undefined && !refs.has(t.originalBankRef)))
      return { ...(await loadRows(tx, projectId, undefined))!, closedGeneration };
  }
  return { ...loaded, closedGeneration };
}

async function loadRows(
  tx: Sql,
  projectId: string,
  closed: ClosedMonths | undefined,
): Promise<LoadedProject | undefined> {
  const [p] = await tx.query<{ terms: ProjectRegistered; district: string; account_no: string }>(
    'SELECT terms, district, account_no FROM ledger.projects WHERE project_id = $1',
    [projectId],
  );
  if (!p) return undefined;
  const terms = p.terms;
  const workers = (await readWorkers(tx, [projectId])).get(projectId) ?? [];
  // Every complete version of each month: the highest is in effect; the earlier ones tell the
  // rules what was owed at the due date (a raise after it is paid only from leftovers).
  const versionRows = await tx.query<{
    sheet_id: string;
    period: string;
    version: number;
    submitted_at: Date;
  }>(
    `SELECT sheet_id, period, version, submitted_at FROM ledger.payroll_sheets
     WHERE project_id = $1 AND parts_received >= parts AND ($2::text IS NULL OR period > $2::text)
     ORDER BY period, version`,
    [projectId, closed?.through ?? null],
  );
  const byPeriod = new Map<string, typeof versionRows>();
  for (const r of versionRows) byPeriod.set(r.period, [...(byPeriod.get(r.period) ?? []), r]);
  const linesBySheet = await readLines(
    tx,
    versionRows.map((s) => s.sheet_id),
  );
  const linesOf = (sheetId: string) => linesBySheet.get(sheetId) ?? [];
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
  const transfers = ((await readTransfers(tx, [p.account_no], closed?.cutAt)).get(p.account_no) ?? []).map(
    toTransfer,
  );
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
    }>(
      closed
        ? 'SELECT * FROM ledger.statements WHERE account_no = $1 AND statement_date >= $2::date'
        : 'SELECT * FROM ledger.statements WHERE account_no = $1',
      closed ? [p.account_no, closed.cutDate] : [p.account_no],
    )
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
      ...(closed ? { closed } : {}),
    },
  };
}

/** Snapshots are stored as the wire shape; this turns them back into the rules' shape. */
export type StoredSnapshot = {
  findingId: string;
  key: string;
  finding: RecordedFinding;
};

const groupBy = <T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> => {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const list = out.get(key(r));
    if (list) list.push(r);
    else out.set(key(r), [r]);
  }
  return out;
};

/**
 * loadProjectState for many projects in seven queries instead of seven per project (the cockpit's
 * rule-8 outlooks over hundreds of projects, read-routes.ts): the same rows, read by `= ANY`, in
 * the same order per project (transfers by booking; statements by date), assembled the same way.
 * Projects that do not exist are absent from the map.
 *
 * `latestStatementBefore`: only each account's latest statement dated before that day, the one
 * statement rule 8's pay-date outlook reads (rules.ts balanceShort); the obligations and the
 * outlooks are the same, but rule 14 (statement coverage) then sees a partial feed, so such a
 * state is for the outlooks only, never for recording findings.
 */
export async function loadProjectStates(
  tx: Sql,
  projectIds: readonly string[],
  options: { latestStatementBefore?: string } = {},
): Promise<Map<string, LoadedProject>> {
  const out = new Map<string, LoadedProject>();
  if (projectIds.length === 0) return out;
  const ids = [...new Set(projectIds)];
  const projects = await tx.query<{
    project_id: string;
    terms: ProjectRegistered;
    district: string;
    account_no: string;
  }>(
    'SELECT project_id, terms, district, account_no FROM ledger.projects WHERE project_id = ANY($1::text[])',
    [ids],
  );
  if (projects.length === 0) return out;
  const found = projects.map((p) => p.project_id);
  const accounts = projects.map((p) => p.account_no);
  const workersOf = await readWorkers(tx, found);
  const versionRows = await tx.query<{
    project_id: string;
    sheet_id: string;
    period: string;
    version: number;
    submitted_at: Date;
  }>(
    `SELECT project_id, sheet_id, period, version, submitted_at FROM ledger.payroll_sheets
     WHERE project_id = ANY($1::text[]) AND parts_received >= parts ORDER BY project_id, period, version`,
    [found],
  );
  const lineRows = await readLines(
    tx,
    versionRows.map((s) => s.sheet_id),
  );
  const versionsOf = groupBy(versionRows, (v) => v.project_id);
  const transfersOf = await readTransfers(tx, accounts);
  const statementsOf = groupBy(
    await tx.query<{
      account_no: string;
      statement_date: string;
      opening_fen: bigint;
      closing_fen: bigint;
      debit_count: number;
      debit_fen: bigint;
      credit_count: number;
      credit_fen: bigint;
      received_at: Date;
    }>(
      options.latestStatementBefore === undefined
        ? 'SELECT * FROM ledger.statements WHERE account_no = ANY($1::text[]) ORDER BY account_no, statement_date'
        : `SELECT s.* FROM unnest($1::text[]) AS a(account_no) CROSS JOIN LATERAL (
             SELECT * FROM ledger.statements st WHERE st.account_no = a.account_no AND st.statement_date < $2::date
             ORDER BY st.statement_date DESC LIMIT 1) s`,
      options.latestStatementBefore === undefined ? [accounts] : [accounts, options.latestStatementBefore],
    ),
    (s) => s.account_no,
  );
  const outsideOf = groupBy(
    await tx.query<
      TransferRow & {
        w_project_id: string;
        w_id_number: string;
        w_name: string;
        w_enrolled_on: string;
        returned: boolean;
      }
    >(
      `SELECT t.*, w.project_id AS w_project_id, w.id_number AS w_id_number, w.name AS w_name, w.enrolled_on AS w_enrolled_on,
              EXISTS (SELECT 1 FROM ledger.transfers r WHERE r.bank_code = t.bank_code AND r.original_bank_ref = t.bank_ref AND r.status = 'returned') AS returned
       FROM ledger.transfers t JOIN ledger.workers w ON w.account_no = t.counterparty_account_no
       WHERE w.project_id = ANY($1::text[]) AND t.project_id <> w.project_id AND t.direction = 'debit'
         AND NOT EXISTS (SELECT 1 FROM ledger.workers w2 WHERE w2.project_id = t.project_id AND w2.account_no = t.counterparty_account_no)`,
      [found],
    ),
    (r) => r.w_project_id,
  );
  for (const p of projects) {
    const terms = p.terms;
    const linesOf = (sheetId: string) => lineRows.get(sheetId) ?? [];
    const byPeriod = groupBy(versionsOf.get(p.project_id) ?? [], (v) => v.period);
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
                lines: linesOf(v.sheet_id).map((l) => ({
                  idNumber: l.id_number,
                  amountDue: l.amount_due_fen,
                })),
              })),
            }
          : {}),
      };
    });
    out.set(p.project_id, {
      terms,
      district: p.district,
      state: {
        project: {
          projectId: p.project_id,
          contractor: terms.contractor,
          owner: terms.owner,
          ...(terms.allocationCycleDays ? { allocationCycleDays: terms.allocationCycleDays } : {}),
          bankCode: terms.wageAccount.bankCode,
          accountNo: terms.wageAccount.accountNo,
          payDay: terms.payDay,
          payMonthOffset: terms.payMonthOffset,
          startDate: terms.startDate,
        },
        workers: workersOf.get(p.project_id) ?? [],
        sheets,
        transfers: (transfersOf.get(p.account_no) ?? []).map(toTransfer),
        statements: (statementsOf.get(p.account_no) ?? []).map(
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
        ),
        outsidePayments: (outsideOf.get(p.project_id) ?? []).map(
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
        ),
      },
    });
  }
  return out;
}
