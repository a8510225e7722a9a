import { afterEach, describe, expect, it } from 'vitest';
import type { JoinRequest } from '../src/groups/group-coordinator.ts';
import { GroupCoordinator } from '../src/groups/group-coordinator.ts';
import { ErrorCode } from '../src/protocol/error-codes.ts';

const proto = (name: string) => ({ name, metadata: Buffer.from(name) });

const joinReq = (overrides: Partial<JoinRequest> = {}): JoinRequest => ({
  groupId: 'g',
  memberId: '',
  groupInstanceId: null,
  clientId: 'client',
  clientHost: '/127.0.0.1',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  protocolType: 'consumer',
  protocols: [proto('range')],
  ...overrides,
});

const until = async (what: string, check: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('group coordinator', () => {
  let coordinator: GroupCoordinator;
  afterEach(() => coordinator?.shutdown());

  /** Joins and syncs a single first member; returns its id and generation. */
  const firstMember = async (req: Partial<JoinRequest> = {}) => {
    const joined = await coordinator.join(joinReq(req));
    expect(joined.errorCode).toBe(ErrorCode.NONE);
    const synced = await coordinator.sync({
      groupId: 'g',
      generationId: joined.generationId,
      memberId: joined.memberId,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('all') }],
    });
    expect(synced).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('all') });
    return joined;
  };

  it('rebalances when a member joins: the existing member learns it from its heartbeat and rejoins', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 0 });
    const a = await firstMember();
    expect(a.generationId).toBe(1);
    expect(a.leaderId).toBe(a.memberId);

    const bJoin = coordinator.join(joinReq({ clientId: 'b' }));
    expect(coordinator.describe('g').state).toBe('PreparingRebalance');
    expect(coordinator.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    const aRejoin = await coordinator.join(joinReq({ memberId: a.memberId }));
    const b = await bJoin;
    expect(aRejoin.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    expect(aRejoin.leaderId).toBe(a.memberId);
    expect(aRejoin.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    expect(b.members).toEqual([]); // only the leader gets the member list

    // The follower's SyncGroup waits for the leader's assignment.
    const bSync = coordinator.sync({ groupId: 'g', generationId: 2, memberId: b.memberId, assignments: [] });
    const aSync = await coordinator.sync({
      groupId: 'g',
      generationId: 2,
      memberId: a.memberId,
      assignments: [
        { memberId: a.memberId, assignment: Buffer.from('half-a') },
        { memberId: b.memberId, assignment: Buffer.from('half-b') },
      ],
    });
    expect(aSync.assignment.toString()).toBe('half-a');
    expect((await bSync).assignment.toString()).toBe('half-b');
    expect(coordinator.describe('g').state).toBe('Stable');
    expect(coordinator.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.NONE);
  });

  it('expires a member that misses its session timeout and rebalances the rest', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 0 });
    const a = await firstMember({ sessionTimeoutMs: 10_000 });
    const bJoin = coordinator.join(joinReq({ clientId: 'b', sessionTimeoutMs: 200 }));
    await coordinator.join(joinReq({ memberId: a.memberId }));
    const b = await bJoin;
    const started = Date.now();
    // b never heartbeats again; a keeps heartbeating until told to rejoin.
    await until(
      'a told to rejoin',
      () => coordinator.heartbeat('g', 2, a.memberId) === ErrorCode.REBALANCE_IN_PROGRESS,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(coordinator.describe('g').members.map((m) => m.memberId)).toEqual([a.memberId]);
    const rejoined = await coordinator.join(joinReq({ memberId: a.memberId }));
    expect(rejoined.generationId).toBe(3);
    expect(rejoined.members.map((m) => m.memberId)).toEqual([a.memberId]);
    expect(coordinator.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 0 });
    const a = await firstMember({ rebalanceTimeoutMs: 300 });
    const started = Date.now();
    // A newcomer starts a rebalance; a never rejoins (and its session is long), so the join phase times out.
    const c = await coordinator.join(joinReq({ clientId: 'c', rebalanceTimeoutMs: 300 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(c.errorCode).toBe(ErrorCode.NONE);
    expect(c.leaderId).toBe(c.memberId);
    expect(c.members.map((m) => m.memberId)).toEqual([c.memberId]);
    expect(coordinator.heartbeat('g', c.generationId, a.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('rebalances on LeaveGroup and becomes Empty when the last member leaves', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 0 });
    const a = await firstMember();
    const bJoin = coordinator.join(joinReq({ clientId: 'b' }));
    await coordinator.join(joinReq({ memberId: a.memberId }));
    const b = await bJoin;
    expect(coordinator.leave('g', b.memberId)).toBe(ErrorCode.NONE);
    expect(coordinator.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const alone = await coordinator.join(joinReq({ memberId: a.memberId }));
    expect(alone.generationId).toBe(3);
    expect(coordinator.leave('g', a.memberId)).toBe(ErrorCode.NONE);
    expect(coordinator.describe('g').state).toBe('Empty');
    expect(coordinator.leave('g', a.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('accepts commits from the current generation while a rebalance is being prepared, not from stale ones', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 0 });
    const a = await firstMember();
    expect(coordinator.validateCommit('g', 1, a.memberId)).toBe(ErrorCode.NONE);
    void coordinator.join(joinReq({ clientId: 'b' }));
    expect(coordinator.validateCommit('g', 1, a.memberId)).toBe(ErrorCode.NONE);
    expect(coordinator.validateCommit('g', 0, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.validateCommit('g', 1, 'nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Outside any group ("simple" commits, e.g. an admin setting offsets) only without a generation.
    expect(coordinator.validateCommit('other', -1, '')).toBe(ErrorCode.NONE);
    expect(coordinator.validateCommit('other', 4, 'x')).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('picks a protocol every member supports and refuses a member with none in common', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 0 });
    const a = await firstMember({ protocols: [proto('roundrobin'), proto('range')] });
    const bJoin = coordinator.join(joinReq({ clientId: 'b', protocols: [proto('range')] }));
    const aRejoin = await coordinator.join(
      joinReq({ memberId: a.memberId, protocols: [proto('roundrobin'), proto('range')] }),
    );
    expect(aRejoin.protocolName).toBe('range');
    expect((await bJoin).protocolName).toBe('range');
    const odd = await coordinator.join(joinReq({ clientId: 'odd', protocols: [proto('sticky')] }));
    expect(odd.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('waits the initial rebalance delay so that members starting together land in one generation', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 150 });
    const joins = await Promise.all([
      coordinator.join(joinReq()),
      coordinator.join(joinReq()),
      coordinator.join(joinReq()),
    ]);
    expect(joins.map((j) => j.generationId)).toEqual([1, 1, 1]);
    expect(joins.filter((j) => j.members.length === 3)).toHaveLength(1);
  });
});
