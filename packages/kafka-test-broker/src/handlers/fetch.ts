import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { Writer } from '../protocol/writer.ts';
import type { ApiHandler, BrokerCore } from './types.ts';

interface FetchPartition {
  index: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchTopic {
  name: string;
  partitions: FetchPartition[];
}

interface PartitionData {
  index: number;
  code: number;
  highWatermark: number;
  logStartOffset: number;
  batches: Buffer[];
  size: number;
}

/**
 * Fetch v4-11. Request: replica_id max_wait_ms min_bytes max_bytes isolation_level
 * session_id(v7+) session_epoch(v7+) topics [name partitions [index current_leader_epoch(v9+)
 * fetch_offset log_start_offset(v5+) partition_max_bytes]] forgotten_topics(v7+) rack_id(v11).
 * Response: throttle, error_code(v7+), session_id(v7+), topics [name partitions [index error_code
 * high_watermark last_stable_offset log_start_offset(v5+) aborted_transactions
 * preferred_read_replica(v11) records]].
 * Long polling: when fewer than min_bytes are available the answer waits for an append to one of
 * the requested partitions or for max_wait_ms, whichever comes first. Fetch sessions are not kept
 * (session_id 0 = every fetch is a full fetch, which clients accept).
 */
export const fetchHandler: ApiHandler = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  async handle({ apiVersion: v, core }, req, res) {
    req.int32(); // replica_id
    const maxWaitMs = req.int32();
    const minBytes = req.int32();
    const maxBytes = req.int32();
    req.int8(); // isolation_level: no transactions, so both levels read the same
    if (v >= 7) {
      req.int32(); // session_id
      req.int32(); // session_epoch
    }
    const topics: FetchTopic[] = req.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => {
        const index = p.int32();
        if (v >= 9) p.int32(); // current_leader_epoch
        const fetchOffset = p.int64();
        if (v >= 5) p.int64(); // log_start_offset (followers only)
        return { index, fetchOffset, maxBytes: p.int32() };
      }),
    }));
    if (v >= 7) req.array((r) => [r.string(), r.array((p) => p.int32())]);
    if (v >= 11) req.string(); // rack_id

    let result = collect(core, topics, maxBytes);
    // As Kafka: answer at once when nothing is asked for, or when the client will not wait.
    const asksForData = topics.some((t) => t.partitions.length > 0);
    if (asksForData && !result.ready(minBytes) && maxWaitMs > 0) {
      await waitForData(core, topics, maxWaitMs, () => {
        result = collect(core, topics, maxBytes);
        return result.ready(minBytes);
      });
    }
    write(res, v, result.topics);
    return undefined;
  },
};

function collect(core: BrokerCore, topics: FetchTopic[], maxBytes: number) {
  let budget = maxBytes;
  let total = 0;
  let hasError = false;
  const out = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionData => {
      const partition = core.topics.partition(t.name, p.index);
      if (!partition) {
        hasError = true;
        return {
          index: p.index,
          code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          logStartOffset: -1,
          batches: [],
          size: 0,
        };
      }
      const { log } = partition;
      const base = { index: p.index, highWatermark: log.nextOffset, logStartOffset: log.logStartOffset };
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.nextOffset) {
        hasError = true;
        return { ...base, code: ErrorCode.OFFSET_OUT_OF_RANGE, batches: [], size: 0 };
      }
      // The response limit may cut later partitions short; the first non-empty one always gets a batch.
      const limit = Math.min(p.maxBytes, total === 0 ? Math.max(budget, 1) : budget);
      let batches = limit > 0 ? log.read(p.fetchOffset, limit) : [];
      let size = batches.reduce((n, b) => n + b.length, 0);
      if (total > 0 && size > budget) {
        batches = [];
        size = 0;
      }
      total += size;
      budget -= size;
      return { ...base, code: ErrorCode.NONE, batches, size };
    }),
  }));
  return { topics: out, ready: (minBytes: number) => hasError || total >= Math.max(minBytes, 1) };
}

/** Resolves when `satisfied()` turns true after an append, or after maxWaitMs, or when the broker stops. */
function waitForData(
  core: BrokerCore,
  topics: FetchTopic[],
  maxWaitMs: number,
  satisfied: () => boolean,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const unsubscribes: (() => void)[] = [];
    let pending = false;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      for (const u of unsubscribes) u();
      core.shutdown.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, maxWaitMs);
    core.shutdown.addEventListener('abort', done);
    // Re-check once per tick, not once per appended batch: a burst of appends costs one check.
    const onAppend = () => {
      if (pending) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        if (satisfied()) done();
      });
    };
    for (const t of topics) {
      for (const p of t.partitions) {
        const partition = core.topics.partition(t.name, p.index);
        if (partition) unsubscribes.push(partition.log.onAppend(onAppend));
      }
    }
  });
}

function write(res: Writer, v: number, topics: { name: string; partitions: PartitionData[] }[]): void {
  res.int32(0); // throttle_time_ms
  if (v >= 7) res.int16(ErrorCode.NONE).int32(0);
  res.array(topics, (w, t) => {
    w.string(t.name).array(t.partitions, (pw, p) => {
      pw.int32(p.index).int16(p.code).int64(p.highWatermark).int64(p.highWatermark);
      if (v >= 5) pw.int64(p.logStartOffset);
      pw.array([], () => {}); // aborted_transactions
      if (v >= 11) pw.int32(-1);
      pw.int32(p.size);
      for (const b of p.batches) pw.raw(b);
    });
  });
}
