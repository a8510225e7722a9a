import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPgliteThread,
  PGLITE_SHARED_BUFFERS,
  PGLITE_THREAD_YOUNG_GENERATION_MB,
} from './pglite-thread.ts';

describe('PGlite in a worker thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wagewatch-pglite-thread-'));
  let db: Awaited<ReturnType<typeof openPgliteThread>>;
  beforeAll(async () => {
    db = await openPgliteThread({ dataDir: join(dir, 'pglite') });
    await db.query(
      'CREATE TABLE t (id int8 PRIMARY KEY, day date, amount numeric, at timestamptz, note text)',
    );
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs PostgreSQL with the small page cache of PGLITE_SHARED_BUFFERS, not PGlite's 128MB", async () => {
    expect(await db.query('SHOW shared_buffers')).toEqual([{ shared_buffers: PGLITE_SHARED_BUFFERS }]);
  });

  it("reports its thread's heap, whose young generation is PGLITE_THREAD_YOUNG_GENERATION_MB, and the WASM heap", async () => {
    await db.query('SELECT generate_series(1, 20000) AS n, repeat($1, 100) AS filler', ['x']);
    const memory = await db.memory();
    expect(memory.youngBytes).toBeGreaterThan(0);
    expect(memory.youngBytes).toBeLessThanOrEqual(PGLITE_THREAD_YOUNG_GENERATION_MB * 1024 * 1024);
    expect(memory.heapBytes).toBeGreaterThan(memory.youngBytes!);
    // PostgreSQL's page cache alone is PGLITE_SHARED_BUFFERS (32MB) of it.
    expect(memory.wasmBytes).toBeGreaterThan(32 * 1024 * 1024);
  });

  it('returns the same JS types as openPglite: int8 bigint, date and numeric text, timestamptz Date', async () => {
    await db.query('INSERT INTO t VALUES ($1, $2, $3, $4, $5)', [
      9007199254740993n,
      '2026-10-15',
      '12.30',
      new Date('2026-10-15T02:00:00Z'),
      '工资',
    ]);
    const [row] = await db.query('SELECT * FROM t WHERE id = $1', [9007199254740993n]);
    expect(row).toEqual({
      id: 9007199254740993n,
      day: '2026-10-15',
      amount: '12.30',
      at: new Date('2026-10-15T02:00:00Z'),
      note: '工资',
    });
  });

  it('commits a transaction, rolls one back when its function throws, and keeps PostgreSQL error fields', async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES (1)');
      return (await tx.query<{ n: bigint }>('SELECT count(*) AS n FROM t WHERE id = 1'))[0]!.n;
    });
    expect(value).toBe(1n);
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (2)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const err = await db.query('INSERT INTO t (id) VALUES (1)').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '23505' });
    expect((await db.query<{ id: bigint }>('SELECT id FROM t WHERE id IN (1, 2)')).map((r) => r.id)).toEqual([
      1n,
    ]);
  });

  it('a statement outside a transaction waits for it and sees only what it committed', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO t (id) VALUES (3)');
      await gate;
      await t.query('INSERT INTO t (id) VALUES (4)');
    });
    const outside = db.query<{ n: bigint }>('SELECT count(*) AS n FROM t WHERE id IN (3, 4)');
    release();
    await tx;
    expect((await outside)[0]!.n).toBe(2n);
  });

  it('keeps what it committed in its data folder across a reopen', async () => {
    const other = join(dir, 'reopen');
    const first = await openPgliteThread({ dataDir: other });
    await first.query('CREATE TABLE kept (n int)');
    await first.query('INSERT INTO kept VALUES (7)');
    await first.close();
    const second = await openPgliteThread({ dataDir: other });
    expect(await second.query('SELECT n FROM kept')).toEqual([{ n: 7 }]);
    await second.close();
  });
});

describe('a new PGlite data folder', () => {
  it('is created in a child process whose failure is reported with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wagewatch-pglite-init-'));
    try {
      // A file where the data folder's parent should be: initdb cannot create it.
      writeFileSync(join(dir, 'not-a-folder'), 'x');
      await expect(openPgliteThread({ dataDir: join(dir, 'not-a-folder', 'pglite') })).rejects.toThrow(
        /creating the PGlite database failed \(exit 1\): .*ENOTDIR/s,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
