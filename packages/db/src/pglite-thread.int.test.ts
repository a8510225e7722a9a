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

  it('sends text, uuid and jsonb arrays as literals PostgreSQL reads back element for element', async () => {
    const texts = [
      'plain',
      '',
      'with "quotes"',
      'back\\slash \\"both\\"',
      '工资,{逗号}',
      '👷 工人 ü',
      'NULL',
      null,
      ' spaced ',
    ];
    const [row] = await db.query<{ t: (string | null)[]; n: number; j: unknown[]; u: string[] }>(
      `SELECT $1::text[] AS t, cardinality($1::text[]) AS n, $2::jsonb[] AS j, $3::uuid[] AS u`,
      [
        texts,
        [JSON.stringify({ note: 'a "quoted" \\ note', n: 1 }), null],
        ['0190a3c0-0000-7000-8000-000000000001'],
      ],
    );
    expect(row).toEqual({
      t: texts,
      n: texts.length,
      j: [{ note: 'a "quoted" \\ note', n: 1 }, null],
      u: ['0190a3c0-0000-7000-8000-000000000001'],
    });
    // Elements that are not all strings or nulls go to PGlite's own serializer: numbers into
    // text[], a two-dimensional array, an empty one.
    const [other] = await db.query<{ a: string[]; b: string[][]; c: string[] }>(
      'SELECT $1::text[] AS a, $2::text[] AS b, $3::text[] AS c',
      [
        [1, 'x', null],
        [
          ['a', 'b'],
          ['c', 'd'],
        ],
        [],
      ],
    );
    expect(other).toEqual({
      a: ['1', 'x', null],
      b: [
        ['a', 'b'],
        ['c', 'd'],
      ],
      c: [],
    });
  });

  it('sends and reads back strings of 1- to 4-byte UTF-8 characters, short and long (the patched protocol code)', async () => {
    const values = ['', 'a', 'ü', '工', '👷', `${'工资👷ü-'.repeat(20000)}end`];
    const rows = await db.query<{ v: string; bytes: number }>(
      'SELECT v, octet_length(v) AS bytes FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i) ORDER BY i',
      [values],
    );
    expect(rows.map((r) => r.v)).toEqual(values);
    expect(rows.map((r) => r.bytes)).toEqual(values.map((v) => Buffer.byteLength(v, 'utf8')));
    const [one] = await db.query<{ v: string }>('SELECT $1::text AS v', [values[5]]);
    expect(one!.v).toBe(values[5]);
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
