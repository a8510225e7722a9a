import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openPglite, openPostgres } from './database.ts';
import { migrate } from './migrate.ts';

// This package sits below testkit, so it makes its own throwaway databases.
const ADMIN_URL = process.env.WAGEWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
type TestDatabase = { db: Database; drop(): Promise<void> };
async function createTestDatabase(kind: 'pglite' | 'postgres', label: string): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openPglite();
    return { db, drop: () => db.close() };
  }
  const name = `ww_db_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = openPostgres({ connectionString: url.toString() });
  return {
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

const folder = fileURLToPath(new URL('../../../services/ledger/drizzle', import.meta.url));

describe.each(['pglite', 'postgres'] as const)('migrations on %s', (kind) => {
  let t: TestDatabase;
  afterEach(() => t.drop());

  it('apply once, then again apply nothing, and give the same types on both drivers', async () => {
    t = await createTestDatabase(kind, 'migrate');
    expect(await migrate(t.db, { folder, schema: 'ledger' })).toBeGreaterThan(0);
    expect(await migrate(t.db, { folder, schema: 'ledger' })).toBe(0);
    const [row] = await t.db.query<{ n: bigint; d: string; at: Date }>(
      "SELECT 9007199254740993::int8 AS n, DATE '2026-02-14' AS d, TIMESTAMPTZ '2026-02-14T00:00:00+08:00' AS at",
    );
    expect(row).toEqual({ n: 9007199254740993n, d: '2026-02-14', at: new Date('2026-02-13T16:00:00Z') });
  });

  it('two processes starting at once apply each migration once', async () => {
    t = await createTestDatabase(kind, 'migrate2');
    const applied = await Promise.all([
      migrate(t.db, { folder, schema: 'ledger' }),
      migrate(t.db, { folder, schema: 'ledger' }),
    ]);
    expect(applied.sort()).toEqual([0, applied[1]]);
    const rows = await t.db.query<{ n: bigint }>('SELECT count(*) AS n FROM migrations.ledger');
    expect(Number(rows[0]!.n)).toBe(applied[1]);
  });

  it('rolls a failing transaction back entirely', async () => {
    t = await createTestDatabase(kind, 'tx');
    await t.db.query('CREATE TABLE t (x int PRIMARY KEY)');
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (1)');
        await tx.query('INSERT INTO t VALUES (1)');
      }),
    ).rejects.toThrow();
    expect(await t.db.query('SELECT * FROM t')).toEqual([]);
  });
});
