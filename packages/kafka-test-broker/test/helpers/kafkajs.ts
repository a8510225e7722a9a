import { type Admin, AssignerProtocol, type Consumer, type ConsumerConfig, Kafka, logLevel } from 'kafkajs';

/** kafkajs with test-sized retries and timeouts (the defaults are tuned for real networks). */
export function makeKafka(brokers: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 15_000,
    retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 1000 },
  });
}

/** Consumer settings that make rebalances take a second, not a minute. */
export function fastConsumer(groupId: string, extra: Partial<ConsumerConfig> = {}): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: 6000,
    rebalanceTimeout: 4000,
    heartbeatInterval: 250,
    maxWaitTimeInMs: 250,
    retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 1000 },
    ...extra,
  };
}

/** Polls `check` until it returns a value other than undefined/false; fails with `what` after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface GroupView {
  state: string;
  /** memberId -> partitions of `topic` assigned to it */
  assignments: Map<string, number[]>;
}

export async function describeGroup(admin: Admin, groupId: string, topic: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0]!;
  const assignments = new Map<string, number[]>();
  for (const m of g.members) {
    const decoded =
      m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
    assignments.set(
      m.memberId,
      [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b),
    );
  }
  return { state: g.state, assignments };
}

/** Waits until the group is Stable with `members` members whose assignments cover all partitions once. */
export function waitForStableGroup(
  admin: Admin,
  groupId: string,
  topic: string,
  members: number,
  partitions: number,
): Promise<GroupView> {
  return waitFor(`group ${groupId} stable with ${members} members`, async () => {
    const view = await describeGroup(admin, groupId, topic);
    if (view.state !== 'Stable' || view.assignments.size !== members) return undefined;
    const all = [...view.assignments.values()].flat().sort((a, b) => a - b);
    const expected = Array.from({ length: partitions }, (_, i) => i);
    if (JSON.stringify(all) !== JSON.stringify(expected)) return undefined;
    if ([...view.assignments.values()].some((p) => p.length === 0)) return undefined;
    return view;
  });
}

export async function disconnectAll(
  ...clients: ({ disconnect(): Promise<void> } | undefined)[]
): Promise<void> {
  await Promise.all(clients.map((c) => c?.disconnect().catch(() => {})));
}

export type { Consumer };
