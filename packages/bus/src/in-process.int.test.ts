import type { KnownEnvelope } from '@wagewatch/contracts';
import { TOPICS } from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Consumer } from './consumer.ts';
import { InProcessBus } from './in-process.ts';
import { Outbox } from './outbox.ts';

const logger = pino({ level: 'silent' });

async function delivery(db: Sql, schema: string) {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await db.query(`CREATE TABLE ${schema}.outbox (seq bigserial PRIMARY KEY, event_id uuid UNIQUE NOT NULL, topic text NOT NULL, key text NOT NULL,
    type text NOT NULL, version int NOT NULL, occurred_at timestamptz NOT NULL, envelope jsonb NOT NULL, published_at timestamptz)`);
  await db.query(
    `CREATE TABLE ${schema}.inbox (event_id uuid PRIMARY KEY, type text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  await db.query(`CREATE TABLE ${schema}.cursors (source text PRIMARY KEY, position bigint NOT NULL)`);
  await db.query(`CREATE TABLE ${schema}.dead_letters (id bigserial PRIMARY KEY, source text NOT NULL, event_id text, event_type text,
    row_index integer, reason text NOT NULL, payload text NOT NULL, failed_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'open', reapplied_at timestamptz)`);
  await db.query(`CREATE TABLE ${schema}.dead_letter_attempts (id bigserial PRIMARY KEY, dead_letter_id bigint NOT NULL,
    attempted_by text NOT NULL, attempted_at timestamptz NOT NULL, outcome text NOT NULL, detail text)`);
}

/** A consumer that records each applied statement's date in its own table, in order. */
function recorder(
  options: { failOnce?: Set<string>; poison?: Set<string> } = {},
): Consumer & { idleRuns: number } {
  const c = {
    group: 'sink',
    topics: [TOPICS.ingest],
    idleRuns: 0,
    async apply(tx: Sql, e: KnownEnvelope) {
      if (e.type !== 'bank.statement-reported') return;
      await tx.query('INSERT INTO sink.applied (date) VALUES ($1)', [e.data.date]);
      if (options.failOnce?.delete(e.data.date)) throw new Error('transient failure after a partial write');
      if (options.poison?.has(e.data.date))
        throw Object.assign(new Error(`cannot apply ${e.data.date}`), { retryable: false });
    },
    async idle() {
      c.idleRuns++;
      return false;
    },
  };
  return c;
}

const statement = (date: string) => ({
  topic: TOPICS.ingest,
  type: 'bank.statement-reported' as const,
  key: 'P-1',
  occurredAt: new Date('2026-11-13T10:00:00+08:00'),
  data: {
    projectId: 'P-1',
    bankCode: 'B',
    accountNo: '6222000011112222',
    date,
    openingBalance: '0.00',
    closingBalance: '0.00',
    debitCount: 0,
    debitTotal: '0.00',
    creditCount: 0,
    creditTotal: '0.00',
    receivedAt: '2026-11-13T10:00:00.000+08:00',
  },
});
const days = (n: number) => Array.from({ length: n }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);

describe.each(['pglite', 'postgres'] as const)('in-process delivery on %s', (kind) => {
  let t: TestDatabase;
  let db: Database;
  const outbox = new Outbox('src');
  beforeEach(async () => {
    t = await createTestDatabase(kind, 'bus');
    db = t.db;
    await delivery(db, 'src');
    await delivery(db, 'sink');
    await db.query('CREATE TABLE sink.applied (n bigserial PRIMARY KEY, date text NOT NULL)');
  });
  afterEach(() => t.drop());
  const applied = async () =>
    (await db.query<{ date: string }>('SELECT date FROM sink.applied ORDER BY n')).map((r) => r.date);

  it('delivers every event once, in outbox order, and a rerun of the same log applies nothing again', async () => {
    await outbox.unitOfWork(db, async (_tx, emit) =>
      days(20).forEach((d) => {
        emit(statement(d));
      }),
    );
    const consumer = recorder();
    const bus = new InProcessBus(db, [outbox], [consumer], logger, { batchSize: 7 });
    await bus.drain();
    expect(await applied()).toEqual(days(20));
    // Rewind the cursor, as a replay would: the inbox skips every event already applied.
    await db.query('UPDATE sink.cursors SET position = 0');
    await bus.drain();
    expect(await applied()).toEqual(days(20));
    expect(bus.stats).toMatchObject({ applied: 20, skipped: 20, deadLettered: 0 });
    expect(consumer.idleRuns).toBeGreaterThan(0);
  });

  it('reads an idle outbox only after a commit to it, or at the next poll when another process wrote it', async () => {
    const bus = new InProcessBus(db, [outbox], [recorder()], logger, { pollMs: 200, idleDelayMs: 20 });
    bus.start();
    try {
      await outbox.unitOfWork(db, async (_tx, emit) => void emit(statement('2026-10-01')));
      await bus.drain();
      expect(await applied()).toEqual(['2026-10-01']);
      // Another process's outbox object: this bus hears nothing of its commit, its poll finds it.
      const elsewhere = new Outbox('src');
      await elsewhere.unitOfWork(db, async (_tx, emit) => void emit(statement('2026-10-02')));
      const until = Date.now() + 5000;
      while ((await applied()).length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(await applied()).toEqual(['2026-10-01', '2026-10-02']);
    } finally {
      await bus.stop();
    }
  });

  it('waits while requests that write are in flight, at most yieldMaxMs, and never when drained', async () => {
    let writing = true;
    const bus = new InProcessBus(db, [outbox], [recorder()], logger, {
      pollMs: 100,
      idleDelayMs: 10,
      busy: () => writing,
      yieldMaxMs: 60_000,
    });
    bus.start();
    try {
      await outbox.unitOfWork(db, async (_tx, emit) => void emit(statement('2026-10-01')));
      // A request is being served: the event waits (its commit woke the bus, several polls pass).
      await new Promise((r) => setTimeout(r, 400));
      expect(await applied()).toEqual([]);
      writing = false;
      const until = Date.now() + 5000;
      while ((await applied()).length < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await applied()).toEqual(['2026-10-01']);
      expect(bus.stats.yieldedMs).toBeGreaterThanOrEqual(300);
      // drain() (tests, the sweep's timer) does not wait for requests.
      writing = true;
      await outbox.unitOfWork(db, async (_tx, emit) => void emit(statement('2026-10-02')));
      await bus.drain();
      expect(await applied()).toEqual(['2026-10-01', '2026-10-02']);
    } finally {
      writing = false;
      await bus.stop();
    }
  });

  it('under requests that never pause, still delivers after each yieldMaxMs', async () => {
    const bus = new InProcessBus(db, [outbox], [recorder()], logger, {
      pollMs: 100,
      idleDelayMs: 10,
      busy: () => true,
      yieldMaxMs: 300,
    });
    bus.start();
    try {
      for (const d of days(3)) await outbox.unitOfWork(db, async (_tx, emit) => void emit(statement(d)));
      const until = Date.now() + 10_000;
      while ((await applied()).length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await applied()).toEqual(days(3));
      expect(bus.stats.yieldedMs).toBeGreaterThanOrEqual(300);
    } finally {
      await bus.stop();
    }
  });

  it('a failure after a partial write rolls the batch back and the retry applies it once', async () => {
    await outbox.unitOfWork(db, async (_tx, emit) =>
      days(10).forEach((d) => {
        emit(statement(d));
      }),
    );
    const bus = new InProcessBus(db, [outbox], [recorder({ failOnce: new Set(['2026-10-05']) })], logger);
    await bus.drain();
    expect(await applied()).toEqual(days(10));
  });

  it('an event that cannot be applied is dead-lettered with its reason and the rest still flows', async () => {
    await outbox.unitOfWork(db, async (_tx, emit) =>
      days(6).forEach((d) => {
        emit(statement(d));
      }),
    );
    // And an envelope of an unknown version, written straight into the log.
    await db.query(
      `INSERT INTO src.outbox (event_id, topic, key, type, version, occurred_at, envelope)
       VALUES ('00000000-0000-4000-8000-000000000001', $1, 'P-1', 'bank.statement-reported', 9, now(), $2)`,
      [
        TOPICS.ingest,
        JSON.stringify({
          ...statement('2026-10-07'),
          id: '00000000-0000-4000-8000-000000000001',
          version: 9,
          metadata: { producer: 'x' },
        }),
      ],
    );
    await outbox.unitOfWork(db, async (_tx, emit) => emit(statement('2026-10-08')));
    const bus = new InProcessBus(db, [outbox], [recorder({ poison: new Set(['2026-10-03']) })], logger);
    await bus.drain();
    expect(await applied()).toEqual([
      '2026-10-01',
      '2026-10-02',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-08',
    ]);
    const dead = await db.query<{ reason: string }>('SELECT reason FROM sink.dead_letters ORDER BY id');
    expect(dead.map((d) => d.reason)).toEqual([
      'cannot apply 2026-10-03',
      'unsupported version 9 of bank.statement-reported (known: 1)',
    ]);
  });

  it('passes over the types a consumer does not apply: no inbox row, no parsing, and its cursor still moves', async () => {
    await outbox.unitOfWork(db, async (_tx, emit) => {
      for (const d of days(5)) emit(statement(d));
    });
    const choosy = { ...recorder(), types: new Set(['bank.transfers-reported']) };
    const bus = new InProcessBus(db, [outbox], [choosy], logger);
    await bus.drain();
    expect(await applied()).toEqual([]);
    const [inbox] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sink.inbox');
    expect(inbox?.n).toBe(0);
    // The same consumer applying statements starts after them: its position moved past them.
    const later = new InProcessBus(db, [outbox], [recorder()], logger);
    await bus.stop();
    await outbox.unitOfWork(db, async (_tx, emit) => void emit(statement('2026-10-06')));
    await later.drain();
    expect(await applied()).toEqual(['2026-10-06']);
  });

  it('keeps the cursor durable: a new bus on the same database resumes where the last one stopped', async () => {
    await outbox.unitOfWork(db, async (_tx, emit) =>
      days(5).forEach((d) => {
        emit(statement(d));
      }),
    );
    await new InProcessBus(db, [outbox], [recorder()], logger).drain();
    await outbox.unitOfWork(db, async (_tx, emit) =>
      days(9)
        .slice(5)
        .forEach((d) => {
          emit(statement(d));
        }),
    );
    const second = new InProcessBus(db, [outbox], [recorder()], logger);
    await second.drain();
    expect(await applied()).toEqual(days(9));
    expect(second.stats.applied).toBe(4);
  });
});
