import type { Consumer } from '@wagewatch/bus';
import { TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';

/**
 * Ingest learns from the consumers' notices (TOPICS.deliveries) which bank records they could
 * not apply, without reading their tables: a `delivery.dead-lettered` notice marks each record
 * it names, a `delivery.reapplied` notice clears the marks of that dead letter. The intake
 * answers a repeat of a marked record as dead-lettered, with the consumer's reason (docs/adr/0011).
 */
export function ingestDeliveriesConsumer(deps: { clock: { now(): Date } }): Consumer {
  return {
    group: 'ingest',
    topics: [TOPICS.deliveries],
    clock: deps.clock,
    async apply(tx, event) {
      switch (event.type) {
        case 'delivery.dead-lettered': {
          const n = event.data;
          if (!n.bankCode || !n.recordKind || n.refs.length === 0) return;
          await tx.query(
            `INSERT INTO ingest.dead_lettered_records (bank_code, record_kind, ref, consumer, dead_letter_id, reason, dead_lettered_at)
             SELECT $1::text, $2::text, unnest($3::text[]), $4::text, $5::text, $6::text, $7::timestamptz
             ON CONFLICT (bank_code, record_kind, ref, consumer) DO UPDATE SET dead_letter_id = EXCLUDED.dead_letter_id,
               reason = EXCLUDED.reason, dead_lettered_at = EXCLUDED.dead_lettered_at, reapplied_at = NULL`,
            [n.bankCode, n.recordKind, n.refs, n.consumer, n.deadLetterId, n.reason, n.at],
          );
          return;
        }
        case 'delivery.reapplied': {
          const n = event.data;
          await tx.query(
            `UPDATE ingest.dead_lettered_records SET reapplied_at = $3
             WHERE consumer = $1 AND dead_letter_id = $2 AND reapplied_at IS NULL`,
            [n.consumer, n.deadLetterId, n.at],
          );
          return;
        }
        default:
          return; // only the deliveries topic is read
      }
    },
  };
}

export type DeadLetteredRecord = { ref: string; consumer: string; reason: string };

/** The open dead-letter marks of some of a bank's records of one kind. */
export async function openDeadLetters(
  db: Sql,
  bankCode: string,
  kind: 'transfer' | 'deposit' | 'statement',
  refs: readonly string[],
): Promise<Map<string, DeadLetteredRecord[]>> {
  if (refs.length === 0) return new Map();
  const rows = await db.query<DeadLetteredRecord>(
    `SELECT ref, consumer, reason FROM ingest.dead_lettered_records
     WHERE bank_code = $1 AND record_kind = $2 AND ref = ANY($3::text[]) AND reapplied_at IS NULL ORDER BY ref, consumer`,
    [bankCode, kind, [...refs]],
  );
  const out = new Map<string, DeadLetteredRecord[]>();
  for (const r of rows) out.set(r.ref, [...(out.get(r.ref) ?? []), r]);
  return out;
}
