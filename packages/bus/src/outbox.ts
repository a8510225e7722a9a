import { randomUUID } from 'node:crypto';
import type { Envelope, EventData, EventType } from '@wagewatch/contracts';
import { currentTrace, EVENT_SCHEMAS } from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';

export type NewEvent<T extends EventType = EventType> = {
  topic: string;
  type: T;
  key: string;
  data: EventData<T>;
  occurredAt: Date;
  correlationId?: string;
  causationId?: string;
};

/**
 * The envelope of a new event. Its correlation and causation ids are the emitter's when given,
 * else the current trace's (`@wagewatch/contracts` `currentTrace`, for the event's key).
 */
export function makeEnvelope<T extends EventType>(
  producer: string,
  e: NewEvent<T>,
): Envelope<T, EventData<T>> {
  const trace = currentTrace(e.key);
  const correlationId = e.correlationId ?? trace?.correlationId;
  const causationId = e.correlationId ? e.causationId : (e.causationId ?? trace?.causationId);
  return {
    id: randomUUID(),
    type: e.type,
    version: EVENT_SCHEMAS[e.type].version,
    occurredAt: e.occurredAt.toISOString(),
    key: e.key,
    data: e.data,
    metadata: {
      producer,
      ...(correlationId ? { correlationId } : {}),
      ...(causationId ? { causationId } : {}),
    },
  };
}

/**
 * A service's outbox: events are written in the same transaction as the state they describe.
 * Inserts into one outbox are serialised by a transaction-scoped advisory lock so that the
 * sequence order is also the commit order: a reader that has seen seq N never later finds a
 * committed N-1 (the classic gap that loses outbox events under concurrent writers).
 */
export class Outbox {
  private readonly listeners = new Set<() => void>();
  constructor(
    readonly schema: string,
    private readonly producer: string = schema,
  ) {}

  async append(tx: Sql, events: readonly NewEvent[]): Promise<Envelope[]> {
    if (events.length === 0) return [];
    const envelopes = events.map((e) => ({ topic: e.topic, env: makeEnvelope(this.producer, e) }));
    // One statement: the lock (its CTE is read before any row reaches the insert, so before any
    // seq is drawn), then the rows in the events' order.
    await tx.query(
      `WITH outbox_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext($8)))
       INSERT INTO "${this.schema}".outbox (event_id, topic, key, type, version, occurred_at, envelope)
       SELECT u.* FROM outbox_lock, unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::jsonb[]) AS u`,
      [
        envelopes.map((e) => e.env.id),
        envelopes.map((e) => e.topic),
        envelopes.map((e) => e.env.key),
        envelopes.map((e) => e.env.type),
        envelopes.map((e) => e.env.version),
        envelopes.map((e) => e.env.occurredAt),
        envelopes.map((e) => JSON.stringify(e.env)),
        `outbox:${this.schema}`,
      ],
    );
    return envelopes.map((e) => e.env);
  }

  /** Called after a transaction that appended events has committed: wakes the relay. */
  committed(): void {
    for (const l of this.listeners) l();
  }

  onCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `fn` in a transaction; events it emits go to the outbox in that transaction. */
  async unitOfWork<T>(db: Database, fn: (tx: Sql, emit: (e: NewEvent) => void) => Promise<T>): Promise<T> {
    let emitted = 0;
    const result = await db.transaction(async (tx) => {
      const pending: NewEvent[] = [];
      const value = await fn(tx, (e) => pending.push(e));
      await this.append(tx, pending);
      emitted = pending.length;
      return value;
    });
    if (emitted > 0) this.committed();
    return result;
  }

  async backlog(db: Database): Promise<number> {
    const rows = await db.query<{ n: bigint }>(
      `SELECT count(*) AS n FROM "${this.schema}".outbox WHERE published_at IS NULL`,
    );
    return Number(rows[0]?.n ?? 0n);
  }
}
