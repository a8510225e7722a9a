import type { Database, Sql } from '@wagewatch/db';
import type { Logger } from 'pino';
import { appliesType, applyBatch, type Consumer, runIdle } from './consumer.ts';
import type { Outbox } from './outbox.ts';

/**
 * Embedded transport: each consumer reads the producers' outbox tables in sequence order,
 * like a Kafka consumer group reads a partition, and keeps its position (cursor) in its own
 * schema in the same transaction as the effects. Durable across restarts; nothing doubled.
 */
export class InProcessBus {
  private running = false;
  private wake: (() => void) | undefined;
  private pumping: Promise<void> | undefined;
  private dirty = true;
  private readonly unsubscribe: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  /** Events applied, skipped (seen before), dead-lettered; ms spent waiting for requests (busy). */
  readonly stats = { applied: 0, skipped: 0, deadLettered: 0, yieldedMs: 0 };
  private lastEventAt = 0;
  private lastIdleRunAt = 0;
  /** Starts true: work left deferred by a previous process (durable marks) runs after a restart. */
  private idleWorkPending = true;
  private draining = false;
  /**
   * Commits seen per outbox (its onCommitted), and for each (consumer, outbox) the count at
   * which it was last found caught up: a pair is read again only after a commit to that outbox,
   * or after a poll timeout (writes by another process, e.g. the dead-letter command), or on
   * drain(). An idle pair costs no query.
   */
  private readonly commits = new Map<Outbox, number>();
  private caughtUp = new Map<string, number>();
  private lastFullPassAt = 0;
  /** Each (consumer, outbox)'s position: read from its cursor once per full pass, then kept here. */
  private positions = new Map<string, bigint>();
  /** Positions moved past rows the consumer does not read, not yet written to its cursor. */
  private readonly deferred = new Map<string, { consumer: Consumer; source: Outbox; position: bigint }>();
  /** How long the consumers' deferred work took last time (ms). */
  private lastIdleMs = 0;
  /** Until then delivery does not wait for requests (it waited its longest just before). */
  private deliverUntil = 0;

