import type { Database, Sql } from '@wagewatch/db';
import {
  DEFAULT_PAYMENT_RULES_CONFIG,
  evaluateProject,
  type PayDateOutlook,
  shanghaiDate,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { loadProjectStates } from './state.ts';

/**
 * Rule 8's outlooks (the `payDate` observer of `evaluateProject`), kept per project as of its
 * last evaluation in `ledger.pay_date_outlooks` for the cockpit (docs/adr/0021).
 */

/**
 * Replaces the stored outlooks of these projects with the ones given (none: the project has no
 * pay date in rule 8's window any more), as of `asOf`, in the caller's transaction.
 */
export async function storePayDateOutlooks(
  tx: Sql,
  projectIds: readonly string[],
  outlooks: ReadonlyMap<string, readonly PayDateOutlook[]>,
  asOf: Date,
): Promise<void> {
  if (projectIds.length === 0) return;
  await tx.query('DELETE FROM ledger.pay_date_outlooks WHERE project_id = ANY($1::text[])', [projectIds]);
  const rows = projectIds.flatMap((id) => (outlooks.get(id) ?? []).map((o) => ({ id, o })));
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO ledger.pay_date_outlooks (project_id, period, due_date, owed_fen, balance_fen, evaluated_at)
     SELECT u.p, u.m, u.d, u.o, u.b, $6::timestamptz FROM unnest($1::text[], $2::text[], $3::date[], $4::bigint[], $5::bigint[])
       AS u(p, m, d, o, b)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.o.period),
      rows.map((r) => r.o.dueDate),
      rows.map((r) => (r.o.owed === null ? null : r.o.owed.toString())),
      rows.map((r) => (r.o.balance === null ? null : r.o.balance.toString())),
      asOf,
    ],
  );
}

/**
 * Rule 8's outlooks of these projects as of `asOf`, evaluated from one batch of queries (only the
 * statement the outlook reads: the latest before the day of `asOf`). The findings are not used.
 */
export async function evaluatePayDateOutlooks(
  tx: Sql,
  projectIds: readonly string[],
  asOf: Date,
  calendar: WorkingDayCalendar,
): Promise<Map<string, PayDateOutlook[]>> {
  const states = await loadProjectStates(tx, projectIds, { latestStatementBefore: shanghaiDate(asOf) });
  const out = new Map<string, PayDateOutlook[]>();
  for (const [projectId, loaded] of states) {
    const outlooks: PayDateOutlook[] = [];
    evaluateProject(loaded.state, asOf, calendar, DEFAULT_PAYMENT_RULES_CONFIG, {
      payDate: (o) => outlooks.push(o),
    });
    out.set(projectId, outlooks);
  }
  return out;
}

/**
 * Recomputes and stores the outlooks of every project (or of those given) as of the ledger's
 * evaluation instant, without re-evaluating their findings: for a ledger whose tables were
 * written directly (the console bench). An evaluation (sweep, consumer) does the same per project.
 */
export async function refreshPayDateOutlooks(
  db: Database,
  asOf: Date,
  calendar: WorkingDayCalendar,
  projectIds?: readonly string[],
): Promise<number> {
  const ids =
    projectIds ??
    (
      await db.query<{ project_id: string }>('SELECT project_id FROM ledger.projects ORDER BY project_id')
    ).map((r) => r.project_id);
  return db.transaction(async (tx) => {
    const outlooks = await evaluatePayDateOutlooks(tx, ids, asOf, calendar);
    await storePayDateOutlooks(tx, ids, outlooks, asOf);
    return [...outlooks.values()].reduce((n, o) => n + o.length, 0);
  });
}
