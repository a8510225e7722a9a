import { ErrorCode } from '../protocol/error-codes.ts';
import type { BatchHeader } from '../records/record-batch.ts';

/** How many recent batches per producer are remembered for duplicate detection (as Kafka). */
const CACHED_BATCHES = 5;
const MAX_SEQUENCE = 0x7fffffff;

interface CachedBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: CachedBatch[];
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; code: number; message: string };

const addSeq = (seq: number, delta: number): number => (seq + delta) % (MAX_SEQUENCE + 1);

/**
 * Idempotent-producer bookkeeping for one partition: the last sequences of each producer id,
 * so that a retried batch is answered with its original offset instead of being appended twice.
 */
export class ProducerState {
  private readonly producers = new Map<number, ProducerEntry>();

  check(h: BatchHeader): SequenceCheck {
    if (h.producerId < 0) return { kind: 'append' };
    const entry = this.producers.get(h.producerId);
    if (!entry || h.producerEpoch > entry.epoch) {
      if (h.baseSequence === 0) return { kind: 'append' };
      return {
        kind: 'error',
        code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `first sequence of producer ${h.producerId} epoch ${h.producerEpoch} is ${h.baseSequence}, expected 0`,
      };
    }
    if (h.producerEpoch < entry.epoch) {
      return {
        kind: 'error',
        code: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `epoch ${h.producerEpoch} is older than ${entry.epoch}`,
      };
    }
    const lastSeq = addSeq(h.baseSequence, h.recordCount - 1);
    const dup = entry.batches.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === lastSeq);
    if (dup) return { kind: 'duplicate', baseOffset: dup.baseOffset };
    const last = entry.batches.at(-1);
    const expected = last ? addSeq(last.lastSeq, 1) : 0;
    if (h.baseSequence !== expected) {
      return {
        kind: 'error',
        code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `sequence ${h.baseSequence} from producer ${h.producerId}, expected ${expected}`,
      };
    }
    return { kind: 'append' };
  }

  /** Records an appended batch (also used when replaying the log at start-up). */
  record(h: BatchHeader, baseOffset: number): void {
    if (h.producerId < 0) return;
    let entry = this.producers.get(h.producerId);
    if (!entry || h.producerEpoch > entry.epoch) {
      entry = { epoch: h.producerEpoch, batches: [] };
      this.producers.set(h.producerId, entry);
    }
    entry.batches.push({
      firstSeq: h.baseSequence,
      lastSeq: addSeq(h.baseSequence, h.recordCount - 1),
      baseOffset,
    });
    if (entry.batches.length > CACHED_BATCHES) entry.batches.shift();
  }
}
