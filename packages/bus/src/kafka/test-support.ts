/** Shared by the Kafka integration tests (not exported from the package). */
import { randomUUID } from 'node:crypto';
import { type Envelope, TOPICS } from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import pino from 'pino';
import type { Consumer } from '../consumer.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export const silent = pino({ level: process.env.TEST_LOG ?? 'silent' });

/** A kafkajs client with short retries and timeouts, so a test fails fast instead of hanging. */
export function testKafka(brokers: string, clientId = 'bus-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 8 },
  });
}

/** Consumer-group settings that make joins and rebalances take well under a second. */
export const fastGroup = {
  sessionTimeout: 6000,
  heartbeatInterval: 300,
  rebalanceTimeout: 3000,
  maxWaitTimeInMs: 50,
  retryInitialMs: 20,
  retryMaxMs: 100,
  idleDelayMs: 50,
} as const;

/** Polls `check` until it returns a truthy value (or no longer throws); fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 15_000, intervalMs = 50, what = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The delivery tables of one service schema (as packages/db's deliveryTables declares them). */
export async function createDeliverySchema(db: Database, schema: string): Promise<void> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await db.query(`CREATE TABLE IF NOT EXISTS "${schema}".outbox (
    seq bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, topic text NOT NULL, key text NOT NULL,
    type text NOT NULL, version integer NOT NULL, occurred_at timestamptz NOT NULL, envelope jsonb NOT NULL,
    published_at timestamptz)`);
  await db.query(`CREATE TABLE IF NOT EXISTS "${schema}".inbox (
    event_id uuid PRIMARY KEY, type text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  await db.query(
    `CREATE TABLE IF NOT EXISTS "${schema}".cursors (source text PRIMARY KEY, position bigint NOT NULL)`,
  );
  await db.query(`CREATE TABLE IF NOT EXISTS "${schema}".dead_letters (
    id bigserial PRIMARY KEY, source text NOT NULL, event_id text, event_type text, row_index integer,
    reason text NOT NULL, payload text NOT NULL, failed_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'open', reapplied_at timestamptz)`);
  await db.query(`CREATE TABLE IF NOT EXISTS "${schema}".dead_letter_attempts (
    id bigserial PRIMARY KEY, dead_letter_id bigint NOT NULL, attempted_by text NOT NULL,
    attempted_at timestamptz NOT NULL, outcome text NOT NULL, detail text)`);
  await db.query(`CREATE TABLE IF NOT EXISTS "${schema}".applied (
    id bigserial PRIMARY KEY, event_id uuid NOT NULL, key text NOT NULL, n integer NOT NULL, by text NOT NULL)`);
}

/** A test event: `bank.transfers-reported` with no transfers; its order number rides in bankCode. */
export function testEvent(key: string, n: number, topic: string = TOPICS.ingest) {
  return {
    topic,
    type: 'bank.transfers-reported' as const,
    key,
    data: { projectId: key, bankCode: `n:${n}`, transfers: [] },
    occurredAt: new Date('2025-03-01T00:00:00Z'),
  };
}

export function testEnvelope(key: string, n: number, version = 1): Envelope {
  return {
    id: randomUUID(),
    type: 'bank.transfers-reported',
    version,
    occurredAt: '2025-03-01T00:00:00.000Z',
    key,
    data: { projectId: key, bankCode: `n:${n}`, transfers: [] },
    metadata: { producer: 'test' },
  };
}

/**
 * A consumer that records each applied event in `<group>.applied` (inside the apply
 * transaction: only committed applies count). `fail` may throw to inject faults.
 */
export function recordingConsumer(
  group: string,
  topics: readonly string[],
  by: string,
  fail?: (n: number, key: string) => void,
): Consumer & { calls: number } {
  const c = {
    group,
    topics,
    calls: 0,
    async apply(tx: Sql, event: { id: string; key: string; data: unknown }) {
      c.calls++;
      const n = Number(String((event.data as { bankCode: string }).bankCode).slice(2));
      fail?.(n, event.key);
      await tx.query(`INSERT INTO "${group}".applied (event_id, key, n, by) VALUES ($1, $2, $3, $4)`, [
        event.id,
        event.key,
        n,
        by,
      ]);
    },
  };
  return c;
}

export async function appliedRows(db: Database, group: string) {
  return db.query<{ id: bigint; event_id: string; key: string; n: number; by: string }>(
    `SELECT id, event_id, key, n, by FROM "${group}".applied ORDER BY id`,
  );
}

/** Per key, the order numbers in the order they were applied. */
export function orderByKey(rows: { key: string; n: number }[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const r of rows) {
    const list = m.get(r.key) ?? [];
    list.push(r.n);
    m.set(r.key, list);
  }
  return m;
}

/** Reads a topic from the beginning with a throw-away group; `messages` fills as they arrive. */
export async function collect(kafka: Kafka, topic: string) {
  const messages: (KafkaMessage & { partition: number })[] = [];
  const c = kafka.consumer({
    groupId: `collect-${randomUUID()}`,
    maxWaitTimeInMs: 50,
    heartbeatInterval: 300,
  });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  await c.run({
    eachMessage: async ({ message, partition }) => {
      messages.push({ ...message, partition });
    },
  });
  return { messages, stop: () => c.disconnect() };
}
