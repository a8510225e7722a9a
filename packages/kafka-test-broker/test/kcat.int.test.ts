import { type Admin, CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { disconnectAll, makeKafka, waitFor } from './helpers/kafkajs.ts';
import { KcatProcess, kcatAvailable, kcatVersion, runKcat } from './helpers/kcat.ts';

const HAVE_KCAT = kcatAvailable();
if (!HAVE_KCAT) {
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!!! kcat NOT FOUND: the kcat (librdkafka) conformance cases are SKIPPED.\n` +
      `!!! Install it with: apt-get update && apt-get install -y kcat   (CI does this)\n${bar}\n`,
  );
}

const TOPIC = 'kcat-topic';
/** librdkafka settings for fast tests (defaults: 3 s heartbeats, 45 s sessions). */
const FAST_GROUP = ['-X', 'heartbeat.interval.ms=250', '-X', 'session.timeout.ms=6000'];

interface MetadataJson {
  brokers: { id: number; name: string }[];
  topics: {
    topic: string;
    partitions: { partition: number; leader: number; replicas: { id: number }[] }[];
  }[];
}

describe.skipIf(!HAVE_KCAT)('kcat (librdkafka) against the test broker', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let b: string[];

  beforeAll(async () => {
    console.log(`[kcat] ${kcatVersion()}`);
    broker = await startBroker({ port: 0 });
    b = ['-b', broker.brokers];
    kafka = makeKafka(broker.brokers, 'kcat-suite');
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }] });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await disconnectAll(producer, admin);
    await broker?.stop();
  });

  it('lists metadata (kcat -L)', async () => {
    const res = await runKcat([...b, '-L', '-J']);
    expect(res.code).toBe(0);
    const md = JSON.parse(res.stdout) as MetadataJson;
    expect(md.brokers).toEqual([{ id: 1, name: broker.brokers }]);
    const topic = md.topics.find((t) => t.topic === TOPIC);
    expect(topic?.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    expect(topic?.partitions.every((p) => p.leader === 1)).toBe(true);
    const text = await runKcat([...b, '-L']);
    expect(text.stdout).toContain(`topic "${TOPIC}" with 3 partitions`);
  });

  it('produces (kcat -P: plain, gzip and idempotent) and consumes what it produced (kcat -C)', async () => {
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `key-${(from + i) % 7}:value-${from + i}`).join('\n');
    for (const [from, to, extra] of [
      [0, 100, []],
      [100, 200, ['-z', 'gzip']],
      [200, 300, ['-X', 'enable.idempotence=true']],
    ] as const) {
      const res = await runKcat([...b, '-P', '-t', TOPIC, '-K:', ...extra], {
        input: `${lines(from, to)}\n`,
      });
      expect(res.code, res.stderr).toBe(0);
    }
    const res = await runKcat([...b, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-f', '%k:%s\n']);
    expect(res.code, res.stderr).toBe(0);
    const got = res.stdout.split('\n').filter(Boolean);
    expect(got).toHaveLength(300);
    expect(new Set(got).size).toBe(300);
    // Same key -> same partition -> produced order is kept per key.
    for (let k = 0; k < 7; k++) {
      const values = got.filter((l) => l.startsWith(`key-${k}:`)).map((l) => Number(l.split('value-')[1]));
      expect(values).toEqual([...values].sort((x, y) => x - y));
    }
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(300);
  });

  it('reads kafkajs-produced gzip batches, and kafkajs reads kcat-produced ones', async () => {
    await producer.send({
      topic: 'cross-client',
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `from-kafkajs-${i}` })),
    });
    const read = await runKcat([...b, '-C', '-t', 'cross-client', '-o', 'beginning', '-e', '-f', '%k=%s\n']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.split('\n').filter(Boolean)).toEqual(
      Array.from({ length: 50 }, (_, i) => `k${i}=from-kafkajs-${i}`),
    );

    const wrote = await runKcat([...b, '-P', '-t', 'cross-client', '-z', 'gzip'], {
      input: Array.from({ length: 20 }, (_, i) => `from-kcat-${i}`).join('\n'),
    });
    expect(wrote.code, wrote.stderr).toBe(0);
    const consumer = kafka.consumer({ groupId: 'cross-reader', maxWaitTimeInMs: 100 });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'cross-client', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
      },
    });
    await waitFor('70 messages read by kafkajs', () => values.length >= 70 || undefined);
    await consumer.disconnect();
    expect(values.slice(50)).toEqual(Array.from({ length: 20 }, (_, i) => `from-kcat-${i}`));
  });

  it('consumes in a consumer group (kcat -G) and resumes from the committed offsets', async () => {
    const first = await runKcat(
      [...b, '-G', 'kcat-group', ...FAST_GROUP, '-o', 'beginning', '-e', '-f', '%p %o %s\n', TOPIC],
      {
        timeoutMs: 30_000,
      },
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/assigned: .*kcat-topic \[0\]/);
    expect(first.stdout.split('\n').filter(Boolean)).toHaveLength(300);
    const [committed] = await admin.fetchOffsets({ groupId: 'kcat-group', topics: [TOPIC] });
    const highs = await admin.fetchTopicOffsets(TOPIC);
    for (const p of highs) {
      expect(committed!.partitions.find((c) => c.partition === p.partition)?.offset).toBe(p.high);
    }

    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `late-${i}` })),
    });
    const second = await runKcat([...b, '-G', 'kcat-group', ...FAST_GROUP, '-e', '-f', '%s\n', TOPIC], {
      timeoutMs: 30_000,
    });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.split('\n').filter(Boolean).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `late-${i}`).sort(),
    );
  }, 60_000);

  it('rebalances between two kcat group members and delivers every message once', async () => {
    await admin.createTopics({ topics: [{ topic: 'kcat-shared', numPartitions: 4 }] });
    // -u: unbuffered output, read while kcat runs. No -o: kcat would force that offset on every
    // assignment and ignore the group's commits; auto.offset.reset covers partitions never committed.
    const group = [
      '-u',
      '-G',
      'kcat-pair',
      ...FAST_GROUP,
      '-X',
      'auto.offset.reset=earliest',
      '-f',
      '%p:%s\n',
      'kcat-shared',
    ];
    const one = new KcatProcess([...b, ...group]);
    const two = new KcatProcess([...b, ...group]);
    try {
      // Both members hold part of the 4 partitions once the rebalance has settled.
      const assigned = (p: KcatProcess): number[] => {
        const last =
          p.stderr
            .split('\n')
            .filter((l) => l.includes('rebalanced'))
            .at(-1) ?? '';
        if (!last.includes('assigned:')) return [];
        return [...last.matchAll(/kcat-shared \[(\d+)\]/g)].map((m) => Number(m[1]));
      };
      await waitFor(
        'both kcat members assigned',
        () => {
          const a = assigned(one);
          const c = assigned(two);
          return (
            a.length > 0 && c.length > 0 && a.length + c.length === 4 && new Set([...a, ...c]).size === 4
          );
        },
        30_000,
      );
      await producer.send({
        topic: 'kcat-shared',
        messages: Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `m${i}` })),
      });
      await waitFor(
        '200 messages across both members',
        () => one.lines().length + two.lines().length >= 200 || undefined,
      );
      const all = [...one.lines(), ...two.lines()].map((l) => l.split(':')[1]);
      expect(new Set(all).size).toBe(200);
      expect(all).toHaveLength(200);
      expect(one.lines().length).toBeGreaterThan(0);
      expect(two.lines().length).toBeGreaterThan(0);
      const partitionsOf = (p: KcatProcess) => new Set(p.lines().map((l) => l.split(':')[0]));
      const overlap = [...partitionsOf(one)].filter((p) => partitionsOf(two).has(p));
      expect(overlap).toEqual([]);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  }, 60_000);
});
