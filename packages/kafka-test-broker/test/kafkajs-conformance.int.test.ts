import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { disconnectAll, fastConsumer, makeKafka, waitFor, waitForStableGroup } from './helpers/kafkajs.ts';

const TOPIC = 'orders';
const PARTITIONS = 6;
const TOTAL = 100_000;
const KEYS = 500;
const GROUP = 'order-processors';
const CHUNK = 2000;

/** Message i: key `key-(i mod KEYS)`, value "<key index>:<sequence within that key>". */
const message = (i: number) => ({ key: `key-${i % KEYS}`, value: `${i % KEYS}:${Math.floor(i / KEYS)}` });

interface Delivery {
  consumer: string;
  partition: number;
  offset: string;
  key: string;
  seq: number;
  at: number;
}

/**
 * The whole life of a topic against the test broker, with kafkajs as the client:
 * create, idempotent produce, a three-member group with one member leaving mid-stream,
 * a consumer restart, and a broker restart on the same data folder.
 * The steps share state and run in order.
 */
describe('kafkajs 2.2.4 against the test broker', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers = new Map<string, Consumer>();
  const deliveries: Delivery[] = [];
  const perKey = new Map<string, number[]>();
  let produced = 0;

  const track =
    (consumer: string) =>
    async ({
      partition,
      message: m,
    }: {
      partition: number;
      message: { key: Buffer | null; value: Buffer | null; offset: string };
    }) => {
      const key = m.key!.toString();
      const seq = Number(m.value!.toString().split(':')[1]);
      deliveries.push({ consumer, partition, offset: m.offset, key, seq, at: Date.now() });
      let seqs = perKey.get(key);
      if (!seqs) {
        seqs = [];
        perKey.set(key, seqs);
      }
      seqs.push(seq);
    };

  const startConsumer = async (name: string, k: Kafka = kafka, groupId = GROUP, extra = {}) => {
    const c = k.consumer(fastConsumer(groupId, extra));
    await c.connect();
    await c.subscribe({ topic: TOPIC, fromBeginning: true });
    await c.run({ eachMessage: track(name) });
    consumers.set(name, c);
    return c;
  };

  const stopConsumer = async (name: string) => {
    await consumers.get(name)?.disconnect();
    consumers.delete(name);
  };

  const committedOffsets = async (a: Admin, groupId: string) => {
    const [t] = await a.fetchOffsets({ groupId, topics: [TOPIC] });
    return new Map(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
  };

  const highWatermarks = async (a: Admin) =>
    new Map((await a.fetchTopicOffsets(TOPIC)).map((p) => [p.partition, Number(p.high)]));

  /** Every key's sequence numbers, in delivery order, must be exactly 0..n-1. */
  const expectExactlyOnceInOrder = (seqsByKey: Map<string, number[]>, perKeyCount: number) => {
    expect(seqsByKey.size).toBe(KEYS);
    for (const [key, seqs] of seqsByKey) {
      if (seqs.length !== perKeyCount || seqs.some((s, i) => s !== i)) {
        throw new Error(
          `${key}: expected 0..${perKeyCount - 1} once each in order, got ${seqs.length} deliveries`,
        );
      }
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kafka-test-broker-'));
    broker = await startBroker({ port: 0, dataDir });
    kafka = makeKafka(broker.brokers, 'conformance');
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await disconnectAll(...consumers.values(), producer, admin);
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a 6-partition topic', async () => {
    expect(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] })).toBe(true);
    // A second create reports "already exists" as false, like a real cluster.
    expect(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] })).toBe(false);
    const md = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    expect(md.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('forms a group of three consumers that splits the partitions', async () => {
    await Promise.all(['c1', 'c2', 'c3'].map((n) => startConsumer(n)));
    const view = await waitForStableGroup(admin, GROUP, TOPIC, 3, PARTITIONS);
    expect([...view.assignments.values()].map((p) => p.length)).toEqual([2, 2, 2]);
  }, 30_000);

  it('delivers 100,000 idempotently produced keyed messages exactly once, in per-key order, while a consumer leaves mid-stream', async () => {
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    const producing = (async () => {
      for (let start = 0; start < TOTAL; start += CHUNK) {
        await producer.send({
          topic: TOPIC,
          messages: Array.from({ length: Math.min(CHUNK, TOTAL - start) }, (_, j) => message(start + j)),
        });
        produced = start + CHUNK;
      }
    })();

    // Mid-stream: once c3 has processed some messages and ~30% has arrived overall, it leaves.
    await waitFor('30,000 deliveries with c3 active', () =>
      deliveries.length >= 30_000 && deliveries.some((d) => d.consumer === 'c3') ? true : undefined,
    );
    const c3Partitions = [...new Set(deliveries.filter((d) => d.consumer === 'c3').map((d) => d.partition))];
    await stopConsumer('c3');
    const leftAt = Date.now();
    const deliveredAtLeave = deliveries.length;
    const producedAtLeave = produced;
    expect(deliveredAtLeave).toBeLessThan(TOTAL);

    // The remaining two rebalance and take over c3's partitions.
    const after = await waitForStableGroup(admin, GROUP, TOPIC, 2, PARTITIONS);
    expect([...after.assignments.values()].map((p) => p.length)).toEqual([3, 3]);

    await producing;
    await waitFor('all 100,000 deliveries', () => deliveries.length >= TOTAL || undefined, 60_000);
    // Let anything duplicated arrive before judging: wait until the group has committed the end of every partition.
    const highs = await highWatermarks(admin);
    expect([...highs.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL); // no duplicate appended by retries
    await waitFor('commits at the end of every partition', async () => {
      const committed = await committedOffsets(admin, GROUP);
      return [...highs].every(([p, high]) => committed.get(p) === high) || undefined;
    });

    expect(deliveries).toHaveLength(TOTAL);
    expectExactlyOnceInOrder(perKey, TOTAL / KEYS);
    const offsets = new Set(deliveries.map((d) => `${d.partition}/${d.offset}`));
    expect(offsets.size).toBe(TOTAL);
    // c3's partitions moved: c1/c2 consumed from them after c3 left, and c3 got nothing afterwards.
    for (const p of c3Partitions) {
      expect(deliveries.some((d) => d.partition === p && d.consumer !== 'c3' && d.at >= leftAt)).toBe(true);
    }
    expect(deliveries.some((d) => d.consumer === 'c3' && d.at > leftAt)).toBe(false);
    console.log(
      `[conformance] delivered ${deliveries.length}; c3 left after ${deliveredAtLeave} deliveries, ${producedAtLeave} produced by then (it had partitions ${c3Partitions.join(',')})`,
    );
  }, 80_000);

  it('resumes a restarted consumer from its committed offsets', async () => {
    await stopConsumer('c1');
    await stopConsumer('c2');
    const committed = await committedOffsets(admin, GROUP);
    expect([...committed.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);

    // 600 more messages (sequence 200 and 201 of every key... continuing the key sequences).
    const extra = Array.from({ length: 3 * KEYS }, (_, j) => message(TOTAL + j));
    await producer.send({ topic: TOPIC, messages: extra });

    const mark = deliveries.length;
    await startConsumer('c4');
    const highs = await highWatermarks(admin);
    await waitFor('c4 to commit the new end of every partition', async () => {
      const now = await committedOffsets(admin, GROUP);
      return [...highs].every(([p, high]) => now.get(p) === high) || undefined;
    });
    const resumed = deliveries.slice(mark);
    // Only the new messages: a consumer starting from the beginning would have re-read 100,000.
    expect(resumed).toHaveLength(extra.length);
    expect(resumed.every((d) => d.seq >= TOTAL / KEYS)).toBe(true);
    expectExactlyOnceInOrder(perKey, (TOTAL + extra.length) / KEYS);
    await stopConsumer('c4');
  }, 40_000);

  it('keeps the log and the committed offsets across a broker restart on the same data folder', async () => {
    const highsBefore = await highWatermarks(admin);
    const committedBefore = await committedOffsets(admin, GROUP);
    await disconnectAll(producer, admin);
    await broker.stop();

    broker = await startBroker({ port: 0, dataDir });
    kafka = makeKafka(broker.brokers, 'after-restart');
    admin = kafka.admin();
    await admin.connect();
    expect(await highWatermarks(admin)).toEqual(highsBefore);
    expect(await committedOffsets(admin, GROUP)).toEqual(committedBefore);

    // The log content survived: a new group reads every message back, in per-key order.
    const total = [...highsBefore.values()].reduce((a, b) => a + b, 0);
    perKey.clear();
    const mark = deliveries.length;
    await startConsumer('verifier', kafka, 'verify-after-restart', { maxBytesPerPartition: 4 * 1024 * 1024 });
    await waitFor('the whole log re-read', () => deliveries.length - mark >= total || undefined, 60_000);
    expectExactlyOnceInOrder(perKey, total / KEYS);
    await stopConsumer('verifier');

    // The old group continues where it committed: only messages produced after the restart arrive.
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: KEYS }, (_, j) => message(total + j)),
    });
    const mark2 = deliveries.length;
    await startConsumer('c5');
    const highs = await highWatermarks(admin);
    await waitFor('c5 to commit the new end of every partition', async () => {
      const now = await committedOffsets(admin, GROUP);
      return [...highs].every(([p, high]) => now.get(p) === high) || undefined;
    });
    const fresh = deliveries.slice(mark2);
    expect(fresh).toHaveLength(KEYS);
    expect(new Set(fresh.map((d) => d.key)).size).toBe(KEYS);
    expect(fresh.every((d) => d.seq === total / KEYS)).toBe(true);
  }, 60_000);
});
