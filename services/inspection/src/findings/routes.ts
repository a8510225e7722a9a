import { findingSnapshot, periodString, ruleSchema } from '@wagewatch/contracts';
import type { Database } from '@wagewatch/db';
import { principalOf, problemSchema } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertFilter, scopeRows, where } from '../scope.ts';

/** The findings read model, filtered to your scope. */
export function findingRoutes(deps: { db: Database }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/findings',
      {
        schema: {
          tags: ['findings'],
          summary: 'Findings within your scope (inspector: your districts; project manager: your projects)',
          querystring: z.object({
            projectId: z.string().optional(),
            rule: ruleSchema.optional(),
            status: z.enum(['open', 'resolved']).optional(),
            period: periodString.optional(),
            district: z.string().optional(),
            limit: z.coerce.number().int().min(1).max(5000).default(500),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: {
            200: z.object({ total: z.number(), findings: z.array(findingSnapshot) }),
            400: problemSchema,
            401: problemSchema,
            403: problemSchema,
          },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const q = req.query;
        assertFilter(principal, q);
        const w = where();
        scopeRows(principal, w, 'findings');
        const add = w.add;
        if (q.projectId) add('project_id = ?', q.projectId);
        if (q.rule) add('rule = ?', q.rule);
        if (q.status) add('status = ?', q.status);
        if (q.period) add('period = ?', q.period);
        if (q.district) add('district = ?', q.district);
        const clause = w.clause();
        const params = w.params;
        const [count] = await deps.db.query<{ n: bigint }>(
          `SELECT count(*) AS n FROM inspection.findings ${clause}`,
          params,
        );
        const rows = await deps.db.query<{ snapshot: z.infer<typeof findingSnapshot> }>(
          `SELECT snapshot FROM inspection.findings ${clause} ORDER BY raised_at DESC, finding_id LIMIT ${q.limit} OFFSET ${q.offset}`,
          params,
        );
        return { total: Number(count?.n ?? 0n), findings: rows.map((r) => r.snapshot) };
      },
    );
  };
}
