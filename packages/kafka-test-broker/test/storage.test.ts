import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OffsetStore } from '../src/log/offset-store.ts';
import { TopicStore } from '../src/log/topic-store.ts';
import { ErrorCode } from '../src/protocol/error-codes.ts';
import { crc32c } from '../src/records/crc32c.ts';
import { BatchError, readBatchHeader, splitBatches, validateBatch } from '../src/records/record-batch.ts';
import { encodeBatch } from './helpers/raw-client.ts';

describe('CRC-32C', () => {
  it('matches the standard check value and a byte-at-a-time reference', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
    const data = Buffer.from(Array.from({ length: 1001 }, (_, i) => (i * 7919) & 0xff));
    let ref = 0xffffffff;
    for (const byte of data) {
      ref ^= byte;
      for (let k = 0; k < 8; k++) ref = ref & 1 ? (ref >>> 1) ^ 0x82f63b78 : ref >>> 1;
    }
    expect(crc32c(data)).toBe((ref ^ 0xffffffff) >>> 0);
  });
});

describe('record batches', () => {
  it('splits concatenated batches and rejects trailing garbage', () => {
    const a = encodeBatch([{ key: 'a', value: '1' }]);
    const b = encodeBatch(
      [
        { key: 'b', value: '2' },
        { key: 'c', value: '3' },
      ],
      { gzip: true },
    );
    const parts = splitBatches(Buffer.concat([a, b]));
    expect(parts.map((p) => readBatchHeader(p).recordCount)).toEqual([1, 2]);
    expect(() => splitBatches(Buffer.concat([a, Buffer.from([1, 2, 3])]))).toThrow(BatchError);
  });

  it('refuses a batch whose record count does not match its records', () => {
    const batch = encodeBatch([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    batch.writeInt32BE(3, 57); // claims 3 records
    batch.writeInt32BE(2, 23); // lastOffsetDelta to match
    batch.writeUInt32BE(crc32c(batch, 21), 17);
    expect(() => validateBatch(batch)).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }));
  });
});

describe('storage in a data folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ktb-storage-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const appendTo = (store: TopicStore, topic: string, partition: number, n: number) => {
    const p = store.partition(topic, partition)!;
    for (let i = 0; i < n; i++) {
      const batch = encodeBatch([{ key: `k${i}`, value: `v${i}` }]);
      p.log.append(batch, validateBatch(batch));
    }
  };

  it('reloads the log, rolls segments, and cuts a torn tail', () => {
    const store = new TopicStore(dir, 200); // tiny segments: a new file every two batches or so
    expect(store.create('t', 2).code).toBe(ErrorCode.NONE);
    appendTo(store, 't', 1, 10);
    store.close();
    const partDir = join(dir, 'topics', 't-1');
    const segments = readdirSync(partDir).sort();
    expect(segments.length).toBeGreaterThan(2);
    const last = join(partDir, segments.at(-1)!);
    const sizeBefore = statSync(last).size;
    appendFileSync(last, Buffer.from([0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1])); // a write cut short by a crash

    const reopened = new TopicStore(dir, 200);
    const log = reopened.partition('t', 1)!.log;
    expect(log.nextOffset).toBe(10);
    expect(log.batches.map((b) => b.baseOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(statSync(last).size).toBe(sizeBefore);
    expect(reopened.partition('t', 0)!.log.nextOffset).toBe(0);
    appendTo(reopened, 't', 1, 1);
    expect(log.nextOffset).toBe(11);
    reopened.close();
  });

  it('keeps committed offsets and compacts their file on start', () => {
    const a = new OffsetStore(dir);
    for (let i = 1; i <= 50; i++)
      a.commit('g', [{ topic: 't', partition: i % 2, offset: i, metadata: null }]);
    expect(readFileSync(join(dir, 'offsets.jsonl'), 'utf8').trim().split('\n')).toHaveLength(50);
    const b = new OffsetStore(dir);
    expect(b.get('g', 't', 0)?.offset).toBe(50);
    expect(b.get('g', 't', 1)?.offset).toBe(49);
    expect(readFileSync(join(dir, 'offsets.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('does not hand out a producer id twice across restarts', () => {
    const a = new TopicStore(dir, 1024);
    const first = a.allocateProducerId();
    a.close();
    const b = new TopicStore(dir, 1024);
    expect(b.allocateProducerId()).toBeGreaterThan(first);
  });
});
