import type { Partition } from '../log/topic-store.ts';
import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { BatchError, type BatchHeader, splitBatches, validateBatch } from '../records/record-batch.ts';
import { findOrCreateTopic } from './auto-create.ts';
import type { ApiHandler } from './types.ts';

interface PartitionResult {
  index: number;
  code: number;
  baseOffset: number;
  logStartOffset: number;
}

/**
 * Produce v3-7 (RecordBatch v2 only). Request: transactional_id acks timeout_ms
 * topics [name partitions [index records]]. Response: topics [name partitions [index error_code
 * base_offset log_append_time log_start_offset(v5+)]] throttle_time_ms. acks=0 gets no response.
 * Every batch of a partition is validated before any is appended; idempotent producers'
 * sequences are checked so a retried batch returns its first offset instead of a second copy.
 */
export const produceHandler: ApiHandler = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 7,
  handle({ apiVersion: v, core }, req, res) {
    req.nullableString(); // transactional_id: transactional batches are refused below
    const acks = req.int16();
    req.int32(); // timeout_ms: appends are synchronous
    const topics = req.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({ index: p.int32(), records: p.nullableBytes() })),
    }));

    const results = topics.map((t) => {
      const found = findOrCreateTopic(core, t.name, true);
      return {
        name: t.name,
        partitions: t.partitions.map((p): PartitionResult => {
          if (acks !== 0 && acks !== 1 && acks !== -1) return fail(p.index, ErrorCode.INVALID_REQUIRED_ACKS);
          if ('code' in found) return fail(p.index, found.code);
          const partition = found.partitions[p.index];
          if (!partition) return fail(p.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          return appendRecords(partition, p.records);
        }),
      };
    });

    if (acks === 0) return 'no-response';
    res.array(results, (w, t) => {
      w.string(t.name).array(t.partitions, (pw, p) => {
        pw.int32(p.index).int16(p.code).int64(p.baseOffset).int64(-1);
        if (v >= 5) pw.int64(p.logStartOffset);
      });
    });
    res.int32(0);
    return undefined;
  },
};

function fail(index: number, code: number): PartitionResult {
  return { index, code, baseOffset: -1, logStartOffset: -1 };
}

function appendRecords(partition: Partition, records: Buffer | null): PartitionResult {
  const { log, producers } = partition;
  let validated: { batch: Buffer; header: BatchHeader }[];
  try {
    if (!records || records.length === 0) throw new BatchError(ErrorCode.CORRUPT_MESSAGE, 'no records');
    // Copy: the stored batch outlives the request frame, and its offsets get rewritten.
    validated = splitBatches(Buffer.from(records)).map((batch) => ({ batch, header: validateBatch(batch) }));
  } catch (err) {
    if (err instanceof BatchError) return fail(partition.index, err.code);
    throw err;
  }
  let firstOffset = -1;
  for (const { batch, header } of validated) {
    const check = producers.check(header);
    if (check.kind === 'error') return fail(partition.index, check.code);
    let baseOffset: number;
    if (check.kind === 'duplicate') {
      baseOffset = check.baseOffset;
    } else {
      baseOffset = log.append(batch, header);
      producers.record(header, baseOffset);
    }
    if (firstOffset < 0) firstOffset = baseOffset;
  }
  return {
    index: partition.index,
    code: ErrorCode.NONE,
    baseOffset: firstOffset,
    logStartOffset: log.logStartOffset,
  };
}
