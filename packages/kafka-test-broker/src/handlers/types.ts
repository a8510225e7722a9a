import type { GroupCoordinator } from '../groups/group-coordinator.ts';
import type { OffsetStore } from '../log/offset-store.ts';
import type { TopicStore } from '../log/topic-store.ts';
import type { Reader } from '../protocol/reader.ts';
import type { Writer } from '../protocol/writer.ts';

export interface BrokerConfig {
  nodeId: number;
  clusterId: string;
  /** Host and port written into Metadata and FindCoordinator answers. */
  advertisedHost: string;
  advertisedPort: number;
  autoCreateTopics: boolean;
  defaultPartitions: number;
}

/** Everything the API handlers share. */
export interface BrokerCore {
  readonly config: BrokerConfig;
  readonly topics: TopicStore;
  readonly offsets: OffsetStore;
  readonly groups: GroupCoordinator;
  /** Cancels long-polling fetches when the broker stops. */
  readonly shutdown: AbortSignal;
}

export interface RequestContext {
  readonly apiVersion: number;
  readonly clientId: string;
  /** Kafka's "/ip" form of the peer address (shown by DescribeGroups). */
  readonly clientHost: string;
  readonly core: BrokerCore;
}

/** Writes a response body into the Writer, or returns 'no-response' (Produce with acks=0). */
export type HandlerResult = undefined | 'no-response';

export interface ApiHandler {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(ctx: RequestContext, req: Reader, res: Writer): HandlerResult | Promise<HandlerResult>;
}