  constructor(
    private readonly db: Database,
    private readonly sources: readonly Outbox[],
    private readonly consumers: readonly Consumer[],
    private readonly logger: Logger,
    private readonly options: {
      batchSize?: number;
      pollMs?: number;
      idleDelayMs?: number;
      maxIdleDeferMs?: number;
      /**
       * Under sustained load, the largest share of the time the deferred work may take (default
       * 0.2): after an evaluation round of 2 s, the next waits until 10 s after it began.
       */
      maxIdleShare?: number;
      /**
       * True while the process serves requests that write (a bank's push, a sheet, a decision).
       * Delivery then waits for them, at most yieldMaxMs (default 3000) at a time; after a wait
       * that ran out it delivers for a third of that without waiting (so under a load that never
       * pauses the consumers still get a quarter of the time). On the embedded database (one
       * connection) a burst of requests is acknowledged first and applied in fewer, larger
       * batches: docs/adr/0024-delivery-yields-to-requests.md.
       */
      busy?: () => boolean;
      yieldMaxMs?: number;
    } = {},
  ) {
    for (const s of sources) s.onCommitted(() => this.commits.set(s, (this.commits.get(s) ?? 0) + 1));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const s of this.sources) this.unsubscribe.push(s.onCommitted(() => this.notify()));
    this.pumping = this.loop();
  }

  notify(): void {
    this.dirty = true;
    this.wake?.();
  }

  /** Resolves once every consumer has caught up with every outbox (tests, demo loading). */
  async drain(): Promise<void> {
    this.draining = true;
    this.idleWorkPending = true;
    this.caughtUp = new Map();
    this.positions = new Map();
    try {
      if (!this.running) {
        while (await this.pumpOnce()) {}
        await this.saveDeferredPositions();
        return;
      }
      this.notify();
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.draining = false;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const u of this.unsubscribe.splice(0)) u();
    this.wake?.();
    await this.pumping;
    await this.saveDeferredPositions();
  }

  private async loop(): Promise<void> {
    const pollMs = this.options.pollMs ?? 1000;
    while (this.running) {
      let progressed = false;
      await this.yieldToRequests();
      try {
        this.dirty = false;
        progressed = await this.pumpOnce();
      } catch (err) {
        this.logger.error({ err }, 'in-process delivery failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (progressed || this.dirty) continue;
      if (!this.idleWorkPending && this.idleWaiters.length > 0) {
        await this.saveDeferredPositions().catch((err) =>
          this.logger.error({ err }, 'in-process delivery: saving positions failed'),
        );
        for (const w of this.idleWaiters.splice(0)) w();
      }
      const wait = this.idleWorkPending ? Math.min(pollMs, this.options.idleDelayMs ?? 300) : pollMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Waits while requests that write are being served (options.busy), within its bounds. */
  private async yieldToRequests(): Promise<void> {
    const busy = this.options.busy;
    if (!busy || Date.now() < this.deliverUntil) return;
    const maxMs = this.options.yieldMaxMs ?? 3000;
    const until = Date.now() + maxMs;
    const waiting = () => this.running && !this.draining && busy();
    while (waiting() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    this.stats.yieldedMs += maxMs - Math.max(0, until - Date.now());
    if (waiting()) this.deliverUntil = Date.now() + maxMs / 3;
  }

  /** One pass over every (source, consumer); true when anything was read. */
  async pumpOnce(): Promise<boolean> {
    let progressed = false;
    // At least every pollMs every outbox is read again, whatever was notified (another process
    // may write to the same database: the dead-letter command, a second replica's intake), and
    // the positions are read again from the cursors (a replay may have rewound one).
    if (Date.now() - this.lastFullPassAt >= (this.options.pollMs ?? 1000)) {
      await this.saveDeferredPositions();
      this.caughtUp = new Map();
      this.positions = new Map();
      this.lastFullPassAt = Date.now();
    }
    for (const source of this.sources) {
      if (await this.pumpSource(source)) progressed = true;
    }
    if (progressed) {
      this.lastEventAt = Date.now();
      this.idleWorkPending = true;
      // Under sustained load, deferred work still runs at least every maxIdleDeferMs, and takes
      // at most maxIdleShare of the time (its last run's duration decides the next gap).
      if (!this.idleOverdue()) return true;
    }
    return (await this.runIdleWork(false)) || progressed;
  }

  /**
   * Reads one window of a source's outbox for every consumer not caught up with it (one query,
   * each envelope parsed once) and hands each consumer the rows past its position.
   */
  private async pumpSource(source: Outbox): Promise<boolean> {
    const commits = this.commits.get(source) ?? 0;
    const due = this.consumers.filter((c) => this.caughtUp.get(`${c.group}|${source.schema}`) !== commits);
    if (due.length === 0) return false;
    const limit = this.options.batchSize ?? 500;
    const from = new Map<Consumer, bigint>();
    for (const c of due) from.set(c, await this.positionOf(c, source));
    let start = from.get(due[0]!)!;
    for (const p of from.values()) if (p < start) start = p;
    const topics = [...new Set(due.flatMap((c) => c.topics))];
    const window = await this.readOutbox(source, start, limit, topics);
    let progressed = false;
    for (const consumer of due) {
      const position = from.get(consumer)!;
      let rows = window.filter((r) => r.seq > position);
      // A consumer ahead of the window (the others lag it by more than a batch): its own read.
      if (rows.length === 0 && window.length === limit)
        rows = await this.readOutbox(source, position, limit, consumer.topics);
      if (rows.length === 0) {
        this.caughtUp.set(`${consumer.group}|${source.schema}`, commits);
        continue;
      }
      await this.deliver(consumer, source, rows);
      progressed = true;
    }
    return progressed;
  }

  private readOutbox(source: Outbox, after: bigint, limit: number, topics: readonly string[]) {
    // Only the consumers' topics bring their envelope: the other rows just move the cursors.
    return this.db.query<OutboxRow>(
      `SELECT seq, topic, type, CASE WHEN topic = ANY($3::text[]) THEN envelope END AS envelope
       FROM "${source.schema}".outbox WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after.toString(), limit, [...topics]],
    );
  }

  /** The consumer's position in the source: its cursor, read once per full pass, then kept here. */
  private async positionOf(consumer: Consumer, source: Outbox): Promise<bigint> {
    const key = `${consumer.group}|${source.schema}`;
    const known = this.positions.get(key);
    if (known !== undefined) return known;
    const [cursor] = await this.db.query<{ position: bigint }>(
      `SELECT position FROM "${consumer.group}".cursors WHERE source = $1`,
      [`outbox:${source.schema}`],
    );
    const position = this.deferred.get(key)?.position ?? cursor?.position ?? 0n;
    this.positions.set(key, position);
    return position;
  }

  private async deliver(consumer: Consumer, source: Outbox, rows: readonly OutboxRow[]): Promise<void> {
    const key = `${consumer.group}|${source.schema}`;
    const cursorKey = `outbox:${source.schema}`;
    const last = rows[rows.length - 1]!.seq;
    const mine = rows.filter((r) => consumer.topics.includes(r.topic) && appliesType(consumer, r.type));
    const commit = async (tx: Sql) => {
      await tx.query(
        `INSERT INTO "${consumer.group}".cursors (source, position) VALUES ($1, $2)
         ON CONFLICT (source) DO UPDATE SET position = EXCLUDED.position`,
        [cursorKey, last.toString()],
      );
    };
    if (mine.length === 0) {
      // Nothing to apply: the position moves in memory and reaches the cursor with the next
      // applied batch, or at the next full pass (a restart before that re-reads rows it skips).
      this.positions.set(key, last);
      this.deferred.set(key, { consumer, source, position: last });
      return;
    }
    const outcome = await applyBatch(
      this.db,
      consumer,
      cursorKey,
      mine.map((r) => lazyText(r.envelope)),
      commit,
    );
    this.positions.set(key, last);
    this.deferred.delete(key);
    this.stats.applied += outcome.applied;
    this.stats.skipped += outcome.skipped;
    this.stats.deadLettered += outcome.deadLettered;
  }

  /** Writes the positions moved past rows no consumer applied (one statement each). */
  private async saveDeferredPositions(): Promise<void> {
    for (const [key, d] of this.deferred) {
      await this.db.query(
        `INSERT INTO "${d.consumer.group}".cursors (source, position) VALUES ($1, $2)
         ON CONFLICT (source) DO UPDATE SET position = EXCLUDED.position`,
        [`outbox:${d.source.schema}`, d.position.toString()],
      );
      if (this.deferred.get(key) === d) this.deferred.delete(key);
    }
  }

  private idleOverdue(): boolean {
    const gap = Math.max(
      this.options.maxIdleDeferMs ?? 2000,
      this.lastIdleMs / (this.options.maxIdleShare ?? 0.2),
    );
    return Date.now() - this.lastIdleRunAt >= gap;
  }

  /**
   * Consumers' deferred work (the ledger's evaluation of the projects a batch touched) runs
   * once the stream has been quiet for idleDelayMs, so a burst of small batches is evaluated
   * once, not once per batch; drain() runs it at once.
   */
  private async runIdleWork(force: boolean): Promise<boolean> {
    if (!this.idleWorkPending && !force) return false;
    const quietFor = Date.now() - this.lastEventAt;
    if (!force && !this.draining && !this.idleOverdue() && quietFor < (this.options.idleDelayMs ?? 300))
      return false;
    this.idleWorkPending = false;
    this.lastIdleRunAt = Date.now();
    let worked = false;
    try {
      for (const consumer of this.consumers) {
        if (consumer.idle && (await runIdle(consumer))) worked = true;
      }
    } finally {
      this.lastIdleMs = Date.now() - this.lastIdleRunAt;
    }
    return worked;
  }
}

type OutboxRow = { seq: bigint; envelope: unknown; topic: string; type: string };

/** A message whose text (kept only with a dead letter) is written when asked for. */
function lazyText(raw: unknown): { raw: unknown; readonly rawText: string } {
  return {
    raw,
    get rawText() {
      return JSON.stringify(raw);
    },
  };
}
