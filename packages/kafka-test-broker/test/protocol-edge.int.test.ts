import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { ApiKey } from '../src/protocol/api-keys.ts';
import { ErrorCode } from '../src/protocol/error-codes.ts';
import type { Reader } from '../src/protocol/reader.ts';
import type { Writer } from '../src/protocol/writer.ts';
import { crc32c } from '../src/records/crc32c.ts';
import { encodeBatch, RawClient } from './helpers/raw-client.ts';

/** What ApiVersions must advertise: exactly the versions the handlers decode and encode. */
const EXPECTED_VERSIONS: [number, number, number][] = [
  [ApiKey.Produce, 3, 7],
  [ApiKey.Fetch, 4, 11],
  [ApiKey.ListOffsets, 0, 3],
  [ApiKey.Metadata, 0, 6],
  [ApiKey.OffsetCommit, 0, 7],
  [ApiKey.OffsetFetch, 0, 5],
  [ApiKey.FindCoordinator, 0, 2],
  [ApiKey.JoinGroup, 0, 5],
  [ApiKey.Heartbeat, 0, 3],
  [ApiKey.LeaveGroup, 0, 3],
  [ApiKey.SyncGroup, 0, 3],
  [ApiKey.DescribeGroups, 0, 4],
  [ApiKey.ListGroups, 0, 2],
  [ApiKey.ApiVersions, 0, 2],
  [ApiKey.CreateTopics, 0, 4],
  [ApiKey.DeleteTopics, 0, 3],
  [ApiKey.InitProducerId, 0, 1],
];

const readApiVersions = (r: Reader) => ({
  errorCode: r.int16(),
  apis: r.array((a) => [a.int16(), a.int16(), a.int16()] as [number, number, number]),
});

const produceBody =
  (topic: string, partition: number, batch: Buffer, acks = -1) =>
  (w: Writer) => {
    w.nullableString(null).int16(acks).int32(5000);
    w.array([topic], (tw, t) => {
      tw.string(t).array([partition], (pw, p) => {
        pw.int32(p).bytes(batch);
      });
    });
  };

/** Produce v7 response, single topic/partition. */
const readProduce = (r: Reader) => {
  const [topic] = r.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => ({
      index: p.int32(),
      errorCode: p.int16(),
      baseOffset: p.int64(),
      logAppendTime: p.int64(),
      logStartOffset: p.int64(),
    })),
  }));
  return topic!.partitions[0]!;
};

const fetchBody =
  (topic: string, partition: number, offset: number, maxWaitMs = 0, minBytes = 1) =>
  (w: Writer) => {
    w.int32(-1)
      .int32(maxWaitMs)
      .int32(minBytes)
      .int32(1024 * 1024)
      .int8(0);
    w.array([topic], (tw, t) => {
      tw.string(t).array([partition], (pw, p) => {
        pw.int32(p)
          .int64(offset)
          .int32(1024 * 1024);
      });
    });
  };

/** Fetch v4 response, single topic/partition. */
const readFetch = (r: Reader) => {
  r.int32();
  const [topic] = r.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => ({
      index: p.int32(),
      errorCode: p.int16(),
      highWatermark: p.int64(),
      lastStableOffset: p.int64(),
      aborted: p.nullableArray((a) => [a.int64(), a.int64()]),
      records: p.bytes(),
    })),
  }));
  return topic!.partitions[0]!;
};

const createTopic = async (c: RawClient, name: string, partitions: number) => {
  const res = await c.request(ApiKey.CreateTopics, 2, (w) => {
    w.array([name], (tw, n) => {
      tw.string(n)
        .int32(partitions)
        .int16(1)
        .array([], () => {})
        .array([], () => {});
    });
    w.int32(1000).boolean(false);
  });
  res.body.int32();
  const [t] = res.body.array((r) => ({
    name: r.string(),
    errorCode: r.int16(),
    message: r.nullableString(),
  }));
  return t!;
};

