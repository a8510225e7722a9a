import { deadLetterTopic } from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import type { Admin, Kafka, Consumer as KafkaConsumer, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import {
  appliesType,
  applyBatch,
  type BatchOutcome,
  type Consumer,
  isRetryable,
  runIdle,
} from '../consumer.ts';
import { decodeMessage } from './decode.ts';
import { backoffMs, sleep } from './util.ts';

/** A message that failed with a retryable error maxAttempts times: dead-lettered too. */
export class RetriesExhaustedError extends Error {
  readonly code = 'RETRIES_EXHAUSTED';
  readonly retryable = false;
}

export type KafkaConsumerRunnerOptions = {
  /** Messages applied per database transaction (a fetched batch is cut into chunks). Default 500. */
  maxBatchSize?: number;
  /** Attempts of a message failing with a retryable error before it is dead-lettered. Default 5. */
  maxAttempts?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** consumer.idle() runs this long after the last batch... Default 300 ms. */
  idleDelayMs?: number;
  /** ...and at least this often under sustained load. Default 2000 ms. */
  maxIdleDeferMs?: number;
  /** Dead-letter topic. Default wagewatch.dlq.<group>.v1. */
  dlqTopic?: string;
  /** A new group starts at the earliest retained offset (default true; the inbox skips what is known). */
  fromBeginning?: boolean;
  /** kafkajs consumer settings (lower them in tests). */
  sessionTimeout?: number;
  heartbeatInterval?: number;
  rebalanceTimeout?: number;
  maxWaitTimeInMs?: number;
  partitionsConsumedConcurrently?: number;
  onApplied?: (n: number) => void;
  onDeadLettered?: (n: number) => void;
  /**
   * Where a consumer's time goes (metrics): after each chunk (apply, inbox, dead letters) with its
   * duration and size, and after each run of the deferred work (consumer.idle()), which runs
   * beside the batches. Durations in milliseconds, chunks' from the lock's acquisition.
   */
  onChunkTimed?: (ms: number, messages: number) => void;
  onIdleTimed?: (ms: number) => void;
};

type Item = { message: KafkaMessage; raw: unknown; rawText: string };
type DeadLetter = { message: KafkaMessage; reason: string; eventId: string | null };

/** A tiny mutex: one chunk of the batch path at a time. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => {
      release = r;
    });
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * Runs a transport-independent `Consumer` in a Kafka consumer group (groupId = consumer.group).
 *
 * Per fetched batch (cut into chunks of maxBatchSize): the messages are applied with
 * `applyBatch` in one transaction that also records their event ids (inbox) and the partition's
 * position (`cursors`, source `kafka:<topic>:<partition>`); once it has committed, dead letters
 * are published to the group's DLQ topic, and only then the Kafka offset is committed. A crash
 * anywhere redelivers from the last committed offset and the inbox skips what was applied:
 * at-least-once delivery, effectively-once effects.
 *
 * Failures: a message that cannot be decoded or parsed, or whose apply throws a non-retryable
 * error, is dead-lettered (table `<group>.dead_letters` and the DLQ topic, with the original
 * bytes and headers x-reason, x-source-topic, x-source-partition, x-source-offset) and the
 * partition moves on. A retryable error is retried message by message with backoff; after
 * maxAttempts the message is dead-lettered as well, so a poison message never blocks a
 * partition forever.
 */
export class KafkaConsumerRunner {
  private readonly kafkaConsumer: KafkaConsumer;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly lock = new Lock();
  private readonly dlqTopic: string;
  private abort = new AbortController();
  private stopping = false;
  private started = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleRun: Promise<void> | undefined;
  private idleAgain = false;
  private idlePendingSince: number | undefined;
  /** `ignored`: messages of types the consumer does not apply (consumer.types), passed over. */
  readonly stats = { applied: 0, skipped: 0, deadLettered: 0, retries: 0, batches: 0, ignored: 0 };

  constructor(
    private readonly db: Database,
    private readonly consumer: Consumer,
    kafka: Kafka,
    private readonly logger: Logger,
    private readonly options: KafkaConsumerRunnerOptions = {},
  ) {
    this.dlqTopic = options.dlqTopic ?? deadLetterTopic(consumer.group);
    this.kafkaConsumer = kafka.consumer({
      groupId: consumer.group,
      ...(options.sessionTimeout ? { sessionTimeout: options.sessionTimeout } : {}),
      ...(options.heartbeatInterval ? { heartbeatInterval: options.heartbeatInterval } : {}),
      ...(options.rebalanceTimeout ? { rebalanceTimeout: options.rebalanceTimeout } : {}),
      ...(options.maxWaitTimeInMs ? { maxWaitTimeInMs: options.maxWaitTimeInMs } : {}),
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.admin = kafka.admin();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.abort = new AbortController();
    await this.producer.connect();
    await this.admin.connect();
    await this.kafkaConsumer.connect();
    await this.kafkaConsumer.subscribe({
      topics: [...this.consumer.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.kafkaConsumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        const { topic, partition } = batch;
        const size = this.options.maxBatchSize ?? 500;
        for (let at = 0; at < batch.messages.length; at += size) {
          if (!isRunning() || isStale() || this.stopping) break;
          const chunk = batch.messages.slice(at, at + size);
          const { handled, interrupted } = await this.lock
            .run(async () => {
              const started = performance.now();
              const r = await this.handleChunk(topic, partition, chunk, heartbeat);
              this.options.onChunkTimed?.(performance.now() - started, chunk.length);
              return r;
            })
            .catch((err: unknown) => {
              // Nothing of this chunk is committed: kafkajs redelivers it (the inbox skips the applied).
              this.logger.error(
                { err, topic, partition, from: chunk[0]?.offset },
                'batch abandoned uncommitted; it will be redelivered',
              );
              throw err;
            });
          const last = handled > 0 ? chunk[handled - 1] : undefined;
          if (last) {
            resolveOffset(last.offset);
            await commitOffsetsIfNecessary({
              topics: [{ topic, partitions: [{ partition, offset: (BigInt(last.offset) + 1n).toString() }] }],
            });
          }
          this.stats.batches++;
          this.scheduleIdle();
          if (interrupted) break;
        }
      },
    });
    // Deferred work left by a previous process (durable marks) runs once after a start.
    this.scheduleIdle();
  }

  /**
   * Stops fetching, lets the chunk in flight finish (a retry backoff is cut short), commits
   * what was applied, leaves the group and disconnects.
   */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    this.abort.abort();
    await this.kafkaConsumer.disconnect().catch((err) => this.logger.warn({ err }, 'consumer disconnect'));
    clearTimeout(this.idleTimer);
    await this.idleRun;
    await this.producer.disconnect().catch(() => {});
    await this.admin.disconnect().catch(() => {});
    this.started = false;
  }

  /** Messages not yet committed by the group, over its topics (metrics: consumer lag). */
  async lag(): Promise<number> {
    return (await this.lagByPartition()).reduce((sum, p) => sum + p.lag, 0);
  }

  async lagByPartition(): Promise<{ topic: string; partition: number; lag: number }[]> {
    const committed = await this.admin.fetchOffsets({
      groupId: this.consumer.group,
      topics: [...this.consumer.topics],
    });
    const out: { topic: string; partition: number; lag: number }[] = [];
    for (const topic of this.consumer.topics) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const p of ends) {
        const c = Number(mine.find((m) => m.partition === p.partition)?.offset ?? -1);
        const from = c >= 0 ? c : Number(p.low);
        out.push({ topic, partition: p.partition, lag: Math.max(0, Number(p.high) - from) });
      }
    }
    return out;
  }

  /**
   * Applies one chunk and publishes its dead letters. Returns how many messages (from the
   * start of the chunk) are done and may be committed; `interrupted` when stop() cut it short.
   */
  private async handleChunk(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<{ handled: number; interrupted: boolean }> {
    const source = `kafka:${topic}:${partition}`;
    const dead: DeadLetter[] = [];
    const seen = new Set<string>();
    let handled = 0;
    let interrupted = false;
    // Types the consumer does not apply (the relay's x-event-type header) are passed over unread;
    // a chunk of nothing else costs no query. Their offsets are committed with the rest.
    const wanted = messages.map((m) => appliesType(this.consumer, headerText(m.headers?.['x-event-type'])));
    const skipIgnored = () => {
      while (handled < messages.length && !wanted[handled]) {
        handled++;
        this.stats.ignored++;
      }
    };
    skipIgnored();
    if (handled === messages.length) return { handled, interrupted };
    try {
      const watermark = await this.retrying(heartbeat, () => this.deadLetterWatermark());
      if (watermark === undefined) return { handled: 0, interrupted: true };
      const ctx = { topic, partition, source, watermark, seen, dead, heartbeat };
      while (handled < messages.length) {
        skipIgnored();
        if (handled === messages.length) break;
        const first = messages[handled]!;
        const decoded = decodeMessage(first.value);
        if (!decoded.ok) {
          const ok = await this.retrying(heartbeat, () =>
            this.db.transaction(async (tx) => {
              const [row] = await tx.query<{ id: bigint }>(
                `INSERT INTO "${this.consumer.group}".dead_letters (source, event_id, reason, payload)
                 VALUES ($1, NULL, $2, $3) RETURNING id`,
                [source, decoded.reason, decoded.rawText],
              );
              await this.commitPosition(tx, source, first.offset);
              if (row) seen.add(row.id.toString());
              return true;
            }),
          );
          if (ok === undefined) {
            interrupted = true;
            break;
          }
          dead.push({ message: first, reason: decoded.reason, eventId: null });
          this.count({ applied: 0, skipped: 0, deadLettered: 1 });
          handled++;
          continue;
        }
        // The longest run of decodable messages goes through applyBatch in one transaction.
        // (Passed-over messages inside it are left out; the segment's end covers their offsets.)
        const segment: Item[] = [{ message: first, raw: decoded.raw, rawText: decoded.rawText }];
        let end = handled + 1;
        for (; end < messages.length; end++) {
          const m = messages[end]!;
          if (!wanted[end]) continue;
          const d = decodeMessage(m.value);
          if (!d.ok) break;
          segment.push({ message: m, raw: d.raw, rawText: d.rawText });
        }
        // A run of passed-over messages at the end belongs to the next round (skipIgnored).
        while (end > handled + 1 && !wanted[end - 1]) end--;
        const done = await this.applySegment(ctx, segment);
        if (done < segment.length) {
          // Up to the first message not done (passed-over ones before it are done).
          handled = messages.indexOf(segment[done]!.message);
          interrupted = true;
          break;
        }
        this.stats.ignored += end - handled - segment.length;
        handled = end;
      }
    } finally {
      // Dead letters reach the DLQ topic before the offset is committed (the caller commits
      // only after this returns): a failure here throws, nothing is committed, and the
      // redelivered message is dead-lettered again (at-least-once, never lost).
      await this.publishDeadLetters(topic, partition, dead);
    }
    return { handled, interrupted };
  }

  private async applySegment(
    ctx: {
      topic: string;
      partition: number;
      source: string;
      watermark: bigint;
      seen: Set<string>;
      dead: DeadLetter[];
      heartbeat: () => Promise<void>;
    },
    segment: Item[],
  ): Promise<number> {
    const last = segment[segment.length - 1]!;
    try {
      const outcome = await applyBatch(this.db, this.consumer, ctx.source, segment, (tx) =>
        this.commitPosition(tx, ctx.source, last.message.offset),
      );
      this.count(outcome);
      if (outcome.deadLettered > 0) await this.collectDeadLetters(ctx, segment);
      return segment.length;
    } catch (err) {
      if (!isRetryable(err)) throw err;
      this.logger.warn(
        { err, topic: ctx.topic, partition: ctx.partition, from: segment[0]?.message.offset },
        'batch failed with a retryable error; retrying message by message',
      );
    }
    // applyBatch may have applied (inbox) or dead-lettered a prefix before the retryable
    // failure: the applied are skipped by the inbox now, the dead-lettered are collected.
    const already = await this.retrying(ctx.heartbeat, () => this.collectDeadLetters(ctx, segment));
    if (already === undefined) return 0;
    for (const [i, item] of segment.entries()) {
      if (already.has(i)) continue;
      if (!(await this.applyOne(ctx, item))) return i;
    }
    return segment.length;
  }

  /** One message, retried with backoff; dead-lettered after maxAttempts. False when stopped. */
  private async applyOne(
    ctx: Parameters<KafkaConsumerRunner['applySegment']>[0],
    item: Item,
  ): Promise<boolean> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    let attempts = 0;
    const commit = (tx: Sql) => this.commitPosition(tx, ctx.source, item.message.offset);
    for (;;) {
      if (this.stopping) return false;
      let lastError: unknown;
      try {
        const outcome = await applyBatch(this.db, this.consumer, ctx.source, [item], commit);
        this.count(outcome);
        if (outcome.deadLettered > 0) await this.collectDeadLetters(ctx, [item]);
        return true;
      } catch (err) {
        lastError = err;
        attempts++;
        this.stats.retries++;
      }
      if (attempts >= maxAttempts) {
        const reason = `retries exhausted after ${attempts} attempts: ${
          lastError instanceof Error ? lastError.message : String(lastError)
        }`;
        const giveUp: Consumer = {
          group: this.consumer.group,
          topics: this.consumer.topics,
          ...(this.consumer.outbox ? { outbox: this.consumer.outbox } : {}),
          ...(this.consumer.clock ? { clock: this.consumer.clock } : {}),
          apply: async () => {
            throw new RetriesExhaustedError(reason);
          },
        };
        try {
          const outcome = await applyBatch(this.db, giveUp, ctx.source, [item], commit);
          this.count(outcome);
          if (outcome.deadLettered > 0) await this.collectDeadLetters(ctx, [item]);
          return true;
        } catch (err) {
          lastError = err; // the database itself is failing: keep retrying the real apply
        }
      }
      const wait = backoffMs(attempts, this.options.retryInitialMs ?? 200, this.options.retryMaxMs ?? 10_000);
      this.logger.warn(
        {
          err: lastError,
          topic: ctx.topic,
          partition: ctx.partition,
          offset: item.message.offset,
          attempt: attempts,
          retryInMs: wait,
        },
        'retryable failure applying a message; backing off',
      );
      await this.backoff(wait, ctx.heartbeat);
    }
  }

  /** Runs fn until it succeeds (backing off); undefined when stop() interrupts. */
  private async retrying<T>(heartbeat: () => Promise<void>, fn: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) return undefined;
      try {
        return await fn();
      } catch (err) {
        const wait = backoffMs(
          attempt,
          this.options.retryInitialMs ?? 200,
          this.options.retryMaxMs ?? 10_000,
        );
        this.logger.warn({ err, attempt, retryInMs: wait }, 'consumer database step failed; backing off');
        await this.backoff(wait, heartbeat);
      }
    }
  }

  /** Sleeps in slices, heartbeating so the group does not evict a member that is retrying. */
  private async backoff(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await sleep(Math.min(1000, until - Date.now()), this.abort.signal);
      // A rebalance here throws: the batch is abandoned uncommitted and redelivered (inbox).
      if (!this.stopping) await heartbeat();
    }
  }

  private async deadLetterWatermark(): Promise<bigint> {
    const [row] = await this.db.query<{ id: bigint }>(
      `SELECT coalesce(max(id), 0)::bigint AS id FROM "${this.consumer.group}".dead_letters`,
    );
    return row?.id ?? 0n;
  }

  /**
   * Finds the rows applyBatch wrote to dead_letters for this partition since the chunk
   * started (whole messages only: a batch event's bad rows stay in the table, the message
   * itself was applied) and pairs them, in order, with the messages they came from (same payload text).
   * Returns the indices (into `items`) that were dead-lettered.
   */
  private async collectDeadLetters(
    ctx: { source: string; watermark: bigint; seen: Set<string>; dead: DeadLetter[] },
    items: Item[],
  ): Promise<Set<number>> {
    const rows = await this.db.query<{
      id: bigint;
      event_id: string | null;
      reason: string;
      payload: string;
    }>(
      `SELECT id, event_id, reason, payload FROM "${this.consumer.group}".dead_letters
       WHERE source = $1 AND id > $2 AND row_index IS NULL ORDER BY id`,
      [ctx.source, ctx.watermark.toString()],
    );
    const matched = new Set<number>();
    let k = 0;
    for (const row of rows) {
      if (ctx.seen.has(row.id.toString())) continue;
      while (k < items.length && items[k]!.rawText !== row.payload) k++;
      const item = items[k];
      if (!item) break;
      ctx.seen.add(row.id.toString());
      ctx.dead.push({ message: item.message, reason: row.reason, eventId: row.event_id });
      matched.add(k);
      k++;
    }
    return matched;
  }

  private async publishDeadLetters(topic: string, partition: number, dead: DeadLetter[]): Promise<void> {
    if (dead.length === 0) return;
    await this.producer.send({
      topic: this.dlqTopic,
      acks: -1,
      messages: dead.map((d) => ({
        key: d.message.key,
        value: d.message.value,
        headers: {
          'x-reason': d.reason.slice(0, 2000),
          'x-source-topic': topic,
          'x-source-partition': String(partition),
          'x-source-offset': d.message.offset,
          'x-consumer-group': this.consumer.group,
          ...(d.eventId ? { 'x-event-id': d.eventId } : {}),
          'x-failed-at': new Date().toISOString(),
        },
      })),
    });
  }

  private async commitPosition(tx: Sql, source: string, offset: string): Promise<void> {
    await tx.query(
      `INSERT INTO "${this.consumer.group}".cursors (source, position) VALUES ($1, $2)
       ON CONFLICT (source) DO UPDATE SET position = EXCLUDED.position`,
      [source, offset],
    );
  }

  private count(o: BatchOutcome): void {
    this.stats.applied += o.applied;
    this.stats.skipped += o.skipped;
    this.stats.deadLettered += o.deadLettered;
    if (o.applied > 0) this.options.onApplied?.(o.applied);
    if (o.deadLettered > 0) this.options.onDeadLettered?.(o.deadLettered);
  }

  /**
   * consumer.idle() (deferred work, e.g. the ledger's evaluation of touched projects) runs
   * idleDelayMs after the last batch, and at least every maxIdleDeferMs under load; never
   * concurrently with itself, but beside the batches: an evaluation run of thousands of
   * projects held them off for seconds, and every event that arrived meanwhile waited
   * (bench:city-day's p99 arrival → applied, docs/scaling.md). The deferred work coordinates
   * with the batches through its durable marks, as two replicas of a consumer already do.
   */
  private scheduleIdle(): void {
    if (!this.consumer.idle || this.stopping) return;
    this.idlePendingSince ??= Date.now();
    clearTimeout(this.idleTimer);
    if (Date.now() - this.idlePendingSince >= (this.options.maxIdleDeferMs ?? 2000)) {
      this.runIdle();
      return;
    }
    this.idleTimer = setTimeout(() => this.runIdle(), this.options.idleDelayMs ?? 300);
  }

  private runIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.idleRun) {
      this.idleAgain = true;
      return;
    }
    this.idlePendingSince = undefined;
    this.idleRun = (async () => {
      try {
        if (this.stopping) return;
        const started = performance.now();
        await runIdle(this.consumer);
        this.options.onIdleTimed?.(performance.now() - started);
      } catch (err) {
        this.logger.error({ err, group: this.consumer.group }, 'consumer idle work failed');
      }
    })().finally(() => {
      this.idleRun = undefined;
      if (this.idleAgain) {
        this.idleAgain = false;
        this.scheduleIdle();
      }
    });
  }
}

function headerText(h: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  return v === undefined ? undefined : v.toString();
}
