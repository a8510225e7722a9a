import { startBroker } from '@wagewatch/kafka-test-broker';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConsumerRunner } from './consumer.ts';
import {
  appliedRows,
  collect,
  createDeliverySchema,
  eventually,
  fastGroup,
  orderByKey,
  recordingConsumer,
  silent,
  testEnvelope,
  testKafka,
} from './test-support.ts';

let broker: Awaited<ReturnType<typeof startBroker>>;
let tdb: TestDatabase;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
  tdb = await createTestDatabase('pglite');
  kafka = testKafka(broker.brokers);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await tdb?.drop();
  await broker?.stop();
});

async function produceEvents(topic: string, keys: string[], perKey: number) {
  const messages = [];
  for (let n = 0; n < perKey; n++)
    for (const key of keys) messages.push({ key, value: JSON.stringify(testEnvelope(key, n)) });
  await producer.send({ topic, acks: -1, messages });
  return messages.length;
}

class Transient extends Error {
  readonly retryable = true;
}
class Invalid extends Error {
  readonly retryable = false;
}

describe('KafkaConsumerRunner', () => {
  it('two runners in one group over 6 partitions apply every event exactly once, in per-key order', async () => {
    const db = tdb.db;
    const topic = 'runner.two.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    await createDeliverySchema(db, 'g_two');
    const keys = Array.from({ length: 12 }, (_, i) => `project-${i}`);
    const a = new KafkaConsumerRunner(db, recordingConsumer('g_two', [topic], 'a'), kafka, silent, fastGroup);
    const b = new KafkaConsumerRunner(db, recordingConsumer('g_two', [topic], 'b'), kafka, silent, fastGroup);
    await a.start();
    await produceEvents(topic, keys, 20);
    await b.start(); // joins mid-stream: a rebalance moves partitions under load
    await produceEvents(topic, keys, 20); // a second round, numbered 0..19 again
    const total = keys.length * 20 * 2;
    await eventually(async () => (await appliedRows(db, 'g_two')).length >= total, {
      what: `${total} applied`,
    });
    await eventually(async () => (await a.lag()) === 0, { what: 'lag 0' });
    await Promise.all([a.stop(), b.stop()]);

    const rows = await appliedRows(db, 'g_two');
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(total);
    expect(new Set(rows.map((r) => r.by))).toEqual(new Set(['a', 'b']));
    // Per key: both rounds 0..19 in order (round 1 then round 2).
    for (const [, ns] of orderByKey(rows)) {
      expect(ns).toEqual([
        ...Array.from({ length: 20 }, (_, i) => i),
        ...Array.from({ length: 20 }, (_, i) => i),
      ]);
    }
  });

  it('dead-letters a non-JSON message, an unknown version and a non-retryable apply failure; the partition keeps flowing', async () => {
    const db = tdb.db;
    const topic = 'runner.dlq.v1';
    const dlqTopic = 'wagewatch.dlq.g_dlq.v1';
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 1 },
        { topic: dlqTopic, numPartitions: 1 },
      ],
    });
    await createDeliverySchema(db, 'g_dlq');
    const consumer = recordingConsumer('g_dlq', [topic], 'x', (n) => {
      if (n === 666) throw new Invalid('cannot apply event 666');
    });
    const deadLettered: number[] = [];
    const runner = new KafkaConsumerRunner(db, consumer, kafka, silent, {
      ...fastGroup,
      onDeadLettered: (n) => deadLettered.push(n),
    });
    const notJson = Buffer.from('{"this is": not json');
    const unknownVersion = JSON.stringify(testEnvelope('k', 1, 7));
    const poison = JSON.stringify(testEnvelope('k', 666));
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'k', value: JSON.stringify(testEnvelope('k', 0)) },
        { key: 'k', value: notJson },
        { key: 'k', value: JSON.stringify(testEnvelope('k', 2)) },
        { key: 'k', value: unknownVersion },
        { key: 'k', value: JSON.stringify(testEnvelope('k', 3)) },
        { key: 'k', value: poison },
        { key: 'k', value: JSON.stringify(testEnvelope('k', 4)) },
      ],
    });
    const dlq = await collect(kafka, dlqTopic);
    await runner.start();
    await eventually(() => dlq.messages.length >= 3, { what: '3 dead letters on the DLQ topic' });
    await eventually(async () => (await appliedRows(db, 'g_dlq')).length >= 4, { what: '4 applied' });
    await runner.stop();
    await dlq.stop();

    expect((await appliedRows(db, 'g_dlq')).map((r) => r.n)).toEqual([0, 2, 3, 4]);
    expect(dlq.messages).toHaveLength(3);
    const [m1, m2, m3] = dlq.messages;
    expect(m1!.value).toEqual(notJson);
    expect(m1!.headers?.['x-reason']?.toString()).toMatch(/not JSON/);
    expect(m1!.headers?.['x-source-offset']?.toString()).toBe('1');
    expect(m1!.headers?.['x-source-topic']?.toString()).toBe(topic);
    expect(m1!.headers?.['x-source-partition']?.toString()).toBe('0');
    expect(m2!.value?.toString()).toBe(unknownVersion);
    expect(m2!.headers?.['x-reason']?.toString()).toMatch(/unsupported version 7/);
    expect(m2!.headers?.['x-source-offset']?.toString()).toBe('3');
    expect(m3!.value?.toString()).toBe(poison);
    expect(m3!.headers?.['x-reason']?.toString()).toBe('cannot apply event 666');
    expect(m3!.headers?.['x-source-offset']?.toString()).toBe('5');
    const table = await db.query<{ reason: string; payload: string }>(
      'SELECT reason, payload FROM g_dlq.dead_letters ORDER BY id',
    );
    expect(table.map((r) => r.payload)).toEqual([notJson.toString(), unknownVersion, poison]);
    expect(deadLettered.reduce((s, n) => s + n, 0)).toBe(3);
  });

  it('keeps a batch event with one bad row: good rows applied, the row dead-lettered alone, whole messages still on the DLQ topic', async () => {
    const db = tdb.db;
    const topic = 'runner.rows.v1';
    const dlqTopic = 'wagewatch.dlq.g_rows.v1';
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 1 },
        { topic: dlqTopic, numPartitions: 1 },
      ],
    });
    await createDeliverySchema(db, 'g_rows');
    const consumer = recordingConsumer('g_rows', [topic], 'x', (n) => {
      if (n === 666) throw new Invalid('cannot apply event 666');
    });
    const runner = new KafkaConsumerRunner(db, consumer, kafka, silent, fastGroup);
    const row = (bankRef: string, amount: string) => ({
      bankRef,
      accountNo: '2302010009100000001',
      direction: 'debit',
      amount,
      counterpartyAccountNo: '6222020000000000001',
      counterpartyName: '工人1',
      bookedAt: '2026-11-13T10:00:00+08:00',
      status: 'booked',
    });
    const withRows = testEnvelope('k', 1);
    withRows.data = {
      projectId: 'k',
      bankCode: 'n:1',
      transfers: [row('A', '1.00'), row('B', '99999999999999.00')],
    };
    const poison = JSON.stringify(testEnvelope('k', 666));
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'k', value: JSON.stringify(withRows) },
        { key: 'k', value: poison },
        { key: 'k', value: JSON.stringify(testEnvelope('k', 2)) },
      ],
    });
    const dlq = await collect(kafka, dlqTopic);
    await runner.start();
    await eventually(() => dlq.messages.length >= 1, { what: 'the poison message on the DLQ topic' });
    await eventually(async () => (await appliedRows(db, 'g_rows')).length >= 2, { what: '2 applied' });
    await runner.stop();
    await dlq.stop();

    expect((await appliedRows(db, 'g_rows')).map((r) => r.n)).toEqual([1, 2]);
    expect(dlq.messages.map((m) => m.value?.toString())).toEqual([poison]);
    const table = await db.query<{ row_index: number | null; event_id: string; reason: string }>(
      'SELECT row_index, event_id, reason FROM g_rows.dead_letters ORDER BY id',
    );
    expect(table).toEqual([
      { row_index: 1, event_id: withRows.id, reason: expect.stringContaining('transfers[1] at amount') },
      { row_index: null, event_id: expect.any(String), reason: 'cannot apply event 666' },
    ]);
  });

  it('a retryable failure mid-batch is retried and nothing is doubled; a message failing every time is dead-lettered after 5 attempts', async () => {
    const db = tdb.db;
    const topic = 'runner.retry.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await createDeliverySchema(db, 'g_retry');
    let flaky = 2;
    const consumer = recordingConsumer('g_retry', [topic], 'x', (n, key) => {
      if (key === 'a' && n === 25 && flaky-- > 0) throw new Transient('database hiccup');
      if (key === 'b' && n === 30) throw new Transient('always failing');
    });
    const runner = new KafkaConsumerRunner(db, consumer, kafka, silent, {
      ...fastGroup,
      dlqTopic: 'wagewatch.dlq.g_retry.v1',
    });
    const dlq = await collect(kafka, 'wagewatch.dlq.g_retry.v1');
    await produceEvents(topic, ['a', 'b'], 50);
    await runner.start();
    await eventually(async () => (await appliedRows(db, 'g_retry')).length >= 99, { what: '99 applied' });
    await eventually(() => dlq.messages.length >= 1, { what: 'the poison message on the DLQ' });
    await runner.stop();
    await dlq.stop();

    const rows = await appliedRows(db, 'g_retry');
    expect(rows).toHaveLength(99);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(99);
    const order = orderByKey(rows);
    expect(order.get('a')).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(order.get('b')).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((n) => n !== 30));
    expect(dlq.messages[0]!.headers?.['x-reason']?.toString()).toMatch(
      /retries exhausted after 5 attempts: always failing/,
    );
    expect(runner.stats.retries).toBeGreaterThanOrEqual(5);
  });

  it('kill-style fault: a runner stuck retrying is stopped; a new one resumes, and every event is applied once', async () => {
    const db = tdb.db;
    const topic = 'runner.kill.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await createDeliverySchema(db, 'g_kill');
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    await produceEvents(topic, keys, 30);
    let sawFailure = false;
    const broken = new KafkaConsumerRunner(
      db,
      recordingConsumer('g_kill', [topic], 'broken', (n) => {
        if (n >= 15) {
          sawFailure = true;
          throw new Transient('service dependency down');
        }
      }),
      kafka,
      silent,
      { ...fastGroup, maxAttempts: 1000 },
    );
    await broken.start();
    await eventually(() => sawFailure, { what: 'the failure' });
    await broken.stop();
    const before = (await appliedRows(db, 'g_kill')).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(180);

    const healthy = new KafkaConsumerRunner(
      db,
      recordingConsumer('g_kill', [topic], 'healthy'),
      kafka,
      silent,
      fastGroup,
    );
    await healthy.start();
    await eventually(async () => (await appliedRows(db, 'g_kill')).length >= 180, { what: '180 applied' });
    await eventually(async () => (await healthy.lag()) === 0, { what: 'lag 0' });
    await healthy.stop();
    const rows = await appliedRows(db, 'g_kill');
    expect(rows).toHaveLength(180);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(180);
    for (const [, ns] of orderByKey(rows)) expect(ns).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const deadLetters = await db.query('SELECT 1 FROM g_kill.dead_letters');
    expect(deadLetters).toHaveLength(0);
  });

  it('passes over the types the consumer does not apply, unread (x-event-type), and commits past them', async () => {
    const db = tdb.db;
    const topic = 'runner.types.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await createDeliverySchema(db, 'g_types');
    const messages = [];
    for (let n = 0; n < 30; n++) {
      const key = `k${n % 3}`;
      // Every third message is of another type, and not even JSON: it must never be read.
      messages.push(
        n % 3 === 2
          ? { key, value: 'not json', headers: { 'x-event-type': 'bank.statement-reported' } }
          : {
              key,
              value: JSON.stringify(testEnvelope(key, n)),
              headers: { 'x-event-type': 'bank.transfers-reported' },
            },
      );
    }
    await producer.send({ topic, acks: -1, messages });
    const consumer = {
      ...recordingConsumer('g_types', [topic], 'one'),
      types: new Set(['bank.transfers-reported']),
    };
    const runner = new KafkaConsumerRunner(db, consumer, kafka, silent, fastGroup);
    await runner.start();
    await eventually(async () => (await runner.lag()) === 0, { what: 'lag 0' });
    await runner.stop();
    const rows = await appliedRows(db, 'g_types');
    expect(rows.map((r) => r.n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, n) => n).filter((n) => n % 3 !== 2),
    );
    const [inbox] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM g_types.inbox');
    expect(inbox?.n).toBe(20);
    const [dead] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM g_types.dead_letters');
    expect(dead?.n).toBe(0);
    expect(runner.stats).toMatchObject({ applied: 20, ignored: 10, deadLettered: 0 });
    const committed = await admin.fetchOffsets({ groupId: 'g_types', topics: [topic] });
    expect(committed[0]!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)).toBe(30);
  });

  it('stop() commits, and a new runner resumes after the last applied offset', async () => {
    const db = tdb.db;
    const topic = 'runner.resume.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await createDeliverySchema(db, 'g_resume');
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    await produceEvents(topic, keys, 10);
    const idles: number[] = [];
    const first = recordingConsumer('g_resume', [topic], 'first');
    const r1 = new KafkaConsumerRunner(
      db,
      {
        ...first,
        apply: first.apply,
        idle: async () => {
          idles.push(Date.now());
          return false;
        },
      },
      kafka,
      silent,
      fastGroup,
    );
    await r1.start();
    await eventually(async () => (await appliedRows(db, 'g_resume')).length >= 60, { what: '60 applied' });
    await eventually(() => idles.length > 0, { what: 'idle after the batch' });
    await r1.stop();
    const committed = await admin.fetchOffsets({ groupId: 'g_resume', topics: [topic] });
    const sum = committed[0]!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
    expect(sum).toBe(60);

    await produceEvents(topic, keys, 2);
    const second = recordingConsumer('g_resume', [topic], 'second');
    const r2 = new KafkaConsumerRunner(db, second, kafka, silent, fastGroup);
    await r2.start();
    await eventually(async () => (await appliedRows(db, 'g_resume')).length >= 72, { what: '72 applied' });
    await eventually(async () => (await r2.lag()) === 0, { what: 'lag 0' });
    await r2.stop();
    expect(second.calls).toBe(12); // nothing before the committed offset was redelivered
    expect(r2.stats.skipped).toBe(0);
    // The database keeps each partition's position too (cursors), in the applying transaction.
    const positions = await db.query<{ source: string; position: bigint }>(
      'SELECT source, position FROM g_resume.cursors ORDER BY source',
    );
    const ends = await admin.fetchTopicOffsets(topic);
    expect(Object.fromEntries(positions.map((p) => [p.source, Number(p.position) + 1]))).toEqual(
      Object.fromEntries(
        ends.filter((e) => Number(e.high) > 0).map((e) => [`kafka:${topic}:${e.partition}`, Number(e.high)]),
      ),
    );
  });

  it('reports the time of every chunk it applied and of every deferred-work run (metrics)', async () => {
    const db = tdb.db;
    const topic = 'runner.timed.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await createDeliverySchema(db, 'g_timed');
    const chunks: { ms: number; messages: number }[] = [];
    const idleRuns: number[] = [];
    const base = recordingConsumer('g_timed', [topic], 'timed');
    const runner = new KafkaConsumerRunner(
      db,
      {
        ...base,
        apply: base.apply,
        idle: async () => {
          await new Promise((r) => setTimeout(r, 20));
          return false;
        },
      },
      kafka,
      silent,
      {
        ...fastGroup,
        maxBatchSize: 7,
        onChunkTimed: (ms, messages) => chunks.push({ ms, messages }),
        onIdleTimed: (ms) => idleRuns.push(ms),
      },
    );
    await produceEvents(topic, ['a', 'b', 'c'], 10);
    await runner.start();
    await eventually(async () => (await appliedRows(db, 'g_timed')).length >= 30, { what: '30 applied' });
    await eventually(() => idleRuns.length > 0, { what: 'a deferred-work run' });
    await runner.stop();
    // Every message was in exactly one timed chunk, none larger than maxBatchSize.
    expect(chunks.reduce((n, c) => n + c.messages, 0)).toBe(30);
    expect(chunks.length).toBe(runner.stats.batches);
    expect(Math.max(...chunks.map((c) => c.messages))).toBeLessThanOrEqual(7);
    expect(chunks.every((c) => c.ms >= 0)).toBe(true);
    // The deferred work's duration includes its own 20 ms.
    expect(Math.min(...idleRuns)).toBeGreaterThanOrEqual(19);
  });

  it('applies batches while a deferred-work run is still running (it does not hold them off)', async () => {
    const db = tdb.db;
    const topic = 'runner.beside.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await createDeliverySchema(db, 'g_beside');
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let idleStarted = false;
    const base = recordingConsumer('g_beside', [topic], 'beside');
    const runner = new KafkaConsumerRunner(
      db,
      {
        ...base,
        apply: base.apply,
        idle: async () => {
          idleStarted = true;
          await gate; // a long evaluation run
          return false;
        },
      },
      kafka,
      silent,
      { ...fastGroup, idleDelayMs: 10 },
    );
    await runner.start();
    try {
      await produceEvents(topic, ['a'], 3);
      await eventually(() => idleStarted, { what: 'a deferred-work run started' });
      // While it runs, new events are applied.
      await produceEvents(topic, ['b'], 3);
      await eventually(async () => (await appliedRows(db, 'g_beside')).length >= 6, {
        what: 'six applied while the deferred work runs',
      });
    } finally {
      release();
      await runner.stop();
    }
  });
});
