import { gunzipSync } from 'node:zlib';
import { ErrorCode } from '../protocol/error-codes.ts';
import { DecodeError, Reader } from '../protocol/reader.ts';
import { crc32c } from './crc32c.ts';

/**
 * RecordBatch (magic 2) layout, all big-endian:
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8
 *  17 crc uint32 (CRC-32C of bytes 21..end) | 21 attributes int16 | 23 lastOffsetDelta int32
 *  27 firstTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
 *  53 baseSequence int32 | 57 recordCount int32 | 61 records
 * Batches are stored exactly as received; only baseOffset and partitionLeaderEpoch are rewritten,
 * and both lie before the CRC-covered range.
 */
export const BATCH_HEADER_SIZE = 61;
/** batchLength counts the bytes after the length field itself. */
const LOG_OVERHEAD = 12;

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;
const COMPRESSION_MASK = 0x07;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export class BatchError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function readBatchHeader(batch: Buffer): BatchHeader {
  return {
    baseOffset: Number(batch.readBigInt64BE(0)),
    batchLength: batch.readInt32BE(8),
    magic: batch.readInt8(16),
    crc: batch.readUInt32BE(17),
    attributes: batch.readInt16BE(21),
    lastOffsetDelta: batch.readInt32BE(23),
    firstTimestamp: Number(batch.readBigInt64BE(27)),
    maxTimestamp: Number(batch.readBigInt64BE(35)),
    producerId: Number(batch.readBigInt64BE(43)),
    producerEpoch: batch.readInt16BE(51),
    baseSequence: batch.readInt32BE(53),
    recordCount: batch.readInt32BE(57),
  };
}

/** Cuts a produce request's record set into whole batches; any trailing garbage is corrupt. */
export function splitBatches(records: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < LOG_OVERHEAD + 5) {
      throw new BatchError(ErrorCode.CORRUPT_MESSAGE, 'truncated record batch header');
    }
    const batchLength = records.readInt32BE(pos + 8);
    const magic = records.readInt8(pos + 16);
    if (magic !== 2) {
      throw new BatchError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `message format magic ${magic}`);
    }
    const size = LOG_OVERHEAD + batchLength;
    if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD || pos + size > records.length) {
      throw new BatchError(ErrorCode.CORRUPT_MESSAGE, `bad batch length ${batchLength}`);
    }
    out.push(records.subarray(pos, pos + size));
    pos += size;
  }
  if (out.length === 0) throw new BatchError(ErrorCode.CORRUPT_MESSAGE, 'empty record set');
  return out;
}

export function compressionOf(attributes: number): number {
  return attributes & COMPRESSION_MASK;
}

/** The records section, decompressed when the batch is gzip. */
export function recordsPayload(batch: Buffer, header: BatchHeader): Buffer {
  const body = batch.subarray(BATCH_HEADER_SIZE);
  const codec = compressionOf(header.attributes);
  if (codec === Compression.NONE) return body;
  if (codec === Compression.GZIP) return gunzipSync(body);
  throw new BatchError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `compression codec ${codec}`);
}

/**
 * Checks a batch from a producer before it is appended: CRC-32C, supported codec, no
 * transactional/control flags, and that the records section holds exactly recordCount records.
 */
export function validateBatch(batch: Buffer): BatchHeader {
  const header = readBatchHeader(batch);
  const actual = crc32c(batch, 21, batch.length);
  if (actual !== header.crc) {
    throw new BatchError(ErrorCode.CORRUPT_MESSAGE, `CRC mismatch: got ${actual}, batch says ${header.crc}`);
  }
  const codec = compressionOf(header.attributes);
  if (codec !== Compression.NONE && codec !== Compression.GZIP) {
    throw new BatchError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `compression codec ${codec}`);
  }
  if (header.attributes & (TRANSACTIONAL_FLAG | CONTROL_FLAG)) {
    throw new BatchError(ErrorCode.INVALID_REQUEST, 'transactions are not supported');
  }
  if (header.recordCount < 1 || header.lastOffsetDelta !== header.recordCount - 1) {
    throw new BatchError(
      ErrorCode.CORRUPT_MESSAGE,
      `recordCount ${header.recordCount} vs lastOffsetDelta ${header.lastOffsetDelta}`,
    );
  }
  let payload: Buffer;
  try {
    payload = recordsPayload(batch, header);
  } catch (err) {
    if (err instanceof BatchError) throw err;
    throw new BatchError(ErrorCode.CORRUPT_MESSAGE, `cannot decompress: ${(err as Error).message}`);
  }
  const counted = countRecords(payload, header.recordCount);
  if (counted !== header.recordCount) {
    throw new BatchError(
      ErrorCode.CORRUPT_MESSAGE,
      `batch holds ${counted} records, says ${header.recordCount}`,
    );
  }
  return header;
}

/** Walks the length prefixes of the records; returns -1 when they do not tile the payload. */
function countRecords(payload: Buffer, expected: number): number {
  const r = new Reader(payload);
  let n = 0;
  try {
    while (r.remaining() > 0 && n <= expected) {
      const len = r.varint();
      if (len < 0) return -1;
      r.raw(len);
      n++;
    }
  } catch (err) {
    if (err instanceof DecodeError) return -1;
    throw err;
  }
  return n;
}

/** Offset and timestamp of each record in a batch (used by ListOffsets with a timestamp). */
export function recordTimestamps(batch: Buffer): { offset: number; timestamp: number }[] {
  const header = readBatchHeader(batch);
  const r = new Reader(recordsPayload(batch, header));
  const out: { offset: number; timestamp: number }[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const len = r.varint();
    const rec = new Reader(r.raw(len));
    rec.int8(); // attributes
    const timestampDelta = rec.varlong();
    const offsetDelta = rec.varint();
    out.push({ offset: header.baseOffset + offsetDelta, timestamp: header.firstTimestamp + timestampDelta });
  }
  return out;
}

/** Sets the offsets a stored batch carries; bytes outside the CRC range only. */
export function stampBatch(batch: Buffer, baseOffset: number, leaderEpoch: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
  batch.writeInt32BE(leaderEpoch, 12);
}

export function batchSize(buf: Buffer, at: number): number {
  return LOG_OVERHEAD + buf.readInt32BE(at + 8);
}

export { LOG_OVERHEAD };
