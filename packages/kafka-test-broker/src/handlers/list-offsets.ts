import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ApiHandler, BrokerCore } from './types.ts';

const LATEST = -1;
const EARLIEST = -2;

interface Lookup {
  index: number;
  code: number;
  timestamp: number;
  offset: number;
}

/**
 * ListOffsets v0-3. Request: replica_id isolation_level(v2+) topics [name partitions [index
 * timestamp max_num_offsets(v0)]]. Response: throttle (v2+), topics [name partitions [index
 * error_code (v0: [offset]) (v1+: timestamp offset)]]. Timestamp -1 = latest (the high watermark),
 * -2 = earliest, otherwise the first offset whose record timestamp is at or after it.
 */
export const listOffsetsHandler: ApiHandler = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 3,
  handle({ apiVersion: v, core }, req, res) {
    req.int32(); // replica_id
    if (v >= 2) req.int8(); // isolation_level
    const topics = req.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({
        index: p.int32(),
        timestamp: p.int64(),
        maxNumOffsets: v === 0 ? p.int32() : 1,
      })),
    }));

    if (v >= 2) res.int32(0);
    res.array(topics, (w, t) => {
      w.string(t.name).array(t.partitions, (pw, p) => {
        const found = lookup(core, t.name, p.index, p.timestamp);
        pw.int32(p.index).int16(found.code);
        if (v === 0) {
          const offsets =
            found.code === ErrorCode.NONE && found.offset >= 0 && p.maxNumOffsets > 0 ? [found.offset] : [];
          pw.array(offsets, (ow, o) => ow.int64(o));
        } else {
          pw.int64(found.timestamp).int64(found.offset);
        }
      });
    });
    return undefined;
  },
};

function lookup(core: BrokerCore, topic: string, index: number, timestamp: number): Lookup {
  const partition = core.topics.partition(topic, index);
  if (!partition) return { index, code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1, offset: -1 };
  const { log } = partition;
  if (timestamp === LATEST) return { index, code: ErrorCode.NONE, timestamp: -1, offset: log.nextOffset };
  if (timestamp === EARLIEST)
    return { index, code: ErrorCode.NONE, timestamp: -1, offset: log.logStartOffset };
  const rec = log.offsetForTimestamp(timestamp);
  return { index, code: ErrorCode.NONE, timestamp: rec?.timestamp ?? -1, offset: rec?.offset ?? -1 };
}
