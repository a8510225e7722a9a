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
 * Reads what a batch of projects' evaluations need at once (in the batch's transaction, before
 * the first of them): the ledger loads every project's state in a few queries instead of a few
 * per project. `evaluate` then finds its project's part there.
 */
export type Prepare = (tx: Sql, projectIds: readonly string[], options: { asOf: Date }) => Promise<void>;

/**
 * Projects evaluated in one transaction unless the caller says: 32 on PostgreSQL; 8 on PGlite,
 * the embedded default, whose batches share one process's memory with everything else and hold
 * its only connection. bench:embedded (3 December, the system in its own process): peak RSS
 * 559 / 565 / 564 MB at 8 against 633 / 630 / 603 MB at 32, the time to the last finding the same.
 */
export const defaultBatch = (db: Database): number => (db.kind === 'pglite' ? 8 : 32);

export type DirtyOptions = {
  /** Projects evaluated in one transaction (default: `defaultBatch`). */
  batch?: number;
  prepare?: Prepare;
};

type Mark = {
  project_id: string;
  changed_at: Date;
  correlation_id: string | null;
  causation_id: string | null;
  /** The mark's row version (xmin): a consumer that marks the project again changes it. */
  version: string;
};

/**
 * Evaluates every project marked dirty, in one pass over the marks by project id: batches of
 * projects, each batch in one transaction with its findings and their events, and what an
 * evaluation emits follows from the event that marked its project (its trace is stored with the
 * mark). Returns whether anything was done.
 *
 * Concurrency (docs/adr/0025): an evaluation holds its project's advisory lock
 * (`<schema>:evaluate:<id>`), and a batch takes its projects' locks without waiting; a project
 * another replica (or a sweep) is evaluating is passed over, then waited for at the end of the
 * pass and evaluated if still marked. A mark is removed, in the batch's transaction, only if it is
 * still the version the batch read: a consumer that marks the project again meanwhile (it never
 * waits for an evaluation) leaves it for the next pass. A batch that fails is retried one
 * project per transaction, so one failing project does not hold back the others; the first
 * error is thrown once the pass is done.
 */
export async function evaluateDirty<R>(
  schema: string,
  deps: LoopDeps,
  evaluate: Evaluate<R>,
  options: DirtyOptions = {},
): Promise<boolean> {
  const size = Math.max(1, options.batch ?? defaultBatch(deps.db));
  let after: string | null = null;
  let did = false;
  let failure: unknown;
  const passed: string[] = [];
  const run = async (ids: readonly string[], wait: boolean) => {
    try {
      const r = await evaluateBatch(schema, deps, evaluate, options.prepare, ids, wait);
      did ||= r.evaluated > 0;
      passed.push(...r.passed);
    } catch (err) {
      if (ids.length === 1) {
        failure ??= err;
        return;
      }
      for (const id of ids) await run([id], wait);
    }
  };
  for (;;) {
    const ids: string[] = (
      await deps.db.query<{ project_id: string }>(
        `SELECT project_id FROM "${schema}".dirty_projects WHERE $1::text IS NULL OR project_id > $1::text
         ORDER BY project_id LIMIT $2`,
        [after, size],
      )
    ).map((r) => r.project_id);
    if (ids.length === 0) break;
    after = ids[ids.length - 1]!;
    await run(ids, false);
  }
  // Those another evaluation held: wait for it (in id order), then evaluate them if still marked.
  const held = passed.splice(0);
  for (let i = 0; i < held.length; i += size) await run(held.slice(i, i + size), true);
  if (failure !== undefined) throw failure;
  return did;
}

