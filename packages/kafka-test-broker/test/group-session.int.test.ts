import { type Admin, AssignerProtocol, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { ApiKey } from '../src/protocol/api-keys.ts';
import { ErrorCode } from '../src/protocol/error-codes.ts';
import {
  describeGroup,
  disconnectAll,
  fastConsumer,
  makeKafka,
  waitForStableGroup,
} from './helpers/kafkajs.ts';
import { RawClient } from './helpers/raw-client.ts';

const TOPIC = 'session-topic';
const GROUP = 'session-group';

/**
 * A kafkajs consumer shares a group with a raw-protocol member that joins, takes its share of the
 * partitions and then goes silent: the broker must expire it after its session timeout and hand
 * its partitions back to kafkajs through a real rebalance.
 */
describe('session timeout expiry with a real client in the group', () => {
  let broker: RunningBroker;
  let admin: Admin;
  let consumer: Consumer;
  let zombie: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    const kafka = makeKafka(broker.brokers, 'session');
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }] });
    consumer = kafka.consumer(fastConsumer(GROUP));
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    zombie = await RawClient.connect(broker.port);
  });

  afterAll(async () => {
    zombie?.close();
    await disconnectAll(consumer, admin);
    await broker?.stop();
  });

  it('moves a silent member’s partitions to the live one once its session times out', async () => {
    await waitForStableGroup(admin, GROUP, TOPIC, 1, 4);
    const metadata = AssignerProtocol.MemberMetadata.encode({
      version: 1,
      topics: [TOPIC],
      userData: Buffer.alloc(0),
    });

    // JoinGroup v5 with a 1 s session: blocks until kafkajs has rejoined too.
    const join = await zombie.request(ApiKey.JoinGroup, 5, (w) => {
      w.string(GROUP).int32(1000).int32(5000).string('').nullableString(null).string('consumer');
      w.array([metadata], (pw, m) => pw.string('RoundRobinAssigner').bytes(m));
    });
    join.body.int32();
    expect(join.body.int16()).toBe(ErrorCode.NONE);
    const generation = join.body.int32();
    join.body.string();
    const leader = join.body.string();
    const memberId = join.body.string();
    expect(leader).not.toBe(memberId); // kafkajs stays leader and computes the assignment

    const sync = await zombie.request(ApiKey.SyncGroup, 3, (w) => {
      w.string(GROUP)
        .int32(generation)
        .string(memberId)
        .nullableString(null)
        .array([], () => {});
    });
    sync.body.int32();
    expect(sync.body.int16()).toBe(ErrorCode.NONE);
    const assignment = AssignerProtocol.MemberAssignment.decode(sync.body.bytes());
    expect(assignment?.assignment[TOPIC]).toHaveLength(2);
    const silentSince = Date.now();
    const shared = await describeGroup(admin, GROUP, TOPIC);
    expect(shared.assignments.get(memberId)).toHaveLength(2);

    // The zombie never heartbeats: after ~1 s it is expired and kafkajs owns all four partitions again.
    const after = await waitForStableGroup(admin, GROUP, TOPIC, 1, 4);
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(900);
    expect(after.assignments.has(memberId)).toBe(false);

    const late = await zombie.request(ApiKey.Heartbeat, 3, (w) => {
      w.string(GROUP).int32(generation).string(memberId).nullableString(null);
    });
    late.body.int32();
    expect(late.body.int16()).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  }, 30_000);
});
