import { BANK_INBOUND_TOPICS, deadLetterTopic, TOPICS } from '@wagewatch/contracts';
import { startBroker } from '@wagewatch/kafka-test-broker';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafka } from './test-support.ts';
import { declaredTopics, ensureTopics } from './topics.ts';

let broker: Awaited<ReturnType<typeof startBroker>>;
let admin: Admin;

beforeAll(async () => {
  broker = await startBroker({ port: 0, autoCreateTopics: false });
  admin = testKafka(broker.brokers).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
});

describe('ensureTopics', () => {
  it('declares the event, inbound bank and per-group dead-letter topics', () => {
    const names = declaredTopics().topics.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        TOPICS.ingest,
        TOPICS.findings,
        TOPICS.deliveries,
        BANK_INBOUND_TOPICS.transfers,
        BANK_INBOUND_TOPICS.statements,
        ...['ledger', 'inspection', 'ingest'].map(deadLetterTopic),
      ]),
    );
  });

  it('creates the declared topics with their partition counts, replication clamped to the one broker; idempotent', async () => {
    const spec = declaredTopics();
    const first = await ensureTopics(admin, spec);
    expect(first.created.sort()).toEqual(spec.topics.map((t) => t.name).sort());
    expect(first.replicationFactor(3)).toBe(1);

    const meta = await admin.fetchTopicMetadata({ topics: spec.topics.map((t) => t.name) });
    for (const t of spec.topics) {
      const m = meta.topics.find((x) => x.name === t.name)!;
      expect(m.partitions).toHaveLength(t.partitions);
      expect(m.partitions.every((p) => p.replicas.length === 1)).toBe(true);
    }
    expect(meta.topics.find((x) => x.name === TOPICS.ingest)!.partitions).toHaveLength(12);
    expect(meta.topics.find((x) => x.name === deadLetterTopic('ledger'))!.partitions).toHaveLength(3);

    const again = await ensureTopics(admin, spec);
    expect(again.created).toEqual([]);
    expect(again.mismatched).toEqual([]);
  });

  it('reports, and does not change, an existing topic whose partition count differs', async () => {
    await admin.createTopics({ topics: [{ topic: 'odd.v1', numPartitions: 2 }] });
    const result = await ensureTopics(admin, {
      topics: [{ name: 'odd.v1', partitions: 4, replicationFactor: 3 }],
    });
    expect(result.mismatched).toEqual([{ name: 'odd.v1', declared: 4, actual: 2 }]);
  });

  it('keeps the production replication factor and min.insync.replicas on a three-broker cluster', async () => {
    const calls: unknown[] = [];
    const fake = {
      describeCluster: async () => ({ brokers: [1, 2, 3].map((nodeId) => ({ nodeId, host: 'h', port: 1 })) }),
      listTopics: async () => [],
      createTopics: async (args: unknown) => {
        calls.push(args);
        return true;
      },
    } as unknown as Admin;
    await ensureTopics(fake, {
      topics: [{ name: 't', partitions: 12, replicationFactor: 3, config: { 'min.insync.replicas': '2' } }],
    });
    expect(calls).toEqual([
      {
        waitForLeaders: true,
        topics: [
          {
            topic: 't',
            numPartitions: 12,
            replicationFactor: 3,
            configEntries: [{ name: 'min.insync.replicas', value: '2' }],
          },
        ],
      },
    ]);
  });
});
