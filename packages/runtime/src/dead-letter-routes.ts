import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from './auth.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import { principalOf, problemSchema } from './http.ts';

/**
 * What the admin routes need of one consumer's dead letters (`DeadLetters` in @wagewatch/bus
 * has this shape; declared here structurally so that the HTTP shell does not depend on the bus).
 */
export interface DeadLetterAdmin {
  readonly group: string;
  list(q: { status?: 'open' | 'reapplied'; limit?: number; offset?: number }): Promise<{
    total: number;
    items: DeadLetterViewBody[];
  }>;
  get(id: string): Promise<DeadLetterViewBody>;
  reapply(
    id: string,
    by: string,
  ): Promise<{ outcome: string; reason?: string; deadLetter: DeadLetterViewBody }>;
}

const attemptBody = z.object({
  by: z.string(),
  at: z.string(),
  outcome: z.string(),
  detail: z.string().nullable(),
});
const deadLetterBody = z.object({
  id: z.string(),
  consumer: z.string(),
  source: z.string(),
  eventId: z.string().nullable(),
  eventType: z.string().nullable(),
  rowIndex: z.number().nullable(),
  reason: z.string(),
  failedAt: z.string(),
  status: z.enum(['open', 'reapplied']),
  reappliedAt: z.string().nullable(),
  attempts: z.array(attemptBody),
  payload: z.unknown(),
});
export type DeadLetterViewBody = z.infer<typeof deadLetterBody>;

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

/**
 * `GET /v1/admin/dead-letters?consumer=…&status=…` and `GET …/:consumer/:id`: what a consumer
 * could not apply, with the reason, the event id and type (and row), when, and every
 * re-application attempt. `POST /v1/admin/dead-letters/:consumer/:id/reapply`: re-applies it
 * through the consumer's normal path; idempotent (the inbox), each attempt recorded with the
 * caller's key id. Admin only. Served by the embedded system and by every distributed process
 * for the consumers it runs (docs/adr/0011).
 */
export function deadLetterRoutes(admins: readonly DeadLetterAdmin[]): FastifyPluginAsync {
  const byGroup = new Map(admins.map((a) => [a.group, a]));
  const consumers = [...byGroup.keys()];
  const find = (consumer: string): DeadLetterAdmin => {
    const a = byGroup.get(consumer);
    if (!a)
      throw new NotFoundError(
        `no consumer ${consumer} in this process (it runs: ${consumers.join(', ') || 'none'})`,
      );
    return a;
  };
  const notFound = (err: unknown): never => {
    if (err instanceof Error && (err as { code?: unknown }).code === 'NOT_FOUND')
      throw new NotFoundError(err.message);
    throw err;
  };
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/admin/dead-letters',
      {
        schema: {
          tags: ['admin'],
          summary: "List a consumer's dead letters (admin)",
          description: `consumer: one of the consumers this process runs (${consumers.join(', ')}); without it, the first page of each.`,
          querystring: z.object({
            consumer: z.string().optional(),
            status: z.enum(['open', 'reapplied']).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: {
            200: z.object({
              consumers: z.array(
                z.object({ consumer: z.string(), total: z.number(), items: z.array(deadLetterBody) }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        requireRole(principalOf(req), 'admin');
        const { consumer, status, limit, offset } = req.query;
        const wanted = consumer ? [find(consumer)] : [...byGroup.values()];
        const out = [];
        for (const a of wanted) {
          const r = await a.list({ ...(status ? { status } : {}), limit, offset });
          out.push({ consumer: a.group, ...r });
        }
        return { consumers: out };
      },
    );
    app.get(
      '/v1/admin/dead-letters/:consumer/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'One dead letter with its payload and re-application attempts (admin)',
          params: z.object({ consumer: z.string(), id: z.string() }),
          response: { 200: deadLetterBody, ...problems },
        },
      },
      async (req) => {
        requireRole(principalOf(req), 'admin');
        return find(req.params.consumer).get(req.params.id).catch(notFound);
      },
    );
    app.post(
      '/v1/admin/dead-letters/:consumer/:id/reapply',
      {
        schema: {
          tags: ['admin'],
          summary: "Re-apply a dead letter through the consumer's normal path (admin)",
          description:
            'outcome: applied; already-applied (the inbox had it); already-reapplied; failed (reason given, the dead letter stays open). Every attempt is recorded.',
          params: z.object({ consumer: z.string(), id: z.string() }),
          response: {
            200: z.object({ outcome: z.string(), reason: z.string().optional(), deadLetter: deadLetterBody }),
            ...problems,
          },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'admin');
        if (!/^\d+$/.test(req.params.id))
          throw new ValidationError('id must be a dead letter number', [
            { field: 'id', message: 'must be digits' },
          ]);
        return find(req.params.consumer).reapply(req.params.id, `api-key:${principal.keyId}`).catch(notFound);
      },
    );
  };
}
