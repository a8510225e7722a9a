import type { NewEvent, Outbox } from '@wagewatch/bus';
import { sweepTrace, withTrace } from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';

/**
 * The evaluation loop a service that raises findings runs over its `evaluationTables()`: the
 * dirty marks left by its consumer, the monotonic evaluation clock, and the sweep over the due
 * index. The service supplies how one project is evaluated and recorded (`Evaluate`), which must
 * call `recordNextEvaluation` in its transaction.
 */

const EPOCH = new Date(0);

export type Evaluate<R> = (
  tx: Sql,
  projectId: string,
  options: { asOf: Date; at: Date; emit: (e: NewEvent) => void },
) => Promise<R>;

export type LoopDeps = {
  db: Database;
  outbox: Outbox;
  /** A replay clock's "now" is the latest instant swept to. */
  clock?: { sweptTo?: (instant: Date) => void };
};

export async function readEvaluationInstant(tx: Sql, schema: string): Promise<Date> {
  const [row] = await tx.query<{ as_of: Date }>(
    `SELECT as_of FROM "${schema}".evaluation_clock WHERE id = 1`,
  );
  return row?.as_of ?? EPOCH;
}

/**
 * Moves the monotonic evaluation clock to `asOf` if that is later, and returns the clock's
 * instant. A sweep at an instant already reached writes nothing (an idle sweep rewrites no row).
 */
export async function advanceEvaluationClock(db: Database, schema: string, asOf: Date): Promise<Date> {
  return db.transaction(async (tx) => {
    const [moved] = await tx.query<{ as_of: Date }>(
      `INSERT INTO "${schema}".evaluation_clock (id, as_of) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET as_of = EXCLUDED.as_of WHERE "${schema}".evaluation_clock.as_of < EXCLUDED.as_of
       RETURNING as_of`,
      [asOf],
    );
    return moved?.as_of ?? (await readEvaluationInstant(tx, schema));
  });
}

/** The project's next evaluation instant, in the transaction that records its findings. */
export async function recordNextEvaluation(
  tx: Sql,
  schema: string,
  projectId: string,
  dueAt: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO "${schema}".evaluation_due (project_id, due_at) VALUES ($1, $2)
     ON CONFLICT (project_id) DO UPDATE SET due_at = EXCLUDED.due_at`,
    [projectId, dueAt],
  );
}

/**
 * Every start empties the due index: a new release may bring new rules, a new calendar or
 * configuration, so the first sweep after a start evaluates every project (docs/adr/0022).
 */
export async function forgetDue(db: Database, schema: string): Promise<void> {
  await db.query(`DELETE FROM "${schema}".evaluation_due`);
}

/**
 * Evaluates every project marked dirty, each in its own transaction with its findings and their
 * events; the mark is removed in that transaction, and what the evaluation emits follows from the
 * event that marked the project (its trace is stored with the mark). Returns whether anything was done.
 */
export async function evaluateDirty<R>(
  schema: string,
  deps: LoopDeps,
  evaluate: Evaluate<R>,
): Promise<boolean> {
  const dirty = await deps.db.query<{ project_id: string }>(
    `SELECT project_id FROM "${schema}".dirty_projects ORDER BY project_id`,
  );
  for (const { project_id } of dirty) {
    await deps.outbox.unitOfWork(deps.db, async (tx, emit) => {
      const [mark] = await tx.query<{
        changed_at: Date;
        correlation_id: string | null;
        causation_id: string | null;
      }>(
        `DELETE FROM "${schema}".dirty_projects WHERE project_id =
           (SELECT project_id FROM "${schema}".dirty_projects WHERE project_id = $1 FOR UPDATE SKIP LOCKED)
         RETURNING changed_at, correlation_id, causation_id`,
        [project_id],
      );
      // Taken, or being evaluated by another replica (its row lock held until it commits): a
      // replica does not wait behind another's evaluation, it takes the next project instead.
      if (!mark) return;
      const asOf = await readEvaluationInstant(tx, schema);
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
      await evaluate(tx, project_id, { asOf, at: mark.changed_at, emit: traced });
    });
  }
  return dirty.length > 0;
}

export type SweepResult<R> = { asOf: Date; projects: number; results: R[] };

/**
 * Runs every time-based evaluation due as of an instant. Time only moves forward: a sweep "as of"
 * an earlier instant than one already run evaluates at the later one (so a replay of feeds with
 * increasing sweeps gives the findings live operation gave, and nothing flaps). Only the projects
 * whose evaluation can have changed by then are evaluated: due in the index, or with no row
 * (never evaluated since the process started). `keep` chooses the results returned.
 */
export async function sweepDue<R>(
  schema: string,
  deps: LoopDeps,
  asOf: Date,
  evaluate: Evaluate<R>,
  keep: (result: R) => boolean = () => true,
): Promise<SweepResult<R>> {
  const effective = await advanceEvaluationClock(deps.db, schema, asOf);
  deps.clock?.sweptTo?.(effective);
  const projects = await deps.db.query<{ project_id: string }>(
    `SELECT p.project_id FROM "${schema}".projects p LEFT JOIN "${schema}".evaluation_due d USING (project_id)
     WHERE d.due_at IS NULL OR d.due_at <= $1 ORDER BY p.project_id`,
    [effective],
  );
  const results: R[] = [];
  // A sweep starts a chain of its own: `sweep:<effective instant>` (packages/contracts trace.ts).
  const trace = sweepTrace(effective);
  for (const { project_id } of projects) {
    const result = await withTrace(trace, () =>
      deps.outbox.unitOfWork(deps.db, async (tx, emit) =>
        evaluate(tx, project_id, { asOf: effective, at: effective, emit: emit as (e: NewEvent) => void }),
      ),
    );
    if (keep(result)) results.push(result);
  }
  return { asOf: effective, projects: projects.length, results };
}
