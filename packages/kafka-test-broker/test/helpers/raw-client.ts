import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Reader } from '../../src/protocol/reader.ts';
import { Writer } from '../../src/protocol/writer.ts';
import { crc32c } from '../../src/records/crc32c.ts';

/** A bare Kafka-protocol socket for edge cases no real client would send. */
export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly waiting = new Map<number, (frame: Buffer) => void>();
  /** Frames whose correlation id no request was waiting for. */
  readonly strayFrames: Buffer[] = [];
  private nextCorrelationId = 1;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        const id = frame.readInt32BE(0);
        const waiter = this.waiting.get(id);
        this.waiting.delete(id);
        if (waiter) waiter(frame);
        else this.strayFrames.push(frame);
      }
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  /** Sends bytes as they are (no framing added). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  private encode(
    apiKey: number,
    apiVersion: number,
    correlationId: number,
    body: (w: Writer) => void,
  ): Buffer {
    const w = new Writer();
    w.int32(0).int16(apiKey).int16(apiVersion).int32(correlationId).nullableString('raw-test');
    body(w);
    w.patchInt32(0, w.length - 4);
    return w.toBuffer();
  }

  /** Sends a request that expects no response (Produce acks=0); returns its correlation id. */
  send(apiKey: number, apiVersion: number, body: (w: Writer) => void): number {
    const id = this.nextCorrelationId++;
    this.socket.write(this.encode(apiKey, apiVersion, id, body));
    return id;
  }

  /** Sends one request with header v1 and resolves with the response: correlation id + a Reader on the body. */
  async request(
    apiKey: number,
    apiVersion: number,
    body: (w: Writer) => void,
  ): Promise<{ correlationId: number; body: Reader; expected: number }> {
    const expected = this.nextCorrelationId++;
    const frame = new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(expected, resolve);
      void this.closed.then(() => reject(new Error('connection closed before the response')));
    });
    this.socket.write(this.encode(apiKey, apiVersion, expected, body));
    const response = await frame;
    const r = new Reader(response);
    return { correlationId: r.int32(), body: r, expected };
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface RawRecord {
  key: string | null;
  value: string;
}

/** Zigzag varint, as inside records. */
const varint = (w: Writer, v: number) => {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  const bytes: number[] = [];
  while (u >= 0x80) {
    bytes.push((u & 0x7f) | 0x80);
    u = Math.floor(u / 128);
  }
  bytes.push(u);
  w.raw(Buffer.from(bytes));
};

/** Encodes a magic-2 RecordBatch the way a producer would (baseOffset 0, CRC-32C over attributes..end). */
export function encodeBatch(
  records: RawRecord[],
  opts: {
    producerId?: number;
    producerEpoch?: number;
    baseSequence?: number;
    gzip?: boolean;
    timestamp?: number;
  } = {},
): Buffer {
  const ts = opts.timestamp ?? Date.now();
  const recs = new Writer();
  records.forEach((rec, i) => {
    const body = new Writer();
    body.int8(0);
    varint(body, 0); // timestamp delta
    varint(body, i); // offset delta
    if (rec.key === null) varint(body, -1);
    else {
      const k = Buffer.from(rec.key);
      varint(body, k.length);
      body.raw(k);
    }
    const v = Buffer.from(rec.value);
    varint(body, v.length);
    body.raw(v);
    varint(body, 0); // headers
    varint(recs, body.length);
    recs.raw(body.toBuffer());
  });
  const payload = opts.gzip ? gzipSync(recs.toBuffer()) : recs.toBuffer();
  const w = new Writer();
  w.int64(0).int32(0).int32(-1).int8(2).int32(0);
  w.int16(opts.gzip ? 1 : 0)
    .int32(records.length - 1)
    .int64(ts)
    .int64(ts);
  w.int64(opts.producerId ?? -1)
    .int16(opts.producerEpoch ?? -1)
    .int32(opts.baseSequence ?? -1);
  w.int32(records.length).raw(payload);
  const batch = Buffer.from(w.toBuffer());
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}
