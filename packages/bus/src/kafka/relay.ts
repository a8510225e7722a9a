import type { Database } from '@wagewatch/db';
import type { Kafka, Message, Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import type { Logger } from 'pino';
import type { Outbox } from '../outbox.ts';
import { backoffMs, sleep } from './util.ts';

export type KafkaRelayOptions = {
  /** Rows per send (one transaction, one produce request per topic). Default 500. */
  batchSize?: number;
  /** Poll interval when nothing wakes the relay (another process appended). Default 1000 ms. */
  pollMs?: number;
  /** Backoff after a failed round: initial and maximum. Defaults 200 ms and 10 s. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** stop() flushes what is pending for at most this long. Default 10 s. */
  flushTimeoutMs?: number;
  /** Called after each round that published rows (metrics). */
  onPublished?: (n: number) => void;
  /**
   * Fault injection for tests: runs after the send succeeded and before the rows are marked
   * published, inside the relay's transaction (throwing there is "crash after send").
   */
  afterSend?: (rows: number) => Promise<void>;
};

type OutboxRow = {
  seq: bigint;
  event_id: string;
  topic: string;
  key: string;
  type: string;
  version: number;
  envelope: unknown;
};

/**
 * Publishes one service's outbox to Kafka, in sequence order, with an idempotent producer
 * (acks all, one request in flight, so a retried request neither duplicates nor reorders).
 *
 * Each round runs in one database transaction that holds `pg_try_advisory_xact_lock('relay:<schema>')`
 * while it reads the oldest unpublished rows, sends them and marks them published: two relay
 * processes of one service never publish concurrently (which could interleave and reorder), and
 * the loser of the lock just waits for the next round. A crash after the send and before the
 * commit leaves the rows unpublished, so they are sent again: delivery is at-least-once and
 * consumers drop the duplicate by event id (inbox).
 */
export class KafkaRelay {
  private readonly producer: Producer;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private dirty = true;
  private unsubscribe: (() => void) | undefined;
  private abort = new AbortController();
  private failures = 0;
  readonly stats = { published: 0, rounds: 0, errors: 0 };

  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    kafka: Kafka,
    private readonly logger: Logger,
    private readonly options: KafkaRelayOptions = {},
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.producer.connect();
    this.running = true;
    this.abort = new AbortController();
    this.unsubscribe = this.outbox.onCommitted(() => this.notify());
    this.loop = this.run();
  }

  notify(): void {
    this.dirty = true;
    this.wake?.();
  }

  /** Unpublished rows (metrics: outbox backlog). */
  backlog(): Promise<number> {
    return this.outbox.backlog(this.db);
  }

  /**
   * Stops polling, then publishes what is still pending (bounded by flushTimeoutMs) and
   * disconnects the producer.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.abort.abort();
    this.wake?.();
    await this.loop;
    const deadline = Date.now() + (this.options.flushTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      try {
        const n = await this.publishOnce();
        if (n === 0 && (await this.backlog()) === 0) break;
        if (n === 0) await sleep(50); // another relay holds the lock
      } catch (err) {
        this.logger.warn({ err, schema: this.outbox.schema }, 'outbox flush on stop failed');
        await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
      }
    }
    await this.producer.disconnect().catch(() => {});
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 1000;
    while (this.running) {
      let published = 0;
      try {
        this.dirty = false;
        published = await this.publishOnce();
        this.failures = 0;
      } catch (err) {
        this.failures++;
        this.stats.errors++;
        const wait = backoffMs(
          this.failures,
          this.options.backoffInitialMs ?? 200,
          this.options.backoffMaxMs ?? 10_000,
        );
        this.logger.error(
          { err, schema: this.outbox.schema, attempt: this.failures, retryInMs: wait },
          'outbox relay round failed; backing off',
        );
        await sleep(wait, this.abort.signal);
        continue;
      }
      if (published > 0 || this.dirty) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
  }

  /**
   * One round: the oldest unpublished rows (at most batchSize) are sent and marked published
   * in one transaction under the relay lock. Returns how many were published (0 when there
   * was nothing to do or another relay holds the lock).
   */
  async publishOnce(): Promise<number> {
    const schema = this.outbox.schema;
    const n = await this.db.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
        [`relay:${schema}`],
      );
      if (!lock?.locked) return 0;
      const rows = await tx.query<OutboxRow>(
        `SELECT seq, event_id, topic, key, type, version, envelope FROM "${schema}".outbox
         WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
        [this.options.batchSize ?? 500],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, Message[]>();
      for (const r of rows) {
        const messages = byTopic.get(r.topic) ?? [];
        byTopic.set(r.topic, messages);
        messages.push({
          key: r.key,
          value: typeof r.envelope === 'string' ? r.envelope : JSON.stringify(r.envelope),
          headers: {
            'x-event-id': r.event_id,
            'x-event-type': r.type,
            'x-event-version': String(r.version),
          },
        });
      }
      // One produce request; within a partition the messages keep their seq order.
      await this.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      await this.options.afterSend?.(rows.length);
      await tx.query(`UPDATE "${schema}".outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [
        rows.map((r) => r.seq.toString()),
      ]);
      return rows.length;
    });
    if (n > 0) {
      this.stats.published += n;
      this.stats.rounds++;
      this.options.onPublished?.(n);
    }
    return n;
  }
}
