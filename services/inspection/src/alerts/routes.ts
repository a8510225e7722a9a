import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Outbox } from '@wagewatch/bus';
import type { Database } from '@wagewatch/db';
import {
  actorOf,
  type Clock,
  ForbiddenError,
  NotFoundError,
  principalOf,
  requireRole,
  type SecretBox,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../context.ts';
import { assertFilter, scopeRows, where } from '../scope.ts';
import { WebhookTargetRefused, type WebhookTargets } from './webhook-targets.ts';

type AlertRow = {
  id: bigint;
  type: string;
  district: string;
  project_id: string | null;
  occurrence: string | null;
  data: unknown;
  raised_at: Date;
};
const alertView = z.object({
  alertId: z.string(),
  type: z.string(),
  district: z.string(),
  projectId: z.string().nullable(),
  occurrence: z.string().nullable(),
  raisedAt: z.string(),
  data: z.unknown(),
});
const toAlert = (r: AlertRow) => ({
  alertId: String(r.id),
  type: r.type,
  district: r.district,
  projectId: r.project_id,
  occurrence: r.occurrence,
  raisedAt: r.raised_at.toISOString(),
  data: r.data,
});
/**
 * Alerts (list and live stream) and webhook subscriptions with their delivery log.
 */
export function alertRoutes(deps: {
  db: Database;
  clock: Clock;
  outbox: Outbox;
  /** Seals webhook secrets before they are stored (never in clear at rest). */
  secrets: SecretBox;
  /** The webhook target check (scheme, credentials, resolved addresses, allow-list). */
  webhookTargets: WebhookTargets;
  /** How often an open stream looks for alerts another instance recorded (ms). */
  streamPollMs?: number;
}): FastifyPluginAsync {
  const streams = new Set<ServerResponse>();
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.addHook('preClose', async () => {
      for (const s of streams) s.end();
      streams.clear();
    });

    app.get(
      '/v1/alerts',
      {
        schema: {
          tags: ['alerts'],
          summary: 'Alerts (cases and campaigns) within your scope, newest first',
          querystring: z.object({
            type: z.string().optional(),
            district: z.string().optional(),
            projectId: z.string().optional(),
            occurrence: z.string().optional(),
            afterId: z.coerce.number().int().min(0).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.object({ total: z.number(), alerts: z.array(alertView) }), ...problems },
        },
      },
      async (req) => {
        const q = req.query;
        const principal = principalOf(req);
        assertFilter(principal, q);
        const b = where();
        scopeRows(principal, b, 'alerts');
        if (q.type) b.add('type = ?', q.type);
        if (q.district) b.add('district = ?', q.district);
        if (q.projectId) b.add('project_id = ?', q.projectId);
        if (q.occurrence) b.add('occurrence = ?', q.occurrence);
        if (q.afterId !== undefined) b.add('id > ?', q.afterId);
        const [count] = await deps.db.query<{ n: bigint }>(
          `SELECT count(*) AS n FROM inspection.alerts ${b.clause()}`,
          b.params,
        );
        const rows = await deps.db.query<AlertRow>(
          `SELECT * FROM inspection.alerts ${b.clause()} ORDER BY id DESC LIMIT ${q.limit}`,
          b.params,
        );
        return { total: Number(count?.n ?? 0n), alerts: rows.map(toAlert) };
      },
    );

    app.get(
      '/v1/alerts/stream',
      {
        schema: {
          tags: ['alerts'],
          summary:
            'Server-sent events: each new alert in your districts as it is recorded (id: the alert id; reconnect with Last-Event-ID to resume)',
          querystring: z.object({ lastEventId: z.coerce.number().int().min(0).optional() }),
        },
      },
      async (req, reply) => {
        const principal = principalOf(req);
        if (principal.role !== 'inspector' && principal.role !== 'admin')
          throw new ForbiddenError('the alert stream is for inspectors');
        const b = where();
        scopeRows(principal, b, 'alerts');
        const header = req.headers['last-event-id'];
        const resume = typeof header === 'string' && /^\d+$/.test(header) ? BigInt(header) : undefined;
        let cursor =
          resume ?? (req.query.lastEventId !== undefined ? BigInt(req.query.lastEventId) : undefined);
        if (cursor === undefined) {
          const [max] = await deps.db.query<{ id: bigint }>(
            'SELECT coalesce(max(id), 0) AS id FROM inspection.alerts',
          );
          cursor = max?.id ?? 0n;
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(': connected\n\n');
        streams.add(res);
        let closed = false;
        let running = false;
        let again = false;
        const pump = async (): Promise<void> => {
          if (closed) return;
          if (running) {
            again = true;
            return;
          }
          running = true;
          try {
            do {
              again = false;
              const params = [...b.params, cursor];
              const clause = [...b.where, `id > $${params.length}`].join(' AND ');
              const rows = await deps.db.query<AlertRow>(
                `SELECT * FROM inspection.alerts WHERE ${clause} ORDER BY id LIMIT 200`,
                params,
              );
              for (const r of rows) {
                if (closed) return;
                res.write(`id: ${r.id}\nevent: ${r.type}\ndata: ${JSON.stringify(toAlert(r))}\n\n`);
                cursor = r.id;
              }
              if (rows.length === 200) again = true;
            } while (again && !closed);
          } catch (e) {
            req.log.warn({ err: e }, 'alert stream: read failed');
          } finally {
            running = false;
          }
        };
        const off = deps.outbox.onCommitted(() => void pump());
        const poll = setInterval(() => void pump(), deps.streamPollMs ?? 1000);
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        const stop = () => {
          closed = true;
          off();
          clearInterval(poll);
          clearInterval(heartbeat);
          streams.delete(res);
        };
        req.raw.on('close', stop);
        res.on('close', stop);
        await pump();
      },
    );

    const webhookView = z.object({
      webhookId: z.string(),
      url: z.string(),
      events: z.array(z.string()),
      districts: z.array(z.string()).nullable(),
      createdAt: z.string(),
    });
    type HookRow = {
      webhook_id: string;
      url: string;
      events: string[];
      districts: string[] | null;
      created_at: Date;
    };
    const toHook = (h: HookRow) => ({
      webhookId: h.webhook_id,
      url: h.url,
      events: h.events,
      districts: h.districts,
      createdAt: h.created_at.toISOString(),
    });

    app.post(
      '/v1/admin/webhooks',
      {
        schema: {
          tags: ['admin'],
          summary:
            'Subscribe a URL to alert types and task events (e.g. audit.raised, case.*, task.opened); signed with the secret',
          body: z.object({
            url: z.url(),
            secret: z.string().min(16),
            events: z.array(z.string().min(1)).min(1),
            districts: z.array(z.string().min(1)).optional(),
          }),
          response: { 201: webhookView, ...problems },
        },
      },
      async (req, reply) => {
        const principal = principalOf(req);
        requireRole(principal, 'admin');
        try {
          await deps.webhookTargets.check(req.body.url);
        } catch (e) {
          if (!(e instanceof WebhookTargetRefused)) throw e;
          throw new ValidationError(`url: ${e.reason}`, [{ field: 'url', message: e.reason }]);
        }
        const [h] = await deps.db.query<HookRow>(
          `INSERT INTO inspection.webhooks (webhook_id, url, secret, events, districts, created_by, created_at, from_seq)
           VALUES ($1,$2,$3,$4,$5,$6,$7,(SELECT coalesce(max(seq), 0) FROM inspection.outbox))
           RETURNING webhook_id, url, events, districts, created_at`,
          [
            randomUUID(),
            req.body.url,
            deps.secrets.seal(req.body.secret),
            req.body.events,
            req.body.districts ?? null,
            actorOf(principal),
            deps.clock.now(),
          ],
        );
        reply.code(201);
        return toHook(h!);
      },
    );

    app.get(
      '/v1/admin/webhooks',
      {
        schema: {
          tags: ['admin'],
          summary: 'Webhook subscriptions (secrets are never shown)',
          response: { 200: z.object({ webhooks: z.array(webhookView) }), ...problems },
        },
      },
      async (req) => {
        requireRole(principalOf(req), 'admin');
        const rows = await deps.db.query<HookRow>(
          'SELECT webhook_id, url, events, districts, created_at FROM inspection.webhooks WHERE deleted_at IS NULL ORDER BY created_at, webhook_id',
        );
        return { webhooks: rows.map(toHook) };
      },
    );

    app.delete(
      '/v1/admin/webhooks/:webhookId',
      {
        schema: {
          tags: ['admin'],
          summary: 'Unsubscribe: pending deliveries are dropped; the delivery log is kept',
          params: z.object({ webhookId: z.uuid() }),
          response: { 204: z.null(), ...problems },
        },
      },
      async (req, reply) => {
        requireRole(principalOf(req), 'admin');
        const rows = await deps.db.transaction(async (tx) => {
          const r = await tx.query(
            'UPDATE inspection.webhooks SET deleted_at = $2 WHERE webhook_id = $1 AND deleted_at IS NULL RETURNING webhook_id',
            [req.params.webhookId, deps.clock.now()],
          );
          await tx.query(
            `UPDATE inspection.webhook_deliveries SET status = 'cancelled' WHERE webhook_id = $1 AND status = 'pending'`,
            [req.params.webhookId],
          );
          return r;
        });
        if (!rows.length) throw new NotFoundError(`webhook ${req.params.webhookId} not found`);
        reply.code(204);
        return null;
      },
    );

    app.get(
      '/v1/admin/webhooks/:webhookId/deliveries',
      {
        schema: {
          tags: ['admin'],
          summary: 'The delivery log of a subscription: each event, its status and every attempt',
          params: z.object({ webhookId: z.uuid() }),
          querystring: z.object({
            status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: {
            200: z.object({
              deliveries: z.array(
                z.object({
                  deliveryId: z.string(),
                  eventId: z.string(),
                  eventType: z.string(),
                  status: z.string(),
                  attempts: z.number(),
                  nextAttemptAt: z.string().nullable(),
                  deliveredAt: z.string().nullable(),
                  log: z.array(
                    z.object({
                      attempt: z.number(),
                      at: z.string(),
                      responseStatus: z.number().nullable(),
                      error: z.string().nullable(),
                      durationMs: z.number(),
                    }),
                  ),
                }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        requireRole(principalOf(req), 'admin');
        const [hook] = await deps.db.query('SELECT 1 FROM inspection.webhooks WHERE webhook_id = $1', [
          req.params.webhookId,
        ]);
        if (!hook) throw new NotFoundError(`webhook ${req.params.webhookId} not found`);
        const params: unknown[] = [req.params.webhookId];
        let filter = '';
        if (req.query.status) {
          params.push(req.query.status);
          filter = 'AND status = $2';
        }
        const rows = await deps.db.query<{
          id: bigint;
          event_id: string;
          event_type: string;
          status: string;
          attempts: number;
          next_attempt_at: Date;
          delivered_at: Date | null;
        }>(
          `SELECT id, event_id, event_type, status, attempts, next_attempt_at, delivered_at FROM inspection.webhook_deliveries
           WHERE webhook_id = $1 ${filter} ORDER BY id DESC LIMIT ${req.query.limit}`,
          params,
        );
        const attempts = rows.length
          ? await deps.db.query<{
              delivery_id: bigint;
              attempt: number;
              at: Date;
              response_status: number | null;
              error: string | null;
              duration_ms: number;
            }>(
              'SELECT delivery_id, attempt, at, response_status, error, duration_ms FROM inspection.webhook_attempts WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, attempt',
              [rows.map((r) => r.id)],
            )
          : [];
        return {
          deliveries: rows.map((r) => ({
            deliveryId: String(r.id),
            eventId: r.event_id,
            eventType: r.event_type,
            status: r.status,
            attempts: r.attempts,
            nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
            deliveredAt: r.delivered_at ? r.delivered_at.toISOString() : null,
            log: attempts
              .filter((a) => a.delivery_id === r.id)
              .map((a) => ({
                attempt: a.attempt,
                at: a.at.toISOString(),
                responseStatus: a.response_status,
                error: a.error,
                durationMs: a.duration_ms,
              })),
          })),
        };
      },
    );
  };
}
