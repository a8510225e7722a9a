import { createServer, type Server, type Socket } from 'node:net';
import { GroupCoordinator } from './groups/group-coordinator.ts';
import type { BrokerCore } from './handlers/types.ts';
import { OffsetStore } from './log/offset-store.ts';
import { TopicStore } from './log/topic-store.ts';
import { Connection } from './server/connection.ts';

export interface BrokerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on and the host advertised to clients. Default 127.0.0.1. */
  host?: string;
  /** Folder for the partition logs and committed offsets; without it everything lives in memory. */
  dataDir?: string;
  /** Create unknown topics on Metadata and Produce. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of an auto-created topic (and of CreateTopics with num_partitions -1). Default 1. */
  defaultPartitions?: number;
  /** Larger request frames are refused by closing the connection. Default 100 MB. */
  maxFrameBytes?: number;
  /** Size at which a new segment file is started. Default 64 MiB. */
  segmentBytes?: number;
  /** Like Kafka's group.initial.rebalance.delay.ms. Default 0 (tests want fast joins). */
  groupInitialRebalanceDelayMs?: number;
  /** Node id in Metadata. Default 1. */
  nodeId?: number;
  /** Receives diagnostic lines (closed connections and why). Default: silent. */
  log?: (line: string) => void;
}

export interface RunningBroker {
  host: string;
  port: number;
  /** "host:port", ready for a client's brokers list. */
  brokers: string;
  stop(): Promise<void>;
}

export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

/**
 * Starts a single-node Kafka wire-protocol broker FOR TESTS ONLY. Production uses a real Kafka cluster.
 */
export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ?? null;
  const log = options.log ?? (() => {});
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const defaultPartitions = options.defaultPartitions ?? 1;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
    throw new Error(`defaultPartitions must be a positive integer, got ${defaultPartitions}`);
  }

  const shutdown = new AbortController();
  const topics = new TopicStore(dataDir, options.segmentBytes ?? 64 * 1024 * 1024);
  const config = {
    nodeId: options.nodeId ?? 1,
    clusterId: 'kafka-test-broker',
    advertisedHost: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
    advertisedPort: 0,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions,
  };
  const core: BrokerCore = {
    config,
    topics,
    offsets: new OffsetStore(dataDir),
    groups: new GroupCoordinator({ initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0 }),
    shutdown: shutdown.signal,
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, core, { maxFrameBytes, log });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('broker did not bind a TCP port');
  config.advertisedPort = address.port;

  let stopped: Promise<void> | null = null;
  return {
    host: config.advertisedHost,
    port: address.port,
    brokers: `${config.advertisedHost}:${address.port}`,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        shutdown.abort();
        core.groups.shutdown();
        server.close(() => {
          topics.close();
          resolve();
        });
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}
