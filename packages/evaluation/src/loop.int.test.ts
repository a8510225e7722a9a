import { Outbox } from '@wagewatch/bus';
import type { Database, Sql } from '@wagewatch/db';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Evaluate, evaluateDirty, recordNextEvaluation, sweepDue } from './loop.ts';

// The evaluation kit's deferred loop (docs/adr/0025) over a schema of its tables, with an
// evaluation that records what it saw: on this machine's PostgreSQL, where a second connection can
// hold a project's lock or mark it again while a batch runs.

const SCHEMA = 'evk';

async function tables(db: Sql) {
  await db.query(`CREATE SCHEMA ${SCHEMA}`);
  await db.query(`CREATE TABLE ${SCHEMA}.outbox (seq bigserial PRIMARY KEY, event_id uuid UNIQUE NOT NULL, topic text NOT NULL,
    key text NOT NULL, type text NOT NULL, version int NOT NULL, occurred_at timestamptz NOT NULL, envelope jsonb NOT NULL,
    published_at timestamptz)`);
  await db.query(
    `CREATE TABLE ${SCHEMA}.evaluation_clock (id integer PRIMARY KEY, as_of timestamptz NOT NULL)`,
  );
  await db.query(`CREATE TABLE ${SCHEMA}.dirty_projects (project_id text PRIMARY KEY, changed_at timestamptz NOT NULL,
    correlation_id text, causation_id text)`);
  await db.query(
    `CREATE TABLE ${SCHEMA}.evaluated (n bigserial PRIMARY KEY, project_id text NOT NULL, batch text NOT NULL)`,
  );
  await db.query(`CREATE TABLE ${SCHEMA}.projects (project_id text PRIMARY KEY)`);
  await db.query(
    `CREATE TABLE ${SCHEMA}.evaluation_due (project_id text PRIMARY KEY, due_at timestamptz NOT NULL)`,
  );
}

const mark = (db: Sql, ids: readonly string[], at = '2026-12-03T10:00:00+08:00') =>
  db.query(
    `INSERT INTO ${SCHEMA}.dirty_projects (project_id, changed_at) SELECT id, $2::timestamptz FROM unnest($1::text[]) AS id
     ON CONFLICT (project_id) DO UPDATE SET changed_at = GREATEST(${SCHEMA}.dirty_projects.changed_at, EXCLUDED.changed_at)`,
    [ids, at],
  );

