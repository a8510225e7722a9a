import { type Envelope, withTrace } from '@wagewatch/contracts';
import { startBroker } from '@wagewatch/kafka-test-broker';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from '../consumer.ts';
import { Outbox } from '../outbox.ts';
import { KafkaConsumerRunner } from './consumer.ts';
import { KafkaRelay } from './relay.ts';
import {
  appliedRows,
  collect,
  createDeliverySchema,
  eventually,
  fastGroup,
  recordingConsumer,
  silent,
  testEvent,
  testKafka,
} from './test-support.ts';

let broker: Awaited<ReturnType<typeof startBroker>>;
let tdb: TestDatabase;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
  tdb = await createTestDatabase('pglite');
  kafka = testKafka(broker.brokers);
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await tdb?.drop();
  await broker?.stop();
});

describe('KafkaRelay', () => {
  it('publishes the outbox rows in seq order, exactly once each, and marks them published', async () => {
    const db = tdb.db;
    const topic = 'relay.order.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await createDeliverySchema(db, 'svc_a');
    const outbox = new Outbox('svc_a');
    // Two relays of the same service: the advisory lock keeps them from interleaving.
    const relays = [
      new KafkaRelay(db, outbox, kafka, silent, { pollMs: 100 }),
      new KafkaRelay(db, outbox, kafka, silent, { pollMs: 100 }),
    ];
    for (const r of relays) await r.start();
    const keys = ['p1', 'p2', 'p3', 'p4'];
    for (let batch = 0; batch < 10; batch++) {
      await outbox.unitOfWork(db, async (_tx, emit) => {
        for (let i = 0; i < 20; i++) emit(testEvent(keys[i % 4]!, batch * 20 + i, topic));
      });
    }
    const { messages, stop } = await collect(kafka, topic);
    await eventually(() => messages.length >= 200, { what: '200 messages' });
    await eventually(async () => (await relays[0]!.backlog()) === 0, { what: 'backlog 0' });
    for (const r of relays) await r.stop();
    await stop();

    expect(messages).toHaveLength(200);
    const rows = await db.query<{ event_id: string; published_at: Date | null }>(
      'SELECT event_id, published_at FROM svc_a.outbox ORDER BY seq',
    );
    expect(rows.every((r) => r.published_at instanceof Date)).toBe(true);
    const published = messages.map((m) => m.headers?.['x-event-id']?.toString());
    expect(new Set(published)).toEqual(new Set(rows.map((r) => r.event_id)));
    // Per key, the order on the topic is the outbox order.
    for (const key of keys) {
      const ns = messages
        .filter((m) => m.key?.toString() === key)
        .map((m) => Number(JSON.parse(m.value!.toString()).data.bankCode.slice(2)));
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
      expect(new Set(messages.filter((m) => m.key?.toString() === key).map((m) => m.partition)).size).toBe(1);
    }
    const first = messages[0]!;
    expect(first.headers?.['x-event-type']?.toString()).toBe('bank.transfers-reported');
    expect(first.headers?.['x-event-version']?.toString()).toBe('1');
  });

  it('a relay restarted after "sent but not marked" republishes, and the consumer applies each event once', async () => {
    const db = tdb.db;
    const topic = 'relay.crash.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await createDeliverySchema(db, 'svc_b');
    await createDeliverySchema(db, 'sink_b');
    const outbox = new Outbox('svc_b');
    await outbox.unitOfWork(db, async (_tx, emit) => {
      for (let i = 0; i < 30; i++) emit(testEvent(`k${i % 3}`, i, topic));
    });

    let crashed = 0;
    const crashing = new KafkaRelay(db, outbox, kafka, silent, {
      flushTimeoutMs: 100,
      afterSend: async () => {
        crashed++;
        throw new Error('simulated crash between send and mark');
      },
    });
    await crashing.start();
    await eventually(() => crashed > 0, { what: 'the crash' });
    await crashing.stop().catch(() => {}); // its flush crashes too; the rows stay unpublished
    expect(await crashing.backlog()).toBe(30);

    const relay = new KafkaRelay(db, outbox, kafka, silent, { pollMs: 100 });
    await relay.start();
    await eventually(async () => (await relay.backlog()) === 0, { what: 'outbox drained' });

    const consumer = recordingConsumer('sink_b', [topic], 'r1');
    const runner = new KafkaConsumerRunner(db, consumer, kafka, silent, fastGroup);
    await runner.start();
    const offsets = await admin.fetchTopicOffsets(topic);
    const onTopic = offsets.reduce((s, p) => s + Number(p.high), 0);
    expect(onTopic).toBeGreaterThanOrEqual(60); // every row at least twice
    await eventually(async () => (await runner.lag()) === 0, { what: 'consumer caught up' });
    await runner.stop();
    await relay.stop();

    const applied = await appliedRows(db, 'sink_b');
    expect(applied).toHaveLength(30);
    expect(new Set(applied.map((r) => r.event_id)).size).toBe(30);
    expect(runner.stats.skipped).toBeGreaterThanOrEqual(30);
  });

  it('carries the trace over Kafka: what a consumer emits is in the chain, caused by the event it applied', async () => {
    const db = tdb.db;
    const topic = 'relay.trace.v1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await createDeliverySchema(db, 'svc_c');
    await createDeliverySchema(db, 'sink_c');
    const outbox = new Outbox('svc_c');
    await withTrace({ correlationId: 'request-7' }, () =>
      outbox.unitOfWork(db, async (_tx, emit) => {
        emit(testEvent('k1', 1, topic));
      }),
    );
    const downstream = new Outbox('sink_c');
    const consumer: Consumer = {
      group: 'sink_c',
      topics: [topic],
      async apply(tx, event) {
        await downstream.append(tx, [testEvent(event.key, 2, 'relay.trace.out.v1')]);
      },
    };
    const relay = new KafkaRelay(db, outbox, kafka, silent, { pollMs: 100 });
    await relay.start();
    const runner = new KafkaConsumerRunner(db, consumer, kafka, silent, fastGroup);
    await runner.start();
    await eventually(async () => (await db.query('SELECT 1 FROM sink_c.outbox')).length === 1, {
      what: 'the consumer emitted',
    });
    await runner.stop();
    await relay.stop();
    const [first] = await db.query<{ envelope: Envelope }>('SELECT envelope FROM svc_c.outbox');
    const [next] = await db.query<{ envelope: Envelope }>('SELECT envelope FROM sink_c.outbox');
    expect(first?.envelope.metadata).toEqual({ producer: 'svc_c', correlationId: 'request-7' });
    expect(next?.envelope.metadata).toEqual({
      producer: 'sink_c',
      correlationId: 'request-7',
      causationId: first?.envelope.id,
    });
  });
});
