import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../records/crc32c.ts';
import {
  BATCH_HEADER_SIZE,
  type BatchHeader,
  LOG_OVERHEAD,
  readBatchHeader,
  recordTimestamps,
  stampBatch,
} from '../records/record-batch.ts';

export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** The whole batch as stored on disk and sent to consumers. */
  data: Buffer;
}

interface Segment {
  fd: number;
  size: number;
}

/** Leader epoch written into every stored batch: the broker is the only leader there ever was. */
const LEADER_EPOCH = 0;

const segmentName = (baseOffset: number): string => `${String(baseOffset).padStart(20, '0')}.log`;

/**
 * One partition's log: record batches in memory (for fetches) and, with a data folder,
 * append-only segment files holding the same bytes. High watermark = log end offset
 * (single replica, so every append is committed at once).
 */
export class PartitionLog {
  readonly batches: StoredBatch[] = [];
  logStartOffset = 0;
  nextOffset = 0;
  private segment: Segment | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly dir: string | null,
    private readonly segmentBytes: number,
  ) {
    if (dir) {
      mkdirSync(dir, { recursive: true });
      this.load(dir);
    }
  }

  /** Reads every segment; a torn or corrupt tail (crash mid-write) is cut off. */
  private load(dir: string): void {
    const files = readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .sort();
    for (const file of files) {
      const path = join(dir, file);
      const buf = readFileSync(path);
      let pos = 0;
      while (pos + LOG_OVERHEAD <= buf.length) {
        const size = LOG_OVERHEAD + buf.readInt32BE(pos + 8);
        if (size < BATCH_HEADER_SIZE || pos + size > buf.length) break;
        const data = Buffer.from(buf.subarray(pos, pos + size));
        const header = readBatchHeader(data);
        if (crc32c(data, 21) !== header.crc) break;
        this.batches.push({
          baseOffset: header.baseOffset,
          lastOffset: header.baseOffset + header.lastOffsetDelta,
          maxTimestamp: header.maxTimestamp,
          data,
        });
        pos += size;
      }
      if (pos < buf.length) {
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, pos);
        closeSync(fd);
      }
    }
    const first = this.batches[0];
    const last = this.batches.at(-1);
    if (first && last) {
      this.logStartOffset = first.baseOffset;
      this.nextOffset = last.lastOffset + 1;
    }
    const lastFile = files.at(-1);
    if (lastFile) {
      const fd = openSync(join(dir, lastFile), 'a');
      this.segment = { fd, size: fstatSync(fd).size };
    }
  }

  /** Appends a validated batch, assigning its offsets. Returns the base offset. */
  append(batch: Buffer, header: BatchHeader): number {
    const baseOffset = this.nextOffset;
    stampBatch(batch, baseOffset, LEADER_EPOCH);
    this.batches.push({
      baseOffset,
      lastOffset: baseOffset + header.lastOffsetDelta,
      maxTimestamp: header.maxTimestamp,
      data: batch,
    });
    this.nextOffset = baseOffset + header.lastOffsetDelta + 1;
    this.writeToSegment(batch, baseOffset);
    for (const listener of this.listeners) listener();
    return baseOffset;
  }

  private writeToSegment(batch: Buffer, baseOffset: number): void {
    if (!this.dir) return;
    if (!this.segment || this.segment.size >= this.segmentBytes) {
      if (this.segment) closeSync(this.segment.fd);
      this.segment = { fd: openSync(join(this.dir, segmentName(baseOffset)), 'a'), size: 0 };
    }
    writeSync(this.segment.fd, batch);
    this.segment.size += batch.length;
  }

  /** Index of the batch holding `offset`, or batches.length when offset is at/after the end. */
  private batchIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whole batches starting with the one that holds `offset`, up to `maxBytes`; the first batch is
   * returned even when it alone is larger (KIP-74), so a consumer can always make progress.
   */
  read(offset: number, maxBytes: number): Buffer[] {
    const out: Buffer[] = [];
    let size = 0;
    for (let i = this.batchIndexFor(offset); i < this.batches.length; i++) {
      const data = this.batches[i]!.data;
      if (out.length > 0 && size + data.length > maxBytes) break;
      out.push(data);
      size += data.length;
      if (size >= maxBytes) break;
    }
    return out;
  }

  /** First offset whose record timestamp is >= ts, or null when there is none. */
  offsetForTimestamp(ts: number): { offset: number; timestamp: number } | null {
    for (const batch of this.batches) {
      if (batch.maxTimestamp < ts) continue;
      for (const rec of recordTimestamps(batch.data)) {
        if (rec.timestamp >= ts) return rec;
      }
    }
    return null;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.segment) closeSync(this.segment.fd);
    this.segment = null;
  }
}
