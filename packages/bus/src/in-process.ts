import type { Database, Sql } from '@wagewatch/db';
import type { Logger } from 'pino';
import { applyBatch, type Consumer, runIdle } from './consumer.ts';
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
  readonly stats = { applied: 0, skipped: 0, deadLettered: 0 };
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
    try {
      if (!this.running) {
        while (await this.pumpOnce()) {}
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
  }

  private async loop(): Promise<void> {
    const pollMs = this.options.pollMs ?? 1000;
    while (this.running) {
      let progressed = false;
      try {
        this.dirty = false;
        progressed = await this.pumpOnce();
      } catch (err) {
        this.logger.error({ err }, 'in-process delivery failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (progressed || this.dirty) continue;
      if (!this.idleWorkPending) for (const w of this.idleWaiters.splice(0)) w();
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

  /** One pass over every (consumer, source); true when anything was read. */
  async pumpOnce(): Promise<boolean> {
    let progressed = false;
    // At least every pollMs every outbox is read again, whatever was notified (another process
    // may write to the same database: the dead-letter command, a second replica's intake).
    if (Date.now() - this.lastFullPassAt >= (this.options.pollMs ?? 1000)) {
      this.caughtUp = new Map();
      this.lastFullPassAt = Date.now();
    }
    for (const consumer of this.consumers) {
      for (const source of this.sources) {
        const key = `${consumer.group}|${source.schema}`;
        const commits = this.commits.get(source) ?? 0;
        if (this.caughtUp.get(key) === commits) continue;
        if (await this.pumpOne(consumer, source)) progressed = true;
        else this.caughtUp.set(key, commits);
      }
    }
    if (progressed) {
      this.lastEventAt = Date.now();
      this.idleWorkPending = true;
      // Under sustained load, deferred work still runs at least every maxIdleDeferMs.
      if (Date.now() - this.lastIdleRunAt < (this.options.maxIdleDeferMs ?? 2000)) return true;
    }
    return (await this.runIdleWork(false)) || progressed;
  }

  /**
   * Consumers' deferred work (the ledger's evaluation of the projects a batch touched) runs
   * once the stream has been quiet for idleDelayMs, so a burst of small batches is evaluated
   * once, not once per batch; drain() runs it at once.
   */
  private async runIdleWork(force: boolean): Promise<boolean> {
    if (!this.idleWorkPending && !force) return false;
    const quietFor = Date.now() - this.lastEventAt;
    const overdue = Date.now() - this.lastIdleRunAt >= (this.options.maxIdleDeferMs ?? 2000);
    if (!force && !this.draining && !overdue && quietFor < (this.options.idleDelayMs ?? 300)) return false;
    this.idleWorkPending = false;
    this.lastIdleRunAt = Date.now();
    let worked = false;
    for (const consumer of this.consumers) {
      if (consumer.idle && (await runIdle(consumer))) worked = true;
    }
    return worked;
  }

  private async pumpOne(consumer: Consumer, source: Outbox): Promise<boolean> {
    const cursorKey = `outbox:${source.schema}`;
    const [cursor] = await this.db.query<{ position: bigint }>(
      `SELECT position FROM "${consumer.group}".cursors WHERE source = $1`,
      [cursorKey],
    );
    const from = cursor?.position ?? 0n;
    // Only this consumer's topics bring their envelope: the other rows just move the cursor.
    const rows = await this.db.query<{ seq: bigint; envelope: unknown; topic: string }>(
      `SELECT seq, topic, CASE WHEN topic = ANY($3::text[]) THEN envelope END AS envelope
       FROM "${source.schema}".outbox WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [from.toString(), this.options.batchSize ?? 500, [...consumer.topics]],
    );
    if (rows.length === 0) return false;
    const last = rows[rows.length - 1]!.seq;
    const mine = rows.filter((r) => consumer.topics.includes(r.topic));
    const commit = async (tx: Sql) => {
      await tx.query(
        `INSERT INTO "${consumer.group}".cursors (source, position) VALUES ($1, $2)
         ON CONFLICT (source) DO UPDATE SET position = EXCLUDED.position`,
        [cursorKey, last.toString()],
      );
    };
    if (mine.length === 0) {
      await commit(this.db); // nothing to apply: one statement, no transaction
      return true;
    }
    const outcome = await applyBatch(
      this.db,
      consumer,
      cursorKey,
      mine.map((r) => ({ raw: r.envelope, rawText: JSON.stringify(r.envelope) })),
      commit,
    );
    this.stats.applied += outcome.applied;
    this.stats.skipped += outcome.skipped;
    this.stats.deadLettered += outcome.deadLettered;
    return true;
  }
}
