import type { KnownEnvelope, RejectedRow, Trace } from '@wagewatch/contracts';
import {
  lastTraceByKey,
  parseEnvelopeRows,
  traceFollowing,
  UnprocessableEventError,
  withTrace,
  withTraceByKey,
} from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import { rowPayload, writeDeadLetter } from './dead-letters.ts';
import type { Outbox } from './outbox.ts';

/**
 * A service's consumer of events, independent of the transport. `apply` runs inside the
 * transaction that also records the event id (inbox), so applying is exactly-once in effect:
 * a redelivered event id is skipped. `afterBatch` runs in the same transaction once per batch
 * (a service re-evaluates what the batch touched there).
 */
export interface Consumer {
  /** The consumer group; also the schema that holds its inbox, cursors and dead letters. */
  readonly group: string;
  readonly topics: readonly string[];
  /**
   * The event types it applies, when not every type of its topics: the others are passed over
   * without a transaction (no inbox row, no parsing), as applying them would do nothing.
   */
  readonly types?: ReadonlySet<string>;
  apply(tx: Sql, event: KnownEnvelope): Promise<void>;
  afterBatch?(tx: Sql, events: readonly KnownEnvelope[]): Promise<void>;
  /** Deferred work once the consumer has caught up (coalesced); true when it did something. */
  idle?(): Promise<boolean>;
  /** The service's outbox: a notice of each dead letter goes there (topic deliveries, docs/adr/0011). */
  readonly outbox?: Outbox;
  /** The service's clock: when a dead letter failed, or was re-applied. */
  readonly clock?: { now(): Date };
}

export type BatchOutcome = { applied: number; skipped: number; deadLettered: number };

/** Whether the consumer applies events of this type (consumer.types; an unknown type: yes). */
export const appliesType = (consumer: Consumer, type: string | undefined): boolean =>
  !consumer.types || type === undefined || consumer.types.has(type);

export function isRetryable(err: unknown): boolean {
  if (err instanceof UnprocessableEventError) return false;
  if (err && typeof err === 'object' && 'retryable' in err)
    return Boolean((err as { retryable: unknown }).retryable);
  return true;
}

/**
 * Applies a batch of raw messages in one transaction. A message that cannot be parsed or
 * applied for a non-retryable reason is dead-lettered (in a transaction of its own, after the
 * batch is retried message by message), so one bad message never blocks the rest.
 */
export async function applyBatch(
  db: Database,
  consumer: Consumer,
  source: string,
  messages: readonly { raw: unknown; rawText: string }[],
  commitPosition: (tx: Sql) => Promise<void>,
): Promise<BatchOutcome> {
  try {
    const outcome = await db.transaction(async (tx) => {
      const outcome = await applyAll(tx, consumer, source, messages);
      await commitPosition(tx);
      return outcome;
    });
    if (outcome.deadLettered > 0) consumer.outbox?.committed();
    return outcome;
  } catch (err) {
    if (messages.length > 1 || isRetryable(err)) {
      if (messages.length === 1) throw err;
      // Find the culprit: one transaction per message, dead-lettering the non-retryable.
      const total: BatchOutcome = { applied: 0, skipped: 0, deadLettered: 0 };
      for (const [i, m] of messages.entries()) {
        const isLast = i === messages.length - 1;
        const o = await applyBatch(db, consumer, source, [m], isLast ? commitPosition : async () => {});
        total.applied += o.applied;
        total.skipped += o.skipped;
        total.deadLettered += o.deadLettered;
      }
      return total;
    }
    const [m] = messages;
    if (!m) throw err;
    await db.transaction(async (tx) => {
      await writeDeadLetter(tx, consumer, {
        source,
        raw: m.raw,
        payload: m.rawText,
        rowIndex: null,
        reason: err instanceof Error ? err.message : String(err),
      });
      await commitPosition(tx);
    });
    consumer.outbox?.committed();
    return { applied: 0, skipped: 0, deadLettered: 1 };
  }
}

/**
 * Applies each message in `tx`. A batch event's bad rows (ROW_BATCHES) do not fail it: its good
 * rows are applied and each bad row is dead-lettered on its own, in the same transaction.
 */
async function applyAll(
  tx: Sql,
  consumer: Consumer,
  source: string,
  messages: readonly { raw: unknown; rawText: string }[],
): Promise<BatchOutcome> {
  const applied: KnownEnvelope[] = [];
  let skipped = 0;
  let deadLettered = 0;
  // Parsed first (a message that cannot be parsed fails the batch, which is then retried message
  // by message), then one statement records every id in the inbox: the ids it returns are new.
  const parsed = messages.map((m) => ({ m, ...parseEnvelopeRows(m.raw) }));
  const inserted = await tx.query<{ event_id: string }>(
    `INSERT INTO "${consumer.group}".inbox (event_id, type)
     SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
    [parsed.map((p) => p.event.id), parsed.map((p) => p.event.type)],
  );
  const fresh = new Set(inserted.map((r) => r.event_id.toLowerCase()));
  for (const { m, event, rejected } of parsed) {
    // An id seen twice in the batch is applied at its first occurrence only.
    if (!fresh.delete(event.id.toLowerCase())) {
      skipped++;
      continue;
    }
    // What apply emits follows from this event, in its chain (packages/contracts trace.ts).
    await withTrace(traceFollowing(event), () => consumer.apply(tx, event));
    applied.push(event);
    for (const r of rejected) await deadLetterRow(tx, consumer, source, m.raw, r);
    deadLettered += rejected.length;
  }
  if (applied.length > 0) {
    // afterBatch's emissions (and marks) for a key follow the event that touched that key last;
    // any other key, the batch's last event. The same traces wait for the consumer's idle work.
    const byKey = lastTraceByKey(applied);
    const last = traceFollowing(applied[applied.length - 1]!);
    await withTraceByKey(byKey, last, () => consumer.afterBatch?.(tx, applied));
    rememberForIdle(consumer, byKey, last);
  }
  return { applied: applied.length, skipped, deadLettered };
}

const idleTraces = new WeakMap<Consumer, { byKey: Map<string, Trace>; last: Trace }>();

function rememberForIdle(consumer: Consumer, byKey: ReadonlyMap<string, Trace>, last: Trace): void {
  const pending = idleTraces.get(consumer);
  if (!pending) {
    idleTraces.set(consumer, { byKey: new Map(byKey), last });
    return;
  }
  for (const [k, t] of byKey) pending.byKey.set(k, t);
  pending.last = last;
}

/**
 * Runs the consumer's deferred work with the traces of the events applied since its last run
 * (each key the event that touched it last; others the last event), so that what it emits joins
 * their chains. In memory: after a restart, or on another instance, idle work of marks left by
 * earlier batches runs without them, unless the consumer stored the trace with its marks (the
 * ledger's and the deposits' dirty projects do).
 */
export async function runIdle(consumer: Consumer): Promise<boolean> {
  if (!consumer.idle) return false;
  const pending = idleTraces.get(consumer);
  idleTraces.delete(consumer);
  const idle = () => consumer.idle?.() ?? Promise.resolve(false);
  return pending ? withTraceByKey(pending.byKey, pending.last, idle) : withTrace(undefined, idle);
}

async function deadLetterRow(
  tx: Sql,
  consumer: Consumer,
  source: string,
  raw: unknown,
  r: RejectedRow,
): Promise<void> {
  const payload = rowPayload(raw, r);
  await writeDeadLetter(tx, consumer, {
    source,
    raw: payload,
    payload: JSON.stringify(payload),
    rowIndex: r.index,
    reason: r.reason,
    eventId: (raw as { id: string }).id,
  });
}
