import type { NewEvent, Outbox } from '@wagewatch/bus';
import { sweepTrace, withTrace } from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import type { WorkingDayCalendar } from '@wagewatch/domain';
import type { Clock } from '@wagewatch/runtime';
import { type EvaluationResult, evaluateAndRecord } from './findings.ts';

const EPOCH = new Date(0);

export async function readEvaluationInstant(tx: Sql): Promise<Date> {
  const [row] = await tx.query<{ as_of: Date }>('SELECT as_of FROM ledger.evaluation_clock WHERE id = 1');
  return row?.as_of ?? EPOCH;
}

/**
 * Evaluates every project marked dirty, each in its own transaction with its findings and
 * their events; the mark is removed in that transaction. Returns whether anything was done.
 */
export async function evaluateDirty(deps: {
  db: Database;
  outbox: Outbox;
  calendar: WorkingDayCalendar;
}): Promise<boolean> {
  const dirty = await deps.db.query<{ project_id: string }>(
    'SELECT project_id FROM ledger.dirty_projects ORDER BY project_id',
  );
  for (const { project_id } of dirty) {
    await deps.outbox.unitOfWork(deps.db, async (tx, emit) => {
      const [mark] = await tx.query<{
        changed_at: Date;
        correlation_id: string | null;
        causation_id: string | null;
      }>(
        'DELETE FROM ledger.dirty_projects WHERE project_id = $1 RETURNING changed_at, correlation_id, causation_id',
        [project_id],
      );
      if (!mark) return; // another evaluator took it
      const asOf = await readEvaluationInstant(tx);
      // What this evaluation emits follows from the event that marked the project (stored with the mark).
      const traced = (e: NewEvent) =>
        emit(
          mark.correlation_id
            ? {
                ...e,
                correlationId: mark.correlation_id,
                ...(mark.causation_id ? { causationId: mark.causation_id } : {}),
              }
            : e,
        );
      await evaluateAndRecord(tx, project_id, {
        asOf,
        at: mark.changed_at,
        calendar: deps.calendar,
        emit: traced,
      });
    });
  }
  return dirty.length > 0;
}

export type SweepResult = { asOf: Date; projects: number; results: EvaluationResult[] };

/**
 * Runs every time-based evaluation due as of an instant. Time only moves forward: a sweep "as of"
 * an earlier instant than one already run evaluates at the later one (so a replay of feeds
 * with increasing sweeps gives the findings live operation gave, and nothing flaps).
 */
export async function sweep(
  deps: { db: Database; outbox: Outbox; calendar: WorkingDayCalendar; clock?: Clock },
  asOf: Date,
): Promise<SweepResult> {
  const effective = await deps.db.transaction(async (tx) => {
    const [row] = await tx.query<{ as_of: Date }>(
      `INSERT INTO ledger.evaluation_clock (id, as_of) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET as_of = GREATEST(ledger.evaluation_clock.as_of, EXCLUDED.as_of) RETURNING as_of`,
      [asOf],
    );
    return row!.as_of;
  });
  deps.clock?.sweptTo?.(effective); // a replay clock's "now" is the latest instant swept to
  // Only the projects whose evaluation can have changed by now (docs/adr/0022): due, or never
  // evaluated since this process started. The others' answers are what is recorded.
  const projects = await deps.db.query<{ project_id: string }>(
    `SELECT p.project_id FROM ledger.projects p LEFT JOIN ledger.evaluation_due d USING (project_id)
     WHERE d.due_at IS NULL OR d.due_at <= $1 ORDER BY p.project_id`,
    [effective],
  );
  const results: EvaluationResult[] = [];
  // A sweep starts a chain of its own: `sweep:<effective instant>` (packages/contracts trace.ts).
  const trace = sweepTrace(effective);
  for (const { project_id } of projects) {
    const result = await withTrace(trace, () =>
      deps.outbox.unitOfWork(deps.db, async (tx, emit) =>
        evaluateAndRecord(tx, project_id, {
          asOf: effective,
          at: effective,
          calendar: deps.calendar,
          emit: emit as (e: NewEvent) => void,
        }),
      ),
    );
    if (result.transitions.length) results.push(result);
  }
  return { asOf: effective, projects: projects.length, results };
}
