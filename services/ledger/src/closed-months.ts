/**
 * The ledger's side of closed months (docs/adr/0023-closed-months.md): the summary written in
 * the transaction of the evaluation that closes the months, and dropped by the consumer when an
 * event touches the closed range. `ledger.closed_months` holds one row per project.
 *
 * Concurrency: the consumer bumps the row's `generation` for every event about the project (an
 * upsert, so it also waits for an evaluation's uncommitted first insert), and an evaluation
 * writes its summary only if the generation is still the one it read before its state. A
 * summary so never stands for rows its evaluation did not see; the event's dirty mark brings
 * the next evaluation, which may close again.
 */
import type { KnownEnvelope } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  closeMonths,
  dropsClosedMonths,
  encodeClosedMonths,
  type ProjectChange,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import type { LoadedProject } from './state.ts';

/**
 * After an evaluation as of `asOf` of a state read with `openMonthsAsOf`: writes the summary of
 * the months that can now be closed, if any beyond those already closed. Returns whether it wrote.
 */
export async function recordClosedMonths(
  tx: Sql,
  projectId: string,
  loaded: LoadedProject | undefined,
  asOf: Date,
  calendar: WorkingDayCalendar,
): Promise<boolean> {
  if (!loaded || loaded.closedGeneration === undefined) return false;
  const closed = closeMonths(loaded.state, asOf, calendar);
  if (!closed) return false;
  const values = [
    projectId,
    closed.through,
    closed.cutDate,
    closed.cutAt,
    closed.closedAt,
    encodeClosedMonths(closed),
    loaded.closedGeneration,
  ];
  const written =
    loaded.closedGeneration === null
      ? await tx.query(
          `INSERT INTO ledger.closed_months (project_id, generation, through, cut_date, cut_at, closed_at, summary)
           VALUES ($1, 0, $2, $3::date, $4, $5, $6::jsonb) ON CONFLICT (project_id) DO NOTHING RETURNING 1`,
          values.slice(0, 6),
        )
      : await tx.query(
          `UPDATE ledger.closed_months SET through = $2, cut_date = $3::date, cut_at = $4, closed_at = $5, summary = $6::jsonb
           WHERE project_id = $1 AND generation = $7 RETURNING 1`,
          values,
        );
  return written.length > 0;
}

/** What a ledger input event changes, project by project, as the closed months judge it. */
function changesOf(event: KnownEnvelope): { projectId: string; changes: ProjectChange[] } | undefined {
  switch (event.type) {
    case 'project.registered':
      return { projectId: event.data.projectId, changes: [{ kind: 'terms' }] };
    case 'workers.registered':
      return { projectId: event.data.projectId, changes: [{ kind: 'workers' }] };
    case 'payroll.submitted':
      return { projectId: event.data.projectId, changes: [{ kind: 'sheet', period: event.data.period }] };
    case 'bank.transfers-reported':
      return {
        projectId: event.data.projectId,
        changes: event.data.transfers.map((t) => ({
          kind: 'transfer' as const,
          bookedAt: new Date(t.bookedAt),
          ...(t.originalBankRef ? { originalBankRef: t.originalBankRef } : {}),
        })),
      };
    case 'bank.statement-reported':
      return { projectId: event.data.projectId, changes: [{ kind: 'statement', date: event.data.date }] };
    default:
      return undefined; // not a fact the payment rules read
  }
}

/** What a transaction already knows of a project's closed range (null: none), by project. */
const closedRangeIn = new WeakMap<
  Sql,
  Map<string, { through: string; cutDate: string; cutAt: Date } | null>
>();

/**
 * In the consumer's transaction, for each event it applies: bumps the project's generation and
 * drops its summary when the event touches the closed range (the evaluation the event's dirty
 * mark brings then reads everything). The generation is bumped once per transaction and project:
 * a batch of a bank's day is hundreds of events for one project (1,306 statements in
 * bench:embedded), and one bump already tells a concurrent evaluation its summary is stale.
 */
export async function dropClosedMonths(tx: Sql, event: KnownEnvelope): Promise<void> {
  const touched = changesOf(event);
  if (!touched) return;
  let known = closedRangeIn.get(tx);
  if (!known) {
    known = new Map();
    closedRangeIn.set(tx, known);
  }
  let closed = known.get(touched.projectId);
  if (closed === undefined) {
    const [row] = await tx.query<{ through: string | null; cut_date: string | null; cut_at: Date | null }>(
      `INSERT INTO ledger.closed_months (project_id, generation) VALUES ($1, 1)
       ON CONFLICT (project_id) DO UPDATE SET generation = ledger.closed_months.generation + 1
       RETURNING through, cut_date::text AS cut_date, cut_at`,
      [touched.projectId],
    );
    closed =
      row?.through && row.cut_date && row.cut_at
        ? { through: row.through, cutDate: row.cut_date, cutAt: row.cut_at }
        : null;
    known.set(touched.projectId, closed);
  }
  if (!closed) return;
  const range = closed;
  if (!touched.changes.some((c) => dropsClosedMonths(range, c))) return;
  await tx.query(
    `UPDATE ledger.closed_months SET through = NULL, cut_date = NULL, cut_at = NULL, closed_at = NULL, summary = NULL
     WHERE project_id = $1`,
    [touched.projectId],
  );
  known.set(touched.projectId, null);
}

/**
 * At every start (the ledger's `migrate()`): a new release may bring new rules, a new calendar or
 * configuration, and a summary keeps the closed range's findings as the old ones said them. Every
 * summary is dropped; each project's next evaluation reads its whole history and closes again.
 */
export async function forgetClosedMonths(db: Sql): Promise<void> {
  await db.query(
    `UPDATE ledger.closed_months SET generation = generation + 1, through = NULL, cut_date = NULL, cut_at = NULL,
       closed_at = NULL, summary = NULL WHERE summary IS NOT NULL`,
  );
}
