import { totalYuanString } from '@wagewatch/contracts';
import type { Database } from '@wagewatch/db';
import { formatFen } from '@wagewatch/domain';
import { ForbiddenError, principalOf, problemSchema } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

export const depositsDashboardSchema = z.object({
  /** Projects with an open deposit-missing finding (rule 10). */
  missing: z.number().int(),
  /** Projects with an open deposit-short finding (rule 11). */
  short: z.number().int(),
  /** What those deposits lack in total (the open deposit-short findings' amounts). */
  shortfall: totalYuanString,
  /** Open guarantee-expiring findings (rule 12): 30 days or less to expiry, or expired. */
  expiringSoon: z.number().int(),
});

/**
 * The cockpit's deposit figures (总览: deposits missing or short), one SQL aggregate over the
 * deposits service's open findings as its last evaluation left them, cut to the caller's scope.
 */
export function depositsDashboardRoutes(deps: { db: Database }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/dashboard/deposits',
      {
        schema: {
          tags: ['dashboard'],
          summary:
            "The cockpit's deposit figures within your scope (or one district of it): deposits missing, short (and by how much), guarantees expiring",
          querystring: z.object({ district: z.string().optional() }),
          response: { 200: depositsDashboardSchema, ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const { district } = req.query;
        const where: string[] = [`f.status = 'open'`];
        const params: unknown[] = [];
        const add = (sql: string, v: unknown) => {
          params.push(v);
          where.push(sql.replace('?', `$${params.length}`));
        };
        switch (principal.role) {
          case 'admin':
            break;
          case 'inspector':
            if (principal.districts !== 'all') {
              if (district && !principal.districts.includes(district))
                throw new ForbiddenError(`your key does not cover district ${district}`);
              add('p.district = ANY(?::text[])', principal.districts);
            }
            break;
          case 'project-manager':
            add('p.project_id = ANY(?::text[])', principal.projectIds);
            break;
          case 'bank':
            throw new ForbiddenError('banks do not read deposit positions');
          default: {
            const never: never = principal;
            throw new Error(`unknown principal ${JSON.stringify(never)}`);
          }
        }
        if (district) add('p.district = ?', district);
        const [row] = await deps.db.query<{ missing: number; short: number; fen: string; expiring: number }>(
          `SELECT
             count(DISTINCT f.project_id) FILTER (WHERE f.rule = 'deposit-missing')::int AS missing,
             count(DISTINCT f.project_id) FILTER (WHERE f.rule = 'deposit-short')::int AS short,
             coalesce(sum(round((f.snapshot->>'amountOwed')::numeric * 100)) FILTER (WHERE f.rule = 'deposit-short'), 0)::bigint::text AS fen,
             count(*) FILTER (WHERE f.rule = 'guarantee-expiring')::int AS expiring
           FROM deposits.findings f JOIN deposits.projects p ON p.project_id = f.project_id
           WHERE ${where.join(' AND ')}`,
          params,
        );
        return {
          missing: row?.missing ?? 0,
          short: row?.short ?? 0,
          shortfall: formatFen(BigInt(row?.fen ?? '0')),
          expiringSoon: row?.expiring ?? 0,
        };
      },
    );
  };
}
