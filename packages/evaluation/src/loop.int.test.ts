import { Outbox } from '@wagewatch/bus';
import type { Database, Sql } from '@wagewatch/db';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Evaluate, evaluateDirty } from './loop.ts';

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
