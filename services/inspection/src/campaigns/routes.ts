import type { Database } from '@wagewatch/db';
import { ForbiddenError, NotFoundError, type Principal, principalOf } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../context.ts';
import { assertCoversDistrict, assertFilter, scopeRows, where } from '../scope.ts';

const reportSummary = z.object({
  reportId: z.string(),
  kind: z.enum(['holiday-audit', 'winter-progress', 'screening']),
  occurrence: z.string(),
  district: z.string(),
  title: z.string(),
  createdAt: z.string(),
});

/** Campaign reports are the bureau's: inspectors (their districts) and admins. */
function reportsAreForInspectors(p: Principal): void {
  if (p.role !== 'admin' && p.role !== 'inspector')
    throw new ForbiddenError('campaign reports are for inspectors');
}

/** Campaign reports: the list (filtered to your districts) and one report (403 when another district's). */
export function campaignRoutes(deps: { db: Database }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/campaigns/reports',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'Campaign reports (holiday audits, winter progress, screenings) within your districts',
          querystring: z.object({
            kind: z.enum(['holiday-audit', 'winter-progress', 'screening']).optional(),
            district: z.string().optional(),
            occurrence: z.string().optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: { 200: z.object({ total: z.number(), reports: z.array(reportSummary) }), ...problems },
        },
      },
      async (req) => {
        const q = req.query;
        const principal = principalOf(req);
        reportsAreForInspectors(principal);
        assertFilter(principal, q);
        const b = where();
        scopeRows(principal, b, 'campaign reports', { projectId: null });
        if (q.kind) b.add('kind = ?', q.kind);
        if (q.district) b.add('district = ?', q.district);
        if (q.occurrence) b.add('occurrence = ?', q.occurrence);
        if (q.from) b.add('created_at >= ?', q.from);
        if (q.to) b.add('created_at < ?', q.to);
        const [count] = await deps.db.query<{ n: bigint }>(
          `SELECT count(*) AS n FROM inspection.campaign_reports ${b.clause()}`,
          b.params,
        );
        const rows = await deps.db.query<{
          report_id: string;
          kind: 'holiday-audit' | 'winter-progress' | 'screening';
          occurrence: string;
          district: string;
          title: string;
          created_at: Date;
        }>(
          `SELECT report_id, kind, occurrence, district, title, created_at FROM inspection.campaign_reports ${b.clause()}
           ORDER BY created_at DESC, occurrence, district LIMIT ${q.limit} OFFSET ${q.offset}`,
          b.params,
        );
        return {
          total: Number(count?.n ?? 0n),
          reports: rows.map((r) => ({
            reportId: r.report_id,
            kind: r.kind,
            occurrence: r.occurrence,
            district: r.district,
            title: r.title,
            createdAt: r.created_at.toISOString(),
          })),
        };
      },
    );

    app.get(
      '/v1/campaigns/reports/:reportId',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'One campaign report with its contents',
          params: z.object({ reportId: z.string() }),
          response: { 200: reportSummary.extend({ data: z.unknown() }), ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        reportsAreForInspectors(principal);
        const [r] = await deps.db.query<{
          report_id: string;
          kind: 'holiday-audit' | 'winter-progress' | 'screening';
          occurrence: string;
          district: string;
          title: string;
          created_at: Date;
          data: unknown;
        }>('SELECT * FROM inspection.campaign_reports WHERE report_id = $1', [req.params.reportId]);
        if (!r) throw new NotFoundError(`report ${req.params.reportId} not found`);
        // Another district's report exists: out of scope is 403, as everywhere.
        assertCoversDistrict(principal, r.district, `report ${req.params.reportId} (${r.district})`);
        return {
          reportId: r.report_id,
          kind: r.kind,
          occurrence: r.occurrence,
          district: r.district,
          title: r.title,
          createdAt: r.created_at.toISOString(),
          data: r.data,
        };
      },
    );
  };
}
