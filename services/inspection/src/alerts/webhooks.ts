import { createHmac } from 'node:crypto';
import { TOPICS } from '@wagewatch/contracts';
import type { Database } from '@wagewatch/db';
import { type Clock, SecretBox } from '@wagewatch/runtime';
import { WebhookTargetRefused, type WebhookTargets, webhookTargets } from './webhook-targets.ts';

export type WebhookOptions = {
  /** First retry after this long, doubling each time (default 30 s). */
  backoffBaseMs?: number;
  /** Longest wait between attempts (default 1 h). */
  backoffMaxMs?: number;
  /** Attempts before a delivery is given up (default 8). */
  maxAttempts?: number;
  /** Per-attempt timeout (default 5 s). */
  timeoutMs?: number;
};
const DEFAULTS: Required<WebhookOptions> = {
  backoffBaseMs: 30_000,
  backoffMaxMs: 3_600_000,
  maxAttempts: 8,
  timeoutMs: 5_000,
};

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${rawBody}`). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The wait before attempt n + 1 after n failed attempts: base × 2^(n-1), capped. */
export function backoffMs(failedAttempts: number, options: WebhookOptions = {}): number {
  const o = { ...DEFAULTS, ...options };
  return Math.min(o.backoffBaseMs * 2 ** Math.max(0, failedAttempts - 1), o.backoffMaxMs);
}

/** Whether a subscriber's event list takes an event type (exact, `*`, or a prefix like `task.*`). */
export function subscribes(events: readonly string[], type: string): boolean {
  return events.some((e) => e === '*' || e === type || (e.endsWith('.*') && type.startsWith(e.slice(0, -1))));
}

/**
 * Webhook delivery: every alert and task event in the inspection's outbox is fanned out to the
 * subscribers that take it (type, district), then posted with an HMAC signature; failures are
 * retried with exponential backoff on the injected clock, each attempt kept in the delivery log.
 * `step` does one round (fan-out, then the attempts due); the consumer's idle and the sweep call it.
 */
export function webhookDelivery(deps: {
  db: Database;
  clock: Clock;
  /** Opens the stored (sealed) secrets; a secret stored in clear before is sealed on first read. */
  secrets: SecretBox;
  options?: WebhookOptions;
  /** Where a delivery may go, checked again on every attempt (default: public https: only). */
  targets?: WebhookTargets;
}) {
  const o = { ...DEFAULTS, ...deps.options };
  const targets = deps.targets ?? webhookTargets();
  let running: Promise<{ enqueued: number; attempted: number; delivered: number }> | undefined;

  async function enqueue(): Promise<number> {
    return deps.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['inspection:webhook-fanout']);
      const hooks = await tx.query<{
        webhook_id: string;
        events: string[];
        districts: string[] | null;
        from_seq: bigint;
      }>('SELECT webhook_id, events, districts, from_seq FROM inspection.webhooks WHERE deleted_at IS NULL');
      const [cursor] = await tx.query<{ seq: bigint }>(
        'SELECT seq FROM inspection.webhook_cursor WHERE id = 1',
      );
      let from = cursor?.seq ?? 0n;
      if (!hooks.length) {
        // Nobody listens: move the cursor to the end.
        await tx.query(
          `INSERT INTO inspection.webhook_cursor (id, seq) SELECT 1, coalesce(max(seq), 0) FROM inspection.outbox
           ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq WHERE inspection.webhook_cursor.seq IS DISTINCT FROM EXCLUDED.seq`,
        ); // (unchanged, it is not rewritten: an idle sweep writes nothing)
        return 0;
      }
      let minFrom = hooks[0]!.from_seq;
      for (const h of hooks) if (h.from_seq < minFrom) minFrom = h.from_seq;
      if (from < minFrom) from = minFrom;
      const rows = await tx.query<{
        seq: bigint;
        event_id: string;
        type: string;
        envelope: { data: { district?: string } };
      }>(
        `SELECT seq, event_id, type, envelope FROM inspection.outbox WHERE seq > $1 AND topic = ANY($2::text[])
         ORDER BY seq LIMIT 1000`,
        [from, [TOPICS.alerts, TOPICS.tasks]],
      );
      let n = 0;
      for (const r of rows) {
        for (const h of hooks) {
          if (r.seq <= h.from_seq || !subscribes(h.events, r.type)) continue;
          if (h.districts?.length && !h.districts.includes(r.envelope.data.district ?? '')) continue;
          const inserted = await tx.query(
            `INSERT INTO inspection.webhook_deliveries (webhook_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at)
             VALUES ($1,$2,$3,$4,'pending',0,$5,$5) ON CONFLICT DO NOTHING RETURNING id`,
            [h.webhook_id, r.event_id, r.type, JSON.stringify(r.envelope), deps.clock.now()],
          );
          n += inserted.length;
        }
      }
      const to = rows.length ? rows[rows.length - 1]!.seq : from;
      await tx.query(
        `INSERT INTO inspection.webhook_cursor (id, seq) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq WHERE inspection.webhook_cursor.seq < EXCLUDED.seq`,
        [to],
      );
      return n;
    });
  }

  async function attemptDue(): Promise<{ attempted: number; delivered: number }> {
    const now = deps.clock.now();
    // Lease the due deliveries (another instance skips them until the lease ends).
    const due = await deps.db.transaction((tx) =>
      tx.query<{
        id: bigint;
        body: string;
        event_type: string;
        attempts: number;
        url: string;
        secret: string;
        webhook_id: string;
      }>(
        `UPDATE inspection.webhook_deliveries d SET next_attempt_at = $2
         FROM inspection.webhooks w
         WHERE d.webhook_id = w.webhook_id AND d.id IN (
           SELECT id FROM inspection.webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
           ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
         RETURNING d.id, d.body, d.event_type, d.attempts, w.url, w.secret, w.webhook_id`,
        [now, new Date(now.getTime() + o.timeoutMs * 2)],
      ),
    );
    // A secret stored in clear (before secrets were encrypted at rest) is sealed on first read.
    for (const d of due.filter((x) => !SecretBox.isSealed(x.secret))) {
      await deps.db.query(
        'UPDATE inspection.webhooks SET secret = $2 WHERE webhook_id = $1 AND secret = $3',
        [d.webhook_id, deps.secrets.seal(d.secret), d.secret],
      );
    }
    let delivered = 0;
    for (const d of due) {
      const timestamp = String(Math.floor(now.getTime() / 1000));
      const started = performance.now();
      let status: number | null = null;
      let responseBody: string | null = null;
      let error: string | null = null;
      // A refused target or a redirect is not retried: the next attempt would meet the same answer.
      let final = false;
      try {
        const res = await targets.post(d.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'wagewatch-webhooks/1',
            'x-wagewatch-event': d.event_type,
            'x-wagewatch-delivery': String(d.id),
            'x-wagewatch-timestamp': timestamp,
            'x-wagewatch-signature': signWebhook(deps.secrets.open(d.secret), timestamp, d.body),
          },
          body: d.body,
          signal: AbortSignal.timeout(o.timeoutMs),
        });
        status = res.status;
        responseBody = (await res.text()).slice(0, 1000);
        if (status >= 300 && status < 400) {
          error = `redirect not followed (${status} to ${res.location?.slice(0, 200) ?? 'no Location'})`;
          final = true;
        }
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        if (e instanceof WebhookTargetRefused) final = true;
      }
      const ok = status !== null && status >= 200 && status < 300;
      const attempt = d.attempts + 1;
      const nextStatus = ok ? 'delivered' : final || attempt >= o.maxAttempts ? 'failed' : 'pending';
      await deps.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO inspection.webhook_attempts (delivery_id, attempt, at, response_status, response_body, error, duration_ms)
           VALUES ($1,$2,$3,$4,$5,$6,$7)`,
          [d.id, attempt, now, status, responseBody, error, Math.round(performance.now() - started)],
        );
        await tx.query(
          `UPDATE inspection.webhook_deliveries SET attempts = $2, status = $3, next_attempt_at = $4, delivered_at = $5 WHERE id = $1`,
          [
            d.id,
            attempt,
            nextStatus,
            ok ? now : new Date(now.getTime() + backoffMs(attempt, o)),
            ok ? now : null,
          ],
        );
      });
      if (ok) delivered++;
    }
    return { attempted: due.length, delivered };
  }

  return {
    /** One round: fan out new events, then post the deliveries due (one round at a time per process). */
    step(): Promise<{ enqueued: number; attempted: number; delivered: number }> {
      const run = (running ?? Promise.resolve()).then(
        async () => {
          const enqueued = await enqueue();
          return { enqueued, ...(await attemptDue()) };
        },
        async () => {
          const enqueued = await enqueue();
          return { enqueued, ...(await attemptDue()) };
        },
      );
      running = run;
      return run;
    },
  };
}