describe('evaluateDirty (the evaluation kit, PostgreSQL)', () => {
  let t: TestDatabase;
  let db: Database;
  const outbox = new Outbox(SCHEMA);
  beforeEach(async () => {
    t = await createTestDatabase('postgres', 'evk');
    db = t.db;
    await tables(db);
  });
  afterEach(() => t.drop());

  const marks = async () =>
    (
      await db.query<{ project_id: string }>(`SELECT project_id FROM ${SCHEMA}.dirty_projects ORDER BY 1`)
    ).map((r) => r.project_id);
  const evaluated = async () =>
    db.query<{ project_id: string; batch: string }>(
      `SELECT project_id, batch FROM ${SCHEMA}.evaluated ORDER BY n`,
    );

  /** Records each evaluation with the batch (prepare call) it belonged to. */
  function recording(hooks: { during?: (tx: Sql, id: string) => Promise<void> } = {}) {
    const prepared: string[][] = [];
    const evaluate: Evaluate<void> = async (tx, id) => {
      await hooks.during?.(tx, id);
      await tx.query(`INSERT INTO ${SCHEMA}.evaluated (project_id, batch) VALUES ($1, $2)`, [
        id,
        String(prepared.length - 1),
      ]);
    };
    const prepare = async (_tx: Sql, ids: readonly string[]) => void prepared.push([...ids]);
    return { evaluate, prepare, prepared };
  }

  it('evaluates the marked projects in batches, each prepared at once, and removes their marks', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `P-${i}`);
    await mark(db, ids);
    const r = recording();
    expect(await evaluateDirty(SCHEMA, { db, outbox }, r.evaluate, { batch: 3, prepare: r.prepare })).toBe(
      true,
    );
    expect(r.prepared).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
    expect((await evaluated()).map((e) => e.project_id)).toEqual(ids);
    expect(await marks()).toEqual([]);
    expect(await evaluateDirty(SCHEMA, { db, outbox }, r.evaluate, { batch: 3, prepare: r.prepare })).toBe(
      false,
    );
  });

  it('keeps a mark a consumer renewed during the evaluation (it did not wait), for the next pass', async () => {
    await mark(db, ['A', 'B', 'C']);
    const r = recording({
      // Another connection marks B again while B's batch runs, as a consumer's batch would.
      during: async (_tx, id) => void (id === 'B' ? await mark(db, ['B']) : undefined),
    });
    await evaluateDirty(SCHEMA, { db, outbox }, r.evaluate, { prepare: r.prepare });
    expect(await marks()).toEqual(['B']);
    const again = recording();
    await evaluateDirty(SCHEMA, { db, outbox }, again.evaluate, { prepare: again.prepare });
    expect(again.prepared).toEqual([['B']]);
    expect(await marks()).toEqual([]);
  });

  it('passes over a project another evaluation holds, then waits for it and evaluates it if still marked', async () => {
    await mark(db, ['A', 'B', 'C', 'D']);
    let release!: () => void;
    let held!: () => void;
    const isHeld = new Promise<void>((resolve) => {
      held = resolve;
    });
    // Another replica evaluating B and D: their locks held, their marks renewed before it commits (B).
    const other = db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1)), pg_advisory_xact_lock(hashtext($2))', [
        `${SCHEMA}:evaluate:B`,
        `${SCHEMA}:evaluate:D`,
      ]);
      held();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      await tx.query(`DELETE FROM ${SCHEMA}.dirty_projects WHERE project_id = 'D'`);
    });
    await isHeld;
    const r = recording();
    const pass = evaluateDirty(SCHEMA, { db, outbox }, r.evaluate, { batch: 2, prepare: r.prepare });
    // A and C are evaluated without waiting for the holder.
    for (let i = 0; i < 200 && (await evaluated()).length < 2; i++)
      await new Promise((s) => setTimeout(s, 10));
    expect((await evaluated()).map((e) => e.project_id)).toEqual(['A', 'C']);
    release();
    await other;
    await pass;
    // Then B, which the holder left marked; D it took (no mark left), so D is not evaluated twice.
    expect((await evaluated()).map((e) => e.project_id)).toEqual(['A', 'C', 'B']);
    expect(await marks()).toEqual([]);
  });

  it('a project that fails does not hold back the others of its batch; the error comes after the pass', async () => {
    await mark(db, ['A', 'B', 'C']);
    const r = recording({
      during: async (_tx, id) => {
        if (id === 'B') throw new Error('B cannot be evaluated');
      },
    });
    await expect(evaluateDirty(SCHEMA, { db, outbox }, r.evaluate, { prepare: r.prepare })).rejects.toThrow(
      'B cannot be evaluated',
    );
    expect((await evaluated()).map((e) => e.project_id)).toEqual(['A', 'C']);
    expect(await marks()).toEqual(['B']);
  });
});

