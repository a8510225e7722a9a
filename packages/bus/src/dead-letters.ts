import { createHash } from 'node:crypto';
import {
  type DeliveryNotice,
  parseEnvelopeRows,
  type RejectedRow,
  ROW_BATCHES,
  TOPICS,
  traceFollowing,
  UnprocessableEventError,
  withTrace,
} from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import { type Consumer, runIdle } from './consumer.ts';

/**
 * Dead letters are never a dead end (docs/adr/0011): each is kept in `<group>.dead_letters`
 * with its reason, listed by an admin route and a command, and re-applied through the
 * consumer's normal path (apply, afterBatch, idle) once its cause is fixed. Every attempt is
 * recorded (who, when, outcome); the inbox makes a re-application happen at most once. Each
 * dead letter and each successful re-application is announced on TOPICS.deliveries, so ingest
 * can answer a bank's repeat of a record truthfully.
 */

/** The id under which one row of a batch event is applied on its own (deterministic: idempotent). */
export function rowEventId(eventId: string, index: number): string {
  const h = createHash('sha1').update(`${eventId}#row:${index}`).digest('hex');
  // RFC 4122 layout, version 5 (name-based, SHA-1), variant 10.
  const variant = ((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** The event a bad row is kept as: the original envelope with that row alone, under rowEventId. */
export function rowPayload(raw: unknown, r: RejectedRow): Record<string, unknown> {
  const env = raw as { id: string; type: string; data: Record<string, unknown> };
  const field = (ROW_BATCHES as Record<string, { field: string }>)[env.type]?.field ?? 'rows';
  return { ...env, id: rowEventId(env.id, r.index), data: { ...env.data, [field]: [r.row] } };
}

type BankRecords = Pick<DeliveryNotice, 'bankCode' | 'recordKind' | 'refs'>;

/** The bank records an event carries (transfers, deposit events, a statement), read defensively. */
export function bankRecordsOf(raw: unknown): BankRecords {
  const env = (raw && typeof raw === 'object' ? raw : {}) as { type?: unknown; data?: unknown };
  const data = (env.data && typeof env.data === 'object' ? env.data : {}) as Record<string, unknown>;
  const bankCode = typeof data.bankCode === 'string' ? data.bankCode : null;
  const refsOf = (list: unknown): string[] =>
    Array.isArray(list)
      ? list.flatMap((x) => {
          const ref = (x as { bankRef?: unknown } | null)?.bankRef;
          return typeof ref === 'string' ? [ref] : [];
        })
      : [];
  switch (env.type) {
    case 'bank.transfers-reported':
      return { bankCode, recordKind: 'transfer', refs: refsOf(data.transfers) };
    case 'deposit.events-reported':
      return { bankCode, recordKind: 'deposit', refs: refsOf(data.events) };
    case 'bank.statement-reported':
      return {
        bankCode,
        recordKind: 'statement',
        refs:
          typeof data.accountNo === 'string' && typeof data.date === 'string'
            ? [`${data.accountNo}|${data.date}`]
            : [],
      };
    default:
      return { bankCode: null, recordKind: null, refs: [] };
  }
}

const keyOf = (raw: unknown): string => {
  const key = (raw as { key?: unknown } | null)?.key;
  return typeof key === 'string' && key ? key : 'unknown';
};

/**
 * Records a dead letter in the consumer's table (in `tx`) and, when the consumer has an
 * outbox, its notice in the same transaction. Returns the dead letter's id.
 */
export async function writeDeadLetter(
  tx: Sql,
  consumer: Pick<Consumer, 'group' | 'outbox' | 'clock'>,
  d: {
    source: string;
    raw: unknown;
    payload: string;
    rowIndex: number | null;
    reason: string;
    eventId?: string | null;
  },
): Promise<bigint> {
  const raw = d.raw && typeof d.raw === 'object' ? (d.raw as { id?: unknown; type?: unknown }) : {};
  const eventId = d.eventId !== undefined ? d.eventId : raw.id !== undefined ? String(raw.id) : null;
  const eventType = typeof raw.type === 'string' ? raw.type : null;
  const at = consumer.clock?.now() ?? null;
  const [row] = await tx.query<{ id: bigint; failed_at: Date }>(
    `INSERT INTO "${consumer.group}".dead_letters (source, event_id, event_type, row_index, reason, payload, failed_at)
     VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now())) RETURNING id, failed_at`,
    [d.source, eventId, eventType, d.rowIndex, d.reason, d.payload, at],
  );
  if (consumer.outbox && row) {
    await consumer.outbox.append(tx, [
      {
        topic: TOPICS.deliveries,
        type: 'delivery.dead-lettered',
        key: keyOf(d.raw),
        occurredAt: row.failed_at,
        data: {
          consumer: consumer.group,
          deadLetterId: row.id.toString(),
          eventId,
          eventType,
          rowIndex: d.rowIndex,
          reason: d.reason.slice(0, 2000),
          ...bankRecordsOf(d.raw),
          at: row.failed_at.toISOString(),
        },
      },
    ]);
  }
  return row?.id ?? 0n;
}

export type DeadLetterAttempt = { by: string; at: string; outcome: string; detail: string | null };
export type DeadLetterView = {
  id: string;
  consumer: string;
  source: string;
  eventId: string | null;
  eventType: string | null;
  rowIndex: number | null;
  reason: string;
  failedAt: string;
  status: 'open' | 'reapplied';
  reappliedAt: string | null;
  attempts: DeadLetterAttempt[];
  /** The event (or row) as kept: parsed JSON, or the text when it is not JSON. */
  payload: unknown;
};
export type ReapplyOutcome = 'applied' | 'already-applied' | 'already-reapplied' | 'failed';
export type ReapplyResult = { outcome: ReapplyOutcome; reason?: string; deadLetter: DeadLetterView };

export class DeadLetterNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
}

type Row = {
  id: bigint;
  source: string;
  event_id: string | null;
  event_type: string | null;
  row_index: number | null;
  reason: string;
  payload: string;
  failed_at: Date;
  status: string;
  reapplied_at: Date | null;
};

/** The dead letters of one consumer: list, read, re-apply. */
export class DeadLetters {
  constructor(
    private readonly db: Database,
    private readonly consumer: Consumer,
    private readonly clock: { now(): Date },
  ) {}

  get group(): string {
    return this.consumer.group;
  }

  async list(
    q: { status?: 'open' | 'reapplied'; limit?: number; offset?: number } = {},
  ): Promise<{ total: number; items: DeadLetterView[] }> {
    const g = this.consumer.group;
    const where = q.status ? 'WHERE status = $1' : 'WHERE $1::text IS NULL';
    const [n] = await this.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM "${g}".dead_letters ${where}`, [
      q.status ?? null,
    ]);
    const rows = await this.db.query<Row>(
      `SELECT * FROM "${g}".dead_letters ${where} ORDER BY id LIMIT $2 OFFSET $3`,
      [q.status ?? null, q.limit ?? 100, q.offset ?? 0],
    );
    return { total: Number(n?.n ?? 0n), items: await this.views(this.db, rows) };
  }

  async get(id: string): Promise<DeadLetterView> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM "${this.consumer.group}".dead_letters WHERE id = $1`,
      [checkId(id)],
    );
    if (rows.length === 0)
      throw new DeadLetterNotFoundError(`no dead letter ${id} in ${this.consumer.group}`);
    return (await this.views(this.db, rows))[0]!;
  }

  /**
   * Re-applies a dead letter through the consumer's normal path, in one transaction with the
   * inbox (an event id applied once, whatever the number of attempts) and the attempt's record;
   * then runs the consumer's deferred work (idle), as live delivery does. A failure is recorded
   * with its reason and leaves the dead letter open.
   */
  async reapply(id: string, by: string): Promise<ReapplyResult> {
    const g = this.consumer.group;
    const key = checkId(id);
    const now = this.clock.now();
    let outcome: ReapplyOutcome;
    let reason: string | undefined;
    let rowsKeptApart = 0;
    try {
      outcome = await this.db.transaction(async (tx) => {
        const [dl] = await tx.query<Row>(`SELECT * FROM "${g}".dead_letters WHERE id = $1 FOR UPDATE`, [key]);
        if (!dl) throw new DeadLetterNotFoundError(`no dead letter ${id} in ${g}`);
        if (dl.status === 'reapplied') {
          await this.attempt(tx, key, by, now, 'already-reapplied', null);
          return 'already-reapplied' as const;
        }
        let raw: unknown;
        try {
          raw = JSON.parse(dl.payload);
        } catch {
          throw new UnprocessableEventError('the payload is not JSON: nothing can apply it');
        }
        const { event, rejected } = parseEnvelopeRows(raw);
        // A row kept on its own must now be valid. A whole event (left by a failure of the
        // whole, e.g. before rows were checked one by one) is applied as live delivery applies
        // it today: its good rows, and each bad row dead-lettered on its own.
        if (rejected[0] && dl.row_index !== null) throw new UnprocessableEventError(rejected[0].reason);
        const inserted = await tx.query(
          `INSERT INTO "${g}".inbox (event_id, type) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
          [event.id, event.type],
        );
        if (inserted.length > 0) {
          // As live delivery: what apply emits follows from the event (its trace).
          await withTrace(traceFollowing(event), () => this.consumer.apply(tx, event));
          for (const r of rejected) {
            const payload = rowPayload(raw, r);
            await writeDeadLetter(tx, this.consumer, {
              source: `reapply:${key}`,
              raw: payload,
              payload: JSON.stringify(payload),
              rowIndex: r.index,
              reason: r.reason,
              eventId: event.id,
            });
          }
          await withTrace(traceFollowing(event), async () => this.consumer.afterBatch?.(tx, [event]));
          if (rejected.length) rowsKeptApart = rejected.length;
        }
        const result = inserted.length > 0 ? ('applied' as const) : ('already-applied' as const);
        await tx.query(
          `UPDATE "${g}".dead_letters SET status = 'reapplied', reapplied_at = $2 WHERE id = $1`,
          [key, now],
        );
        await this.attempt(
          tx,
          key,
          by,
          now,
          result,
          rowsKeptApart ? `${rowsKeptApart} bad row(s) dead-lettered on their own` : null,
        );
        await this.consumer.outbox?.append(tx, [
          {
            topic: TOPICS.deliveries,
            type: 'delivery.reapplied',
            key: event.key,
            occurredAt: now,
            data: {
              consumer: g,
              deadLetterId: key,
              eventId: dl.event_id,
              eventType: dl.event_type,
              rowIndex: dl.row_index,
              reason: dl.reason.slice(0, 2000),
              ...bankRecordsOf(raw),
              at: now.toISOString(),
              by,
            },
          },
        ]);
        return result;
      });
    } catch (err) {
      if (err instanceof DeadLetterNotFoundError) throw err;
      outcome = 'failed';
      reason = err instanceof Error ? err.message : String(err);
      await this.db.transaction((tx) => this.attempt(tx, key, by, now, 'failed', reason!));
    }
    if (rowsKeptApart) reason = `${rowsKeptApart} bad row(s) dead-lettered on their own`;
    if (outcome === 'applied' || outcome === 'already-applied') {
      this.consumer.outbox?.committed();
      await runIdle(this.consumer);
    }
    return { outcome, ...(reason ? { reason } : {}), deadLetter: await this.get(id) };
  }

  private async attempt(
    tx: Sql,
    id: string,
    by: string,
    at: Date,
    outcome: ReapplyOutcome,
    detail: string | null,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO "${this.consumer.group}".dead_letter_attempts (dead_letter_id, attempted_by, attempted_at, outcome, detail)
       VALUES ($1, $2, $3, $4, $5)`,
      [id, by, at, outcome, detail],
    );
  }

  private async views(db: Sql, rows: Row[]): Promise<DeadLetterView[]> {
    if (rows.length === 0) return [];
    const attempts = await db.query<{
      dead_letter_id: bigint;
      attempted_by: string;
      attempted_at: Date;
      outcome: string;
      detail: string | null;
    }>(
      `SELECT dead_letter_id, attempted_by, attempted_at, outcome, detail FROM "${this.consumer.group}".dead_letter_attempts
       WHERE dead_letter_id = ANY($1::bigint[]) ORDER BY id`,
      [rows.map((r) => r.id.toString())],
    );
    return rows.map((r) => ({
      id: r.id.toString(),
      consumer: this.consumer.group,
      source: r.source,
      eventId: r.event_id,
      eventType: r.event_type,
      rowIndex: r.row_index,
      reason: r.reason,
      failedAt: r.failed_at.toISOString(),
      status: r.status === 'reapplied' ? 'reapplied' : 'open',
      reappliedAt: r.reapplied_at?.toISOString() ?? null,
      attempts: attempts
        .filter((a) => a.dead_letter_id === r.id)
        .map((a) => ({
          by: a.attempted_by,
          at: a.attempted_at.toISOString(),
          outcome: a.outcome,
          detail: a.detail,
        })),
      payload: parseOrText(r.payload),
    }));
  }
}

function checkId(id: string): string {
  if (!/^\d{1,18}$/.test(id)) throw new DeadLetterNotFoundError(`no dead letter ${id}`);
  return id;
}

function parseOrText(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