describe('protocol edge cases over a raw socket', () => {
  let broker: RunningBroker;
  let client: RawClient;
  const closedLog: string[] = [];

  beforeAll(async () => {
    broker = await startBroker({ port: 0, autoCreateTopics: false, log: (l) => closedLog.push(l) });
  });
  afterAll(async () => {
    client?.close();
    await broker.stop();
  });

  const fresh = async () => {
    client?.close();
    client = await RawClient.connect(broker.port);
    return client;
  };

  it('advertises exactly the implemented versions on ApiVersions v0, v1 and v2', async () => {
    const c = await fresh();
    for (const v of [0, 1, 2]) {
      const res = await c.request(ApiKey.ApiVersions, v, () => {});
      expect(res.correlationId).toBe(res.expected);
      const parsed = readApiVersions(res.body);
      expect(parsed.errorCode).toBe(ErrorCode.NONE);
      expect(parsed.apis).toEqual([...EXPECTED_VERSIONS].sort((a, b) => a[0] - b[0]));
      if (v >= 1) expect(res.body.int32()).toBe(0); // throttle_time_ms
      expect(res.body.remaining()).toBe(0);
    }
  });

  it('answers a flexible ApiVersions v3 with error 35 in a v0 body listing its ApiVersions range', async () => {
    const c = await fresh();
    // v3 request: header v2 (tagged fields after client id), compact-string body.
    const res = await c.request(ApiKey.ApiVersions, 3, (w) => {
      w.int8(0); // header tagged fields
      w.int8(5).raw(Buffer.from('test')).int8(4).raw(Buffer.from('1.0')).int8(0);
    });
    expect(res.correlationId).toBe(res.expected);
    const parsed = readApiVersions(res.body);
    expect(parsed.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(parsed.apis).toEqual([[ApiKey.ApiVersions, 0, 2]]);
    expect(res.body.remaining()).toBe(0);
    // The connection stays usable: the client retries with v2.
    const retry = await c.request(ApiKey.ApiVersions, 2, () => {});
    expect(readApiVersions(retry.body).errorCode).toBe(ErrorCode.NONE);
  });

  it('answers an unknown API key with an error and keeps serving the connection', async () => {
    const c = await fresh();
    for (const key of [1000, 23 /* OffsetForLeaderEpoch: real, not implemented */]) {
      const res = await c.request(key, 0, (w) => w.int32(42));
      expect(res.correlationId).toBe(res.expected);
      expect(res.body.int16()).toBe(ErrorCode.INVALID_REQUEST);
    }
    const ok = await c.request(ApiKey.ApiVersions, 0, () => {});
    expect(readApiVersions(ok.body).errorCode).toBe(ErrorCode.NONE);
  });

  it('answers an unsupported version of a known API with UNSUPPORTED_VERSION', async () => {
    const c = await fresh();
    for (const [key, version] of [
      [ApiKey.Produce, 2],
      [ApiKey.Fetch, 12],
      [ApiKey.Metadata, 9],
      [ApiKey.JoinGroup, 6],
    ] as const) {
      const res = await c.request(key, version, (w) => w.int32(0));
      expect(res.correlationId).toBe(res.expected);
      expect(res.body.int16()).toBe(ErrorCode.UNSUPPORTED_VERSION);
    }
    expect(c.isClosed).toBe(false);
  });

  it('closes the connection on a malformed frame and keeps serving others', async () => {
    const short = await fresh();
    // 3-byte frame: too short for a request header.
    short.writeRaw(Buffer.from([0, 0, 0, 3, 0, 3, 0]));
    await short.closed;

    const truncated = await fresh();
    // Metadata v1 whose topic array claims 1000 entries but carries no bytes.
    const frame = Buffer.alloc(4 + 14 + 4);
    frame.writeInt32BE(frame.length - 4, 0);
    frame.writeInt16BE(ApiKey.Metadata, 4);
    frame.writeInt16BE(1, 6);
    frame.writeInt32BE(7, 8);
    frame.writeInt16BE(4, 12);
    frame.write('test', 14);
    frame.writeInt32BE(1000, 18);
    truncated.writeRaw(frame);
    await truncated.closed;
    expect(closedLog.some((l) => l.includes('malformed request'))).toBe(true);

    const next = await fresh();
    const res = await next.request(ApiKey.ApiVersions, 0, () => {});
    expect(readApiVersions(res.body).errorCode).toBe(ErrorCode.NONE);
  });

  it('closes the connection on a frame over the default 100 MB limit without waiting for its body', async () => {
    const c = await fresh();
    const size = Buffer.alloc(4);
    size.writeInt32BE(100 * 1024 * 1024 + 1);
    c.writeRaw(size);
    await c.closed;
    expect(closedLog.some((l) => l.includes('frame size beyond 104857600'))).toBe(true);
  });

  it('honours a configured max frame size', async () => {
    const small = await startBroker({ maxFrameBytes: 1024 });
    try {
      const ok = await RawClient.connect(small.port);
      const res = await ok.request(ApiKey.ApiVersions, 0, () => {});
      expect(readApiVersions(res.body).errorCode).toBe(ErrorCode.NONE);
      ok.close();
      const big = await RawClient.connect(small.port);
      const batch = encodeBatch([{ key: 'k', value: 'x'.repeat(2000) }]);
      const pending = big.request(ApiKey.Produce, 3, produceBody('t', 0, batch));
      await expect(pending).rejects.toThrow('connection closed');
      await big.closed;
    } finally {
      await small.stop();
    }
  });

  it('answers a produce to a missing topic with UNKNOWN_TOPIC_OR_PARTITION when auto-create is off', async () => {
    const c = await fresh();
    const res = await c.request(
      ApiKey.Produce,
      7,
      produceBody('missing-topic', 0, encodeBatch([{ key: 'a', value: '1' }])),
    );
    expect(readProduce(res.body).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    // Metadata does not create it either.
    const md = await c.request(ApiKey.Metadata, 4, (w) =>
      w.array(['missing-topic'], (tw, t) => tw.string(t)).boolean(true),
    );
    md.body.int32();
    md.body.array((b) => [b.int32(), b.string(), b.int32(), b.nullableString()]);
    md.body.nullableString();
    md.body.int32();
    const [topic] = md.body.array((t) => ({ errorCode: t.int16(), name: t.string() }));
    expect(topic).toEqual({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: 'missing-topic' });
    // A partition beyond the topic's count is just as unknown.
    expect((await createTopic(c, 'one-partition', 1)).errorCode).toBe(ErrorCode.NONE);
    const beyond = await c.request(
      ApiKey.Produce,
      7,
      produceBody('one-partition', 3, encodeBatch([{ key: 'a', value: '1' }])),
    );
    expect(readProduce(beyond.body).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('auto-creates a topic on produce when enabled, with the configured partition count', async () => {
    const auto = await startBroker({ defaultPartitions: 4 });
    try {
      const c = await RawClient.connect(auto.port);
      const res = await c.request(
        ApiKey.Produce,
        7,
        produceBody('auto-topic', 2, encodeBatch([{ key: 'a', value: '1' }])),
      );
      expect(readProduce(res.body)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 });
      const md = await c.request(ApiKey.Metadata, 1, (w) => w.array(['auto-topic'], (tw, t) => tw.string(t)));
      md.body.array((b) => [b.int32(), b.string(), b.int32(), b.nullableString()]);
      md.body.int32();
      const [topic] = md.body.array((t) => ({
        errorCode: t.int16(),
        name: t.string(),
        internal: t.boolean(),
        partitions: t.array((p) => [
          p.int16(),
          p.int32(),
          p.int32(),
          p.array((x) => x.int32()),
          p.array((x) => x.int32()),
        ]),
      }));
      expect(topic?.errorCode).toBe(ErrorCode.NONE);
      expect(topic?.partitions.map((p) => p[1])).toEqual([0, 1, 2, 3]);
      c.close();
    } finally {
      await auto.stop();
    }
  });

  it('answers a fetch past the end of the log with OFFSET_OUT_OF_RANGE', async () => {
    const c = await fresh();
    expect((await createTopic(c, 'fetch-range', 1)).errorCode).toBe(ErrorCode.NONE);
    const produced = await c.request(
      ApiKey.Produce,
      7,
      produceBody(
        'fetch-range',
        0,
        encodeBatch([
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ]),
      ),
    );
    expect(readProduce(produced.body)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    for (const offset of [3, 1000, -5]) {
      const res = await c.request(ApiKey.Fetch, 4, fetchBody('fetch-range', 0, offset));
      expect(readFetch(res.body)).toMatchObject({
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
        highWatermark: 2,
      });
    }
    // At the end exactly: no error, no records.
    const atEnd = await c.request(ApiKey.Fetch, 4, fetchBody('fetch-range', 0, 2));
    expect(readFetch(atEnd.body)).toMatchObject({ errorCode: ErrorCode.NONE, highWatermark: 2 });
    // Inside the log: the whole batch holding the offset.
    const inside = readFetch((await c.request(ApiKey.Fetch, 4, fetchBody('fetch-range', 0, 1))).body);
    expect(inside.errorCode).toBe(ErrorCode.NONE);
    expect(inside.records.readBigInt64BE(0)).toBe(0n);
    expect(inside.records.readInt32BE(57)).toBe(2);
  });

  it('long-polls: an empty fetch waits max_wait_ms, and an append answers a waiting fetch at once', async () => {
    const c = await fresh();
    expect((await createTopic(c, 'long-poll', 1)).errorCode).toBe(ErrorCode.NONE);
    let started = Date.now();
    const empty = readFetch((await c.request(ApiKey.Fetch, 4, fetchBody('long-poll', 0, 0, 400))).body);
    const waited = Date.now() - started;
    expect(empty.records.length).toBe(0);
    expect(waited).toBeGreaterThanOrEqual(380);

    const producer = await RawClient.connect(broker.port);
    started = Date.now();
    const waiting = c.request(ApiKey.Fetch, 4, fetchBody('long-poll', 0, 0, 10_000));
    setTimeout(() => {
      void producer.request(
        ApiKey.Produce,
        7,
        produceBody('long-poll', 0, encodeBatch([{ key: 'k', value: 'v' }])),
      );
    }, 100);
    const woken = readFetch((await waiting).body);
    expect(woken.highWatermark).toBe(1);
    expect(woken.records.length).toBeGreaterThan(61);
    expect(Date.now() - started).toBeLessThan(3000);
    producer.close();
  });

  it('validates batches: bad CRC is CORRUPT_MESSAGE, gzip is stored, snappy is refused', async () => {
    const c = await fresh();
    expect((await createTopic(c, 'validation', 1)).errorCode).toBe(ErrorCode.NONE);
    const bad = encodeBatch([{ key: 'a', value: 'hello' }]);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    const corrupt = await c.request(ApiKey.Produce, 7, produceBody('validation', 0, bad));
    expect(readProduce(corrupt.body).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);

    const gz = encodeBatch(
      [
        { key: 'a', value: 'one' },
        { key: 'b', value: 'two' },
        { key: null, value: 'three' },
      ],
      { gzip: true },
    );
    const stored = await c.request(ApiKey.Produce, 7, produceBody('validation', 0, gz));
    expect(readProduce(stored.body)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    const fetched = readFetch((await c.request(ApiKey.Fetch, 4, fetchBody('validation', 0, 0))).body);
    expect(fetched.highWatermark).toBe(3);
    // Stored as received: only baseOffset (0..7) and partitionLeaderEpoch (12..15) are stamped.
    expect(fetched.records.subarray(16)).toEqual(gz.subarray(16));
    expect(fetched.records.subarray(8, 12)).toEqual(gz.subarray(8, 12));

    const snappy = encodeBatch([{ key: 'a', value: 'x' }]);
    snappy.writeInt16BE(2, 21);
    snappy.writeUInt32BE(crc32c(snappy, 21), 17);
    const refused = await c.request(ApiKey.Produce, 7, produceBody('validation', 0, snappy));
    expect(readProduce(refused.body).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  it('deduplicates an idempotent producer retry and refuses an out-of-order sequence', async () => {
    const c = await fresh();
    expect((await createTopic(c, 'idempotence', 1)).errorCode).toBe(ErrorCode.NONE);
    const init = await c.request(ApiKey.InitProducerId, 0, (w) => w.nullableString(null).int32(60_000));
    init.body.int32();
    expect(init.body.int16()).toBe(ErrorCode.NONE);
    const producerId = init.body.int64();
    const epoch = init.body.int16();
    const recs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    const send = async (baseSequence: number, n: number) =>
      readProduce(
        (
          await c.request(
            ApiKey.Produce,
            7,
            produceBody(
              'idempotence',
              0,
              encodeBatch(recs(n), { producerId, producerEpoch: epoch, baseSequence }),
            ),
          )
        ).body,
      );
    expect(await send(0, 3)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    expect(await send(0, 3)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 }); // retry: same offset
    expect(await send(3, 2)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3 });
    expect(await send(3, 2)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3 });
    expect((await send(9, 1)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const end = readFetch((await c.request(ApiKey.Fetch, 4, fetchBody('idempotence', 0, 5))).body);
    expect(end.highWatermark).toBe(5);
  });

  it('answers acks=1 and acks=-1 with the offset, refuses other acks values', async () => {
    const c = await fresh();
    expect((await createTopic(c, 'acks', 1)).errorCode).toBe(ErrorCode.NONE);
    const one = await c.request(
      ApiKey.Produce,
      5,
      produceBody('acks', 0, encodeBatch([{ key: 'a', value: '1' }]), 1),
    );
    expect(readProduce(one.body)).toMatchObject({
      errorCode: ErrorCode.NONE,
      baseOffset: 0,
      logStartOffset: 0,
    });
    const all = await c.request(
      ApiKey.Produce,
      5,
      produceBody('acks', 0, encodeBatch([{ key: 'b', value: '2' }]), -1),
    );
    expect(readProduce(all.body)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 1 });
    const two = await c.request(
      ApiKey.Produce,
      5,
      produceBody('acks', 0, encodeBatch([{ key: 'c', value: '3' }]), 2),
    );
    expect(readProduce(two.body).errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
  });

  it('sends no response for acks=0 and keeps responses in request order', async () => {
    const c = await fresh();
    expect((await createTopic(c, 'acks-zero', 1)).errorCode).toBe(ErrorCode.NONE);
    c.send(ApiKey.Produce, 3, produceBody('acks-zero', 0, encodeBatch([{ key: 'a', value: '1' }]), 0));
    c.send(ApiKey.Produce, 3, produceBody('acks-zero', 0, encodeBatch([{ key: 'b', value: '2' }]), 0));
    const versions = await c.request(ApiKey.ApiVersions, 0, () => {});
    expect(readApiVersions(versions.body).errorCode).toBe(ErrorCode.NONE);
    const fetched = readFetch((await c.request(ApiKey.Fetch, 4, fetchBody('acks-zero', 0, 0))).body);
    expect(fetched.highWatermark).toBe(2);
    expect(c.strayFrames).toHaveLength(0);
  });
});