describe('sweepDue (the evaluation kit, PostgreSQL)', () => {
  let t: TestDatabase;
  let db: Database;
  const outbox = new Outbox(SCHEMA);
  const asOf = new Date('2026-12-03T10:00:00+08:00');
  beforeEach(async () => {
    t = await createTestDatabase('postgres', 'evk');
    db = t.db;
    await tables(db);
  });
  afterEach(() => t.drop());

  const projects = (ids: readonly string[]) =>
    db.query(`INSERT INTO ${SCHEMA}.projects (project_id) SELECT unnest($1::text[])`, [ids]);
  const evaluated = async () =>
    (await db.query<{ project_id: string }>(`SELECT project_id FROM ${SCHEMA}.evaluated ORDER BY n`)).map(
      (r) => r.project_id,
    );

  /** Records each evaluation, and its next due instant (a day later, or `dueAt` of the project). */
  function recording(hooks: { during?: (id: string) => void; dueAt?: Record<string, Date> } = {}) {
    const prepared: string[][] = [];
    const locksHeld: boolean[] = [];
    const evaluate: Evaluate<string> = async (tx, id, options) => {
      hooks.during?.(id);
      // The batch holds the project's advisory lock before `prepare` and the evaluation.
      const [held] = await tx.query<{ n: bigint }>(
        `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
         AND objid::int = hashtext($1)`,
        [`${SCHEMA}:evaluate:${id}`],
      );
      locksHeld.push(held!.n > 0n);
      await tx.query(`INSERT INTO ${SCHEMA}.evaluated (project_id, batch) VALUES ($1, $2)`, [
        id,
        String(prepared.length - 1),
      ]);
      await recordNextEvaluation(
        tx,
        SCHEMA,
        id,
        hooks.dueAt?.[id] ?? new Date(options.asOf.getTime() + 86_400_000),
      );
      return id;
    };
    const prepare = async (_tx: Sql, ids: readonly string[]) => void prepared.push([...ids]);
    return { evaluate, prepare, prepared, locksHeld };
  }

  it("evaluates the projects due in batches, each prepared once under its projects' locks", async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `P-${i}`);
    await projects(ids);
    const r = recording();
    const result = await sweepDue(SCHEMA, { db, outbox }, asOf, r.evaluate, { batch: 2, prepare: r.prepare });
    expect(result).toEqual({ asOf, projects: 5, results: ids });
    expect(r.prepared).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
    expect(r.locksHeld).toEqual(ids.map(() => true));
    // Each is due a day later: a sweep at the same instant, or an hour on, evaluates none.
    expect((await sweepDue(SCHEMA, { db, outbox }, asOf, r.evaluate, { batch: 2 })).projects).toBe(0);
    const later = new Date(asOf.getTime() + 3_600_000);
    expect((await sweepDue(SCHEMA, { db, outbox }, later, r.evaluate)).projects).toBe(0);
    expect(await evaluated()).toEqual(ids);
  });

  it('evaluates only the projects due by the instant, and keeps the results asked for', async () => {
    await projects(['A', 'B', 'C']);
    const soon = new Date(asOf.getTime() + 60_000);
    const first = recording({ dueAt: { B: soon } });
    await sweepDue(SCHEMA, { db, outbox }, asOf, first.evaluate);
    const again = recording();
    const result = await sweepDue(SCHEMA, { db, outbox }, soon, again.evaluate, { keep: (id) => id !== 'B' });
    expect(result).toEqual({ asOf: soon, projects: 1, results: [] });
    expect(await evaluated()).toEqual(['A', 'B', 'C', 'B']);
  });

  it('a project that fails does not hold back the others; the error comes after the sweep', async () => {
    await projects(['A', 'B', 'C', 'D']);
    const r = recording({
      during: (id) => {
        if (id === 'B') throw new Error('B cannot be evaluated');
      },
    });
    await expect(
      sweepDue(SCHEMA, { db, outbox }, asOf, r.evaluate, { batch: 3, prepare: r.prepare }),
    ).rejects.toThrow('B cannot be evaluated');
    // The batch A-C failed and was retried one project at a time; D's batch was not affected.
    expect(await evaluated()).toEqual(['A', 'C', 'D']);
    expect(r.prepared).toEqual([['A', 'B', 'C'], ['A'], ['B'], ['C'], ['D']]);
    // B has no due row: the next sweep evaluates it again.
    const due = await db.query<{ project_id: string }>(
      `SELECT project_id FROM ${SCHEMA}.evaluation_due ORDER BY 1`,
    );
    expect(due.map((d) => d.project_id)).toEqual(['A', 'C', 'D']);
  });
});
