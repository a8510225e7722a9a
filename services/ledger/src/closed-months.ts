/**
 * The ledger's side of closed months (docs/adr/0023-closed-months.md): the summary written in
 * the transaction of the evaluation that closes the months, and dropped by the consumer when an
 * event touches the closed range. `ledger.closed_months` holds one row per project.
 *
 * Concurrency: the consumer bumps the row's `generation` in every transaction with events about
 * the project (an upsert, so it also waits for an evaluation's uncommitted first insert), and an evaluation
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

/**
 * In the consumer's transaction, once per batch (afterBatch), for the events it applied: bumps
 * each touched project's generation in one statement and drops the summaries whose closed range
 * an event touches (the evaluation the events' dirty marks bring then reads everything). One
 * statement per batch instead of one per event and project: a batch of a city's feeds touches
 * hundreds of projects (14,141 bumps in bench:city-day's day, docs/adr/0025). The bump can come
 * after the events' rows in the same transaction: an evaluation that wrote its summary before it
 * read the generation it wrote against, and the bump then sees that summary and drops it if the
 * batch touches its range; one that writes after waits for this transaction and finds the
 * generation moved. Projects in id order, so that two consumers' batches lock their rows in the
 * same order.
 */
export async function dropClosedMonths(tx: Sql, events: readonly KnownEnvelope[]): Promise<void> {
  const touched = new Map<string, ProjectChange[]>();
  for (const e of events) {
    const t = changesOf(e);
    if (!t) continue;
    const changes = touched.get(t.projectId);
    if (changes) changes.push(...t.changes);
    else touched.set(t.projectId, [...t.changes]);
  }
  if (touched.size === 0) return;
  const rows = await tx.query<{
    project_id: string;
    through: string | null;
    cut_date: string | null;
    cut_at: Date | null;
  }>(
    `INSERT INTO ledger.closed_months (project_id, generation) SELECT id, 1 FROM unnest($1::text[]) AS id ORDER BY id
     ON CONFLICT (project_id) DO UPDATE SET generation = ledger.closed_months.generation + 1
     RETURNING project_id, through, cut_date::text AS cut_date, cut_at`,
    [[...touched.keys()].sort()],
  );
  const drop = rows.flatMap((r) => {
    if (!r.through || !r.cut_date || !r.cut_at) return [];
    const range = { through: r.through, cutDate: r.cut_date, cutAt: r.cut_at };
    return (touched.get(r.project_id) ?? []).some((c) => dropsClosedMonths(range, c)) ? [r.project_id] : [];
  });
  if (drop.length === 0) return;
  await tx.query(
    `UPDATE ledger.closed_months SET through = NULL, cut_date = NULL, cut_at = NULL, closed_at = NULL, summary = NULL
     WHERE project_id = ANY($1::text[])`,
    [drop],
  );
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
