import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { disconnectAll, fastConsumer, makeKafka, waitFor } from './helpers/kafkajs.ts';

/** The kafkajs admin calls a test suite is likely to use, beyond what the conformance run needs. */
describe('kafkajs admin against the test broker', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startBroker({ port: 0, defaultPartitions: 2 });
    kafka = makeKafka(broker.brokers, 'admin-suite');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await disconnectAll(admin);
    await broker?.stop();
  });

  it('lists, creates with defaults, auto-creates and deletes topics', async () => {
    expect(
      await admin.createTopics({ topics: [{ topic: 'explicit', numPartitions: 3 }, { topic: 'defaulted' }] }),
    ).toBe(true);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'auto-created', messages: [{ value: 'x' }] });
    await producer.disconnect();
    expect((await admin.listTopics()).sort()).toEqual(['auto-created', 'defaulted', 'explicit']);
    const md = await admin.fetchTopicMetadata({ topics: ['explicit', 'defaulted', 'auto-created'] });
    expect(md.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      ['auto-created', 2],
      ['defaulted', 2],
      ['explicit', 3],
    ]);
    await admin.deleteTopics({ topics: ['defaulted'] });
    expect((await admin.listTopics()).sort()).toEqual(['auto-created', 'explicit']);
  });

  it('looks offsets up by timestamp', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.now() - 60_000;
    await producer.send({
      topic: 'explicit',
      messages: [0, 1, 2, 3].map((i) => ({ partition: 0, value: `m${i}`, timestamp: String(t0 + i * 1000) })),
    });
    await producer.disconnect();
    const [p0] = (await admin.fetchTopicOffsetsByTimestamp('explicit', t0 + 1500)).filter(
      (p) => p.partition === 0,
    );
    expect(p0?.offset).toBe('2');
    const [late] = (await admin.fetchTopicOffsetsByTimestamp('explicit', Date.now() + 60_000)).filter(
      (p) => p.partition === 0,
    );
    expect(late?.offset).toBe('4'); // kafkajs maps "none" to the latest offset
  });

  // admin.setOffsets runs a paused kafkajs consumer that sleeps its maxWaitTime (5 s) before it
  // stops: that client-side wait is most of this test's time.
  it('sets a group’s offsets, lists and describes groups', async () => {
    await admin.setOffsets({
      groupId: 'admin-group',
      topic: 'explicit',
      partitions: [{ partition: 0, offset: '3' }],
    });
    const [committed] = await admin.fetchOffsets({ groupId: 'admin-group', topics: ['explicit'] });
    expect(committed?.partitions.find((p) => p.partition === 0)?.offset).toBe('3');

    const consumer = kafka.consumer(fastConsumer('admin-group'));
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'explicit' });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor('m3 from the set offset', () => seen.includes('m3') || undefined);
    expect(seen).toEqual(['m3']);
    const { groups } = await admin.listGroups();
    expect(groups).toContainEqual({ groupId: 'admin-group', protocolType: 'consumer' });
    const described = await admin.describeGroups(['admin-group']);
    expect(described.groups[0]?.state).toBe('Stable');
    expect(described.groups[0]?.members).toHaveLength(1);
    // Setting offsets on an active group is refused, as by Kafka.
    await expect(
      admin.setOffsets({
        groupId: 'admin-group',
        topic: 'explicit',
        partitions: [{ partition: 0, offset: '0' }],
      }),
    ).rejects.toThrow();
    await consumer.disconnect();
  }, 30_000);
});
