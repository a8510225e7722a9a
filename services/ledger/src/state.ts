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

/** Each account's transfers in booking order, booked at or after the account's `since` when it has one. */
async function readTransfers(
  tx: Sql,
  accounts: readonly { accountNo: string; since?: Date | undefined }[],
): Promise<Map<string, TransferRow[]>> {
  const out = new Map<string, TransferRow[]>();
  if (accounts.length === 0) return out;
  // One lateral read per account: each uses (account_no, booked_at) with its own cut.
  for (const r of await tx.query<{ account_no: string; rows: string }>(
    `SELECT c.account_no, x.rows FROM unnest($1::text[], $2::timestamptz[]) AS c(account_no, since)
     CROSS JOIN LATERAL (
       SELECT json_agg(json_build_object('bank_code', bank_code, 'bank_ref', bank_ref, 'project_id', project_id,
         'account_no', account_no, 'direction', direction, 'amount_fen', amount_fen::text,
         'counterparty_account_no', counterparty_account_no, 'counterparty_name', counterparty_name,
         'counterparty_id_number', counterparty_id_number, 'booked_at', booked_at, 'status', status,
         'original_bank_ref', original_bank_ref, 'purpose', purpose, 'event_id', event_id)
         ORDER BY booked_at, bank_code, bank_ref)::text AS rows
       FROM ledger.transfers t WHERE t.account_no = c.account_no AND (c.since IS NULL OR t.booked_at >= c.since)) x
     WHERE x.rows IS NOT NULL`,
    [accounts.map((a) => a.accountNo), accounts.map((a) => a.since ?? null)],
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
 * Everything the payment rules need about one project, read from the ledger's own tables
 * (loadProjectStates for one project).
 */
export async function loadProjectState(
  tx: Sql,
  projectId: string,
  options: LoadOptions = {},
): Promise<LoadedProject | undefined> {
  return (await loadProjectStates(tx, [projectId], options)).get(projectId);
}

export type LoadOptions = {
  /**
   * For an evaluation as of that instant, read only the open months of each project that has a
   * summary of its closed ones written at or before it (docs/adr/0023): the sheets of the periods
   * after it, the transfers booked at or after its cut, the statements dated on or after its cut
   * date; `state.closed` carries the summary. Without it, the whole history (the payment views,
   * which show every month).
   */
  openMonthsAsOf?: Date;
  /**
   * Only each account's latest statement dated before that day, the one statement rule 8's
   * pay-date outlook reads (rules.ts balanceShort); the obligations and the outlooks are the same,
   * but rule 14 (statement coverage) then sees a partial feed, so such a state is for the outlooks
   * only, never for recording findings.
   */
  latestStatementBefore?: string;
};

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
 * Everything the payment rules need about each of many projects, in about eight queries whatever
 * their number (the deferred evaluation of a batch of dirty projects, the cockpit's rule-8 outlooks
 * over hundreds, one project's evaluation or view): rows read by `= ANY` or one lateral read per
 * project, in the same order per project (sheets by period and version, transfers by booking,
 * statements by date). Projects that do not exist are absent from the map.
 */
export async function loadProjectStates(
  tx: Sql,
  projectIds: readonly string[],
  options: LoadOptions = {},
): Promise<Map<string, LoadedProject>> {
  const ids = [...new Set(projectIds)];
  if (ids.length === 0) return new Map();
  const asOf = options.openMonthsAsOf;
  if (!asOf) return loadRows(tx, ids, new Map(), options.latestStatementBefore);
  // The closed-months row of each project, read before its state (its generation guards the summary).
  const generationOf = new Map<string, number>();
  const closedOf = new Map<string, ClosedMonths>();
  for (const r of await tx.query<{
    project_id: string;
    generation: string | number;
    summary: unknown;
    closed_at: Date | null;
  }>(
    'SELECT project_id, generation, summary, closed_at FROM ledger.closed_months WHERE project_id = ANY($1::text[])',
    [ids],
  )) {
    generationOf.set(r.project_id, Number(r.generation));
    if (r.summary && r.closed_at && r.closed_at <= asOf)
      closedOf.set(
        r.project_id,
        decodeClosedMonths(typeof r.summary === 'string' ? r.summary : JSON.stringify(r.summary)),
      );
  }
  const out = await loadRows(tx, ids, closedOf, options.latestStatementBefore);
  // A return whose original is not among the open transfers was booked before the cut: the summary
  // counted that payment, so it no longer holds (the consumer drops it; this guards the read).
  const stale = [...out].flatMap(([id, loaded]) => {
    if (!loaded.state.closed) return [];
    const refs = new Set(loaded.state.transfers.map((t) => t.bankRef));
    return loaded.state.transfers.some((t) => t.originalBankRef !== undefined && !refs.has(t.originalBankRef))
      ? [id]
      : [];
  });
  if (stale.length > 0)
    for (const [id, loaded] of await loadRows(tx, stale, new Map(), options.latestStatementBefore))
      out.set(id, loaded);
  for (const [id, loaded] of out) loaded.closedGeneration = generationOf.get(id) ?? null;
  return out;
}

async function loadRows(
  tx: Sql,
  ids: readonly string[],
  closedOf: ReadonlyMap<string, ClosedMonths>,
  latestStatementBefore: string | undefined,
): Promise<Map<string, LoadedProject>> {
  const out = new Map<string, LoadedProject>();
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
  const workersOf = await readWorkers(tx, found);
  // Every complete version of each month: the highest is in effect; the earlier ones tell the
  // rules what was owed at the due date (a raise after it is paid only from leftovers).
  const versionRows = await tx.query<{
    project_id: string;
    sheet_id: string;
    period: string;
    version: number;
    submitted_at: Date;
  }>(
    `SELECT s.project_id, s.sheet_id, s.period, s.version, s.submitted_at
     FROM unnest($1::text[], $2::text[]) AS c(project_id, through)
     CROSS JOIN LATERAL (
       SELECT * FROM ledger.payroll_sheets s WHERE s.project_id = c.project_id AND s.parts_received >= s.parts
         AND (c.through IS NULL OR s.period > c.through)) s
     ORDER BY s.project_id, s.period, s.version`,
    [found, found.map((id) => closedOf.get(id)?.through ?? null)],
  );
  const lineRows = await readLines(
    tx,
    versionRows.map((s) => s.sheet_id),
  );
  const versionsOf = groupBy(versionRows, (v) => v.project_id);
  const transfersOf = await readTransfers(
    tx,
    projects.map((p) => ({ accountNo: p.account_no, since: closedOf.get(p.project_id)?.cutAt })),
  );
  const accounts = projects.map((p) => p.account_no);
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
      latestStatementBefore === undefined
        ? `SELECT s.* FROM unnest($1::text[], $2::date[]) AS a(account_no, cut) CROSS JOIN LATERAL (
             SELECT * FROM ledger.statements st WHERE st.account_no = a.account_no
               AND (a.cut IS NULL OR st.statement_date >= a.cut) ORDER BY st.statement_date) s`
        : `SELECT s.* FROM unnest($1::text[]) AS a(account_no) CROSS JOIN LATERAL (
             SELECT * FROM ledger.statements st WHERE st.account_no = a.account_no AND st.statement_date < $2::date
             ORDER BY st.statement_date DESC LIMIT 1) s`,
      latestStatementBefore === undefined
        ? [accounts, projects.map((p) => closedOf.get(p.project_id)?.cutDate ?? null)]
        : [accounts, latestStatementBefore],
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
    const closed = closedOf.get(p.project_id);
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
        ...(closed ? { closed } : {}),
      },
    });
  }
  return out;
}
