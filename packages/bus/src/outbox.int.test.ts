import { TOPICS } from '@wagewatch/contracts';
import { createPostgresDatabase, type TestDatabase } from '@wagewatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';

// The outbox's lock and its rows are one statement: a second writer still waits for the first
// to commit before it draws a seq, so that seq order is commit order (PostgreSQL: connections).
describe('the outbox on PostgreSQL', () => {
  let t: TestDatabase;
  const outbox = new Outbox('src');
  const event = (key: string) => ({
    topic: TOPICS.ingest,
    type: 'bank.statement-reported' as const,
    key,
    occurredAt: new Date('2026-11-13T10:00:00+08:00'),
    data: {
      projectId: key,
      bankCode: 'B',
      accountNo: '6222000011112222',
      date: '2026-11-12',
      openingBalance: '0.00',
      closingBalance: '0.00',
      debitCount: 0,
      debitTotal: '0.00',
      creditCount: 0,
      creditTotal: '0.00',
      receivedAt: '2026-11-13T10:00:00.000+08:00',
    },
  });
  beforeAll(async () => {
    t = await createPostgresDatabase('outbox');
    await t.db.query('CREATE SCHEMA src');
    await t.db.query(`CREATE TABLE src.outbox (seq bigserial PRIMARY KEY, event_id uuid UNIQUE NOT NULL, topic text NOT NULL,
      key text NOT NULL, type text NOT NULL, version int NOT NULL, occurred_at timestamptz NOT NULL, envelope jsonb NOT NULL,
      published_at timestamptz)`);
  });
  afterAll(() => t.drop());

  it('a second writer draws its seq only after the first has committed, and rows keep the events order', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let appended: () => void = () => {};
    const held = new Promise<void>((r) => {
      appended = r;
    });
    await outbox.unitOfWork(t.db, async (_tx, emit) => {
      for (const k of ['A-1', 'A-2', 'A-3']) emit(event(k));
    });
    // The first holds its transaction open after appending (its lock is held until it ends).
    const holding = t.db.transaction(async (tx) => {
      await outbox.append(tx, [event('H-1'), event('H-2')]);
      appended();
      await gate;
    });
    await held;
    const drawn = async () =>
      (await t.db.query<{ n: bigint }>('SELECT last_value AS n FROM src.outbox_seq_seq'))[0]!.n;
    expect(await drawn()).toBe(5n);
    const second = outbox.unitOfWork(t.db, async (_tx, emit) => void emit(event('B-1')));
    // The second waits on the advisory lock: seen from a third connection.
    for (;;) {
      const waiting = await t.db.query<{ n: bigint }>(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
      );
      if (waiting[0]!.n > 0n) break;
    }
    // It has drawn no seq while it waits (a seq drawn before the lock could commit before H's).
    expect(await drawn()).toBe(5n);
    const before = await t.db.query<{ key: string }>('SELECT key FROM src.outbox ORDER BY seq');
    expect(before.map((r) => r.key)).toEqual(['A-1', 'A-2', 'A-3']);
    release();
    await holding;
    await second;
    const rows = await t.db.query<{ key: string }>('SELECT key FROM src.outbox ORDER BY seq');
    expect(rows.map((r) => r.key)).toEqual(['A-1', 'A-2', 'A-3', 'H-1', 'H-2', 'B-1']);
  });
});
