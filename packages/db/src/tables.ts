import { sql } from 'drizzle-orm';
import type { PgSchema } from 'drizzle-orm/pg-core';
import { bigint, bigserial, index, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const sqlUnpublished = sql`published_at IS NULL`;

/**
 * The delivery tables every service has in its own schema. A service writes its state and its
 * outgoing events in one transaction (outbox); a consumer records each applied event id
 * (inbox) and its read position per source (cursors) in the transaction that applies it.
 */
export function deliveryTables(schema: PgSchema) {
  const outbox = schema.table(
    'outbox',
    {
      seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
      eventId: uuid('event_id').notNull().unique(),
      topic: text('topic').notNull(),
      key: text('key').notNull(),
      type: text('type').notNull(),
      version: integer('version').notNull(),
      occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
      envelope: jsonb('envelope').notNull(),
      publishedAt: timestamp('published_at', { withTimezone: true }),
    },
    (t) => [index('outbox_unpublished_idx').on(t.seq).where(sqlUnpublished)],
  );
  const inbox = schema.table('inbox', {
    eventId: uuid('event_id').primaryKey(),
    type: text('type').notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true }).notNull().defaultNow(),
  });
  const cursors = schema.table('cursors', {
    source: text('source').primaryKey(),
    position: bigint('position', { mode: 'bigint' }).notNull(),
  });
  /**
   * What a consumer could not apply: a whole event (row_index null; payload = the message as
   * received), or one row of a batch event (row_index; payload = the event with that row
   * alone, under a derived event id so that its re-application is idempotent in the inbox).
   * `status` is open until a re-application succeeds; every attempt is in dead_letter_attempts.
   */
  const deadLetters = schema.table('dead_letters', {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    source: text('source').notNull(),
    eventId: text('event_id'),
    eventType: text('event_type'),
    rowIndex: integer('row_index'),
    reason: text('reason').notNull(),
    payload: text('payload').notNull(),
    failedAt: timestamp('failed_at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status').notNull().default('open'),
    reappliedAt: timestamp('reapplied_at', { withTimezone: true }),
  });
  /** Each re-application attempt of a dead letter: who, when, and what came of it. */
  const deadLetterAttempts = schema.table(
    'dead_letter_attempts',
    {
      id: bigserial('id', { mode: 'bigint' }).primaryKey(),
      deadLetterId: bigint('dead_letter_id', { mode: 'bigint' }).notNull(),
      attemptedBy: text('attempted_by').notNull(),
      attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
      outcome: text('outcome').notNull(),
      detail: text('detail'),
    },
    (t) => [index('dead_letter_attempts_dl_idx').on(t.deadLetterId)],
  );
  return { outbox, inbox, cursors, deadLetters, deadLetterAttempts };
}
