import type { ErrorCodeValue } from '../protocol/error-codes.ts';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: ErrorCodeValue;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  /** Filled for the leader only: every member with its metadata for the chosen protocol. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: ErrorCodeValue;
  assignment: Buffer;
}

export interface Member {
  readonly memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer;
  /** Set while the member waits in JoinGroup for the join phase to complete. */
  joinWaiter: ((r: JoinResult) => void) | null;
  /** Set while the member waits in SyncGroup for the leader's assignment. */
  syncWaiter: ((r: SyncResult) => void) | null;
  sessionTimer: NodeJS.Timeout | null;
}

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  rebalanceTimer: NodeJS.Timeout | null = null;

  constructor(readonly groupId: string) {}

  /** Protocols every member supports, in the order of the leader's (or first member's) preference. */
  candidateProtocols(extra?: GroupProtocol[]): string[] {
    const lists = [...this.members.values()].map((m) => m.protocols.map((p) => p.name));
    if (extra) lists.push(extra.map((p) => p.name));
    const [first, ...rest] = lists;
    if (!first) return [];
    return first.filter((name) => rest.every((l) => l.includes(name)));
  }

  /** Kafka's rule: each member votes for its most preferred candidate; most votes wins. */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const pick = m.protocols.find((p) => candidates.includes(p.name));
      if (pick) votes.set(pick.name, (votes.get(pick.name) ?? 0) + 1);
    }
    let best = candidates[0] ?? '';
    for (const name of candidates) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  maxRebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }
}