async function evaluateBatch<R>(
  schema: string,
  deps: LoopDeps,
  evaluate: Evaluate<R>,
  prepare: Prepare | undefined,
  ids: readonly string[],
  wait: boolean,
): Promise<{ evaluated: number; passed: string[] }> {
  let evaluated = 0;
  let passed: string[] = [];
  await deps.outbox.unitOfWork(deps.db, async (tx, emit) => {
    const prefix = `${schema}:evaluate:`;
    const locked = wait
      ? (
          await tx.query<{ id: string }>(
            'SELECT id, pg_advisory_xact_lock(hashtext($2 || id)) FROM unnest($1::text[]) AS id ORDER BY id',
            [[...ids].sort(), prefix],
          )
        ).map((r) => r.id)
      : (
          await tx.query<{ id: string }>(
            'SELECT id FROM unnest($1::text[]) AS id WHERE pg_try_advisory_xact_lock(hashtext($2 || id))',
            [ids, prefix],
          )
        ).map((r) => r.id);
    const mine = new Set(locked);
    passed = ids.filter((id) => !mine.has(id));
    if (mine.size === 0) return;
    // The marks as they are now that no other evaluation can take them (a consumer still can).
    const marks = await tx.query<Mark>(
      `SELECT project_id, changed_at, correlation_id, causation_id, xmin::text AS version
       FROM "${schema}".dirty_projects WHERE project_id = ANY($1::text[]) ORDER BY project_id`,
      [[...mine]],
    );
    if (marks.length === 0) return;
    const asOf = await readEvaluationInstant(tx, schema);
    await prepare?.(
      tx,
      marks.map((m) => m.project_id),
      { asOf },
    );
    for (const mark of marks) {
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
      await evaluate(tx, mark.project_id, { asOf, at: mark.changed_at, emit: traced });
    }
    await tx.query(
      `DELETE FROM "${schema}".dirty_projects d USING unnest($1::text[], $2::text[]) AS m(project_id, version)
       WHERE d.project_id = m.project_id AND d.xmin::text = m.version`,
      [marks.map((m) => m.project_id), marks.map((m) => m.version)],
    );
    evaluated = marks.length;
  });
  return { evaluated, passed };
}

export type SweepResult<R> = { asOf: Date; projects: number; results: R[] };

export type SweepOptions<R> = {
  /** Chooses the results returned (default: all). */
  keep?: (result: R) => boolean;
  /** Projects evaluated in one transaction (default: `defaultBatch`, as `evaluateDirty`). */
  batch?: number;
  prepare?: Prepare;
};

/**
 * Runs every time-based evaluation due as of an instant. Time only moves forward: a sweep "as of"
 * an earlier instant than one already run evaluates at the later one (so a replay of feeds with
 * increasing sweeps gives the findings live operation gave, and nothing flaps). Only the projects
 * whose evaluation can have changed by then are evaluated: due in the index, or with no row
 * (never evaluated since the process started).
 *
 * The projects are evaluated in batches, as `evaluateDirty` does: each batch in one transaction
 * that first takes its projects' advisory locks (waiting, in id order, so that two batches never
 * deadlock), then runs `prepare` once for them. A batch that fails is evaluated again one project
 * per transaction, so the projects before the failing one are recorded; the first error is thrown
 * then, and the projects after it wait for the next sweep.
 */
export async function sweepDue<R>(
  schema: string,
  deps: LoopDeps,
  asOf: Date,
  evaluate: Evaluate<R>,
  options: SweepOptions<R> = {},
): Promise<SweepResult<R>> {
  const effective = await advanceEvaluationClock(deps.db, schema, asOf);
  deps.clock?.sweptTo?.(effective);
  const projects = (
    await deps.db.query<{ project_id: string }>(
      `SELECT p.project_id FROM "${schema}".projects p LEFT JOIN "${schema}".evaluation_due d USING (project_id)
       WHERE d.due_at IS NULL OR d.due_at <= $1 ORDER BY p.project_id`,
      [effective],
    )
  ).map((r) => r.project_id);
  const keep = options.keep ?? (() => true);
  const size = Math.max(1, options.batch ?? defaultBatch(deps.db));
  const results: R[] = [];
  // A sweep starts a chain of its own: `sweep:<effective instant>` (packages/contracts trace.ts).
  const trace = sweepTrace(effective);
  let failure: unknown;
  const run = async (ids: readonly string[]): Promise<void> => {
    let batch: R[];
    try {
      batch = await withTrace(trace, () =>
        deps.outbox.unitOfWork(deps.db, async (tx, emit) => {
          await tx.query(
            'SELECT pg_advisory_xact_lock(hashtext($2 || id)) FROM unnest($1::text[]) AS id ORDER BY id',
            [ids, `${schema}:evaluate:`],
          );
          await options.prepare?.(tx, ids, { asOf: effective });
          const out: R[] = [];
          for (const id of ids)
            out.push(
              await evaluate(tx, id, { asOf: effective, at: effective, emit: emit as (e: NewEvent) => void }),
            );
          return out;
        }),
      );
    } catch (err) {
      if (ids.length === 1) failure ??= err;
      else for (const id of ids) await run([id]);
      return;
    }
    for (const r of batch) if (keep(r)) results.push(r);
  };
  for (let i = 0; i < projects.length; i += size) await run(projects.slice(i, i + size));
  if (failure !== undefined) throw failure;
  return { asOf: effective, projects: projects.length, results };
}
