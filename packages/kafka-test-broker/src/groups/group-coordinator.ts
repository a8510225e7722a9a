import { randomUUID } from 'node:crypto';
import { ErrorCode, type ErrorCodeValue } from '../protocol/error-codes.ts';
import {
  Group,
  type GroupProtocol,
  type GroupState,
  type JoinResult,
  type Member,
  type SyncResult,
} from './group.ts';

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

export interface CoordinatorOptions {
  /** Like Kafka's group.initial.rebalance.delay.ms: how long a first join into an empty group waits for more. */
  initialRebalanceDelayMs: number;
}

const EMPTY = Buffer.alloc(0);

const sameProtocols = (a: GroupProtocol[], b: GroupProtocol[]): boolean =>
  a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));

/**
 * The group coordinator: Kafka's classic (eager) group membership protocol.
 * Empty -> PreparingRebalance (members (re)join; waits up to the rebalance timeout for every known
 * member) -> CompletingRebalance (leader computes the assignment, SyncGroup) -> Stable. A member
 * that joins, leaves, or misses its session timeout starts a new rebalance; existing members learn
 * of it from REBALANCE_IN_PROGRESS on Heartbeat/SyncGroup and rejoin.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly joinDelays = new Map<Group, NodeJS.Timeout>();

  constructor(private readonly opts: CoordinatorOptions) {}

  join(req: JoinRequest): Promise<JoinResult> {
    const fail = (errorCode: ErrorCodeValue): Promise<JoinResult> =>
      Promise.resolve({
        errorCode,
        generationId: -1,
        protocolName: '',
        leaderId: '',
        memberId: req.memberId,
        members: [],
      });
    if (!req.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    if (req.sessionTimeoutMs <= 0) return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    let group = this.groups.get(req.groupId);
    if (!group) {
      group = new Group(req.groupId);
      this.groups.set(req.groupId, group);
    }
    const existing = req.memberId ? group.members.get(req.memberId) : undefined;
    if (req.memberId && !existing) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    const others = [...group.members.values()].filter((m) => m !== existing);
    if (
      req.protocols.length === 0 ||
      (others.length > 0 && group.protocolType !== req.protocolType) ||
      !req.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)))
    ) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }

    if (!existing) {
      const member: Member = {
        memberId: `${req.clientId || 'member'}-${randomUUID()}`,
        groupInstanceId: req.groupInstanceId,
        clientId: req.clientId,
        clientHost: req.clientHost,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        protocolType: req.protocolType,
        protocols: req.protocols,
        assignment: EMPTY,
        joinWaiter: null,
        syncWaiter: null,
        sessionTimer: null,
      };
      group.members.set(member.memberId, member);
      group.protocolType = req.protocolType;
      const joined = this.waitJoin(member);
      this.membershipChanged(group);
      return joined;
    }

    const changed = !sameProtocols(existing.protocols, req.protocols);
    existing.protocols = req.protocols;
    existing.sessionTimeoutMs = req.sessionTimeoutMs;
    existing.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    existing.clientId = req.clientId;
    existing.clientHost = req.clientHost;
    switch (group.state) {
      case 'PreparingRebalance': {
        const joined = this.waitJoin(existing);
        this.maybeCompleteJoin(group);
        return joined;
      }
      case 'CompletingRebalance':
      case 'Stable': {
        // A repeated join with nothing new is answered with the current generation (as Kafka does);
        // a changed subscription, or the leader rejoining, starts a rebalance.
        if (!changed && (group.state === 'CompletingRebalance' || existing.memberId !== group.leaderId)) {
          this.touch(group, existing);
          return Promise.resolve(this.joinResult(group, existing));
        }
        const joined = this.waitJoin(existing);
        this.prepareRebalance(group);
        return joined;
      }
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    const fail = (errorCode: ErrorCodeValue): Promise<SyncResult> =>
      Promise.resolve({ errorCode, assignment: EMPTY });
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    this.touch(group, member);
    switch (group.state) {
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance': {
        const synced = new Promise<SyncResult>((resolve) => {
          member.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
          member.syncWaiter = resolve;
        });
        if (member.memberId === group.leaderId) {
          const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
          group.state = 'Stable';
          for (const m of group.members.values()) {
            m.assignment = byMember.get(m.memberId) ?? EMPTY;
            const waiter = m.syncWaiter;
            m.syncWaiter = null;
            waiter?.({ errorCode: ErrorCode.NONE, assignment: m.assignment });
          }
        }
        return synced;
      }
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): ErrorCodeValue {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.touch(group, member);
    if (group.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): ErrorCodeValue {
    const group = this.groups.get(groupId);
    if (!group?.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(group, memberId);
    this.membershipChanged(group);
    return ErrorCode.NONE;
  }

  /** OffsetCommit's membership check (Kafka's rules, including "simple" commits from outside a group). */
  validateCommit(groupId: string, generationId: number, memberId: string): ErrorCodeValue {
    const group = this.groups.get(groupId);
    if (!group || group.members.size === 0) {
      return generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    }
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(group, member);
    return ErrorCode.NONE;
  }

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group) return { groupId, state: 'Dead', protocolType: '', protocolName: '', members: [] };
    const stable = group.state === 'Stable';
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable
          ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY)
          : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  list(): { groupId: string; protocolType: string }[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '' }));
  }

  has(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  shutdown(): void {
    for (const group of this.groups.values()) {
      if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
      for (const m of group.members.values()) if (m.sessionTimer) clearTimeout(m.sessionTimer);
    }
    for (const t of this.joinDelays.values()) clearTimeout(t);
    this.joinDelays.clear();
    this.groups.clear();
  }

  private joinResult(group: Group, member: Member): JoinResult {
    const isLeader = member.memberId === group.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolName: group.protocolName ?? '',
      leaderId: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  private waitJoin(member: Member): Promise<JoinResult> {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    return new Promise<JoinResult>((resolve) => {
      member.joinWaiter?.({
        errorCode: ErrorCode.REBALANCE_IN_PROGRESS,
        generationId: -1,
        protocolName: '',
        leaderId: '',
        memberId: member.memberId,
        members: [],
      });
      member.joinWaiter = resolve;
    });
  }

  /** Restarts the member's session timeout (not while it waits in JoinGroup: the rebalance timeout rules then). */
  private touch(group: Group, member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    if (member.joinWaiter) return;
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) !== member) return;
      this.removeMember(group, member.memberId);
      this.membershipChanged(group);
    }, member.sessionTimeoutMs);
    member.sessionTimer.unref();
  }

  private removeMember(group: Group, memberId: string): void {
    const m = group.members.get(memberId);
    if (!m) return;
    if (m.sessionTimer) clearTimeout(m.sessionTimer);
    group.members.delete(memberId);
    m.joinWaiter?.({
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      generationId: -1,
      protocolName: '',
      leaderId: '',
      memberId,
      members: [],
    });
    m.syncWaiter?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    m.joinWaiter = null;
    m.syncWaiter = null;
  }

  private membershipChanged(group: Group): void {
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    else this.prepareRebalance(group);
  }

  private prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        const waiter = m.syncWaiter;
        m.syncWaiter = null;
        waiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      }
    }
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = setTimeout(() => this.completeJoin(group, true), group.maxRebalanceTimeoutMs());
    group.rebalanceTimer.unref();
    if (wasEmpty && this.opts.initialRebalanceDelayMs > 0) {
      const delay = setTimeout(() => {
        this.joinDelays.delete(group);
        this.maybeCompleteJoin(group);
      }, this.opts.initialRebalanceDelayMs);
      delay.unref();
      this.joinDelays.set(group, delay);
    }
    this.maybeCompleteJoin(group);
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || this.joinDelays.has(group)) return;
    for (const m of group.members.values()) if (!m.joinWaiter) return;
    this.completeJoin(group, false);
  }

  /** Ends the join phase: drops members that did not rejoin in time, bumps the generation, answers every JoinGroup. */
  private completeJoin(group: Group, timedOut: boolean): void {
    if (group.state !== 'PreparingRebalance') return;
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
    const delay = this.joinDelays.get(group);
    if (delay) clearTimeout(delay);
    this.joinDelays.delete(group);
    if (timedOut) {
      for (const m of [...group.members.values()]) if (!m.joinWaiter) this.removeMember(group, m.memberId);
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.protocolType = null;
      group.leaderId = null;
      return;
    }
    group.protocolName = group.selectProtocol();
    if (!group.leaderId || !group.members.has(group.leaderId))
      group.leaderId = group.members.keys().next().value!;
    group.state = 'CompletingRebalance';
    for (const m of group.members.values()) {
      m.assignment = EMPTY;
      const waiter = m.joinWaiter;
      m.joinWaiter = null;
      waiter?.(this.joinResult(group, m));
      this.touch(group, m);
    }
  }
}
