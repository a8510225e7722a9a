import { CASE_LEVELS, SEVERITIES } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { shanghaiDate } from '@wagewatch/domain';
import { ForbiddenError, NotFoundError, type Principal, principalOf } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiTime, type InspectionContext, problems } from '../context.ts';
import { assertCovers, assertFilter, districtOf, refuseBanks, scopeRows, where } from '../scope.ts';
import { CASE_COLUMNS, type CaseRow, caseById } from './repository.ts';
import { caseDetail, caseSummary, detail, summaries } from './views.ts';

/** A case by id, for a principal: 404 when there is none, 403 when it is outside the key's scope. */
export async function loadCase(tx: Sql, principal: Principal, caseId: string): Promise<CaseRow> {
  refuseBanks(principal, 'cases');
  const row = await caseById(tx, caseId);
  if (!row) throw new NotFoundError(`case ${caseId} does not exist`);
  assertCovers(principal, { projectId: row.project_id, district: row.district }, `case ${caseId}`);
  return row;
}

/** Cases: the list (filtered to the scope), one case, a project's cases. */
export function caseRoutes(deps: InspectionContext): FastifyPluginAsync {
  const time = apiTime(deps);
  const viewTime = async () => ({
    winter: await time.winterOn(deps.db),
    today: shanghaiDate(await time.evaluationInstant(deps.db)),
  });
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/v1/cases',
      {
        schema: {
          tags: ['cases'],
          summary: 'Cases within your scope (inspector: your districts; project manager: your projects)',
          querystring: z.object({
            status: z.enum(['open', 'closed']).optional(),
            district: z.string().optional(),
            projectId: z.string().optional(),
            employer: z.string().optional(),
            level: z.enum(CASE_LEVELS).optional(),
            /** Cases with an open finding of this severity. */
            severity: z.enum(SEVERITIES).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: { 200: z.object({ total: z.number(), cases: z.array(caseSummary) }), ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const q = req.query;
        assertFilter(principal, q);
        const b = where();
        scopeRows(principal, b, 'cases');
        if (q.status) b.add('status = ?', q.status);
        if (q.district) b.add('district = ?', q.district);
        if (q.projectId) b.add('project_id = ?', q.projectId);
        if (q.employer) b.add('employer_code = ?', q.employer);
        if (q.level) b.add('level = ?', q.level);
        if (q.severity) {
          b.add(
            `EXISTS (SELECT 1 FROM inspection.case_findings cf JOIN inspection.findings f ON f.finding_id = cf.finding_id
              WHERE cf.case_id = cases.case_id AND f.status = 'open' AND f.snapshot->>'severity' = ?)`,
            q.severity,
          );
        }
        const [count] = await deps.db.query<{ n: bigint }>(
          `SELECT count(*) AS n FROM inspection.cases ${b.clause()}`,
          b.params,
        );
        const rows = await deps.db.query<CaseRow>(
          `SELECT ${CASE_COLUMNS} FROM inspection.cases ${b.clause()} ORDER BY opened_at DESC, case_id
           LIMIT ${q.limit} OFFSET ${q.offset}`,
          b.params,
        );
        return {
          total: Number(count?.n ?? 0n),
          cases: await summaries(deps.db, rows, await time.winterOn(deps.db)),
        };
      },
    );

    app.get(
      '/v1/cases/:caseId',
      {
        schema: {
          tags: ['cases'],
          summary:
            'A case: routing, findings (personal data masked), history, tasks with their audit trail, justifications',
          params: z.object({ caseId: z.string() }),
          response: { 200: caseDetail, ...problems },
        },
      },
      async (req) => {
        const row = await loadCase(deps.db, principalOf(req), req.params.caseId);
        return detail(deps.db, row, await viewTime());
      },
    );

    app.get(
      '/v1/projects/:projectId/cases',
      {
        schema: {
          tags: ['cases'],
          summary: "A project's cases",
          params: z.object({ projectId: z.string() }),
          response: { 200: z.object({ projectId: z.string(), cases: z.array(caseSummary) }), ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const { projectId } = req.params;
        refuseBanks(principal, 'cases');
        // A project manager's scope is its project ids: another project is 403 whether or not it exists.
        if (principal.role === 'project-manager' && !principal.projectIds.includes(projectId))
          throw new ForbiddenError(`your key does not cover project ${projectId}`);
        const district = await districtOf(deps.db, projectId);
        if (district === undefined)
          throw new NotFoundError(`project ${projectId} is not known to inspection`);
        assertCovers(principal, { projectId, district }, `project ${projectId}`);
        const rows = await deps.db.query<CaseRow>(
          `SELECT ${CASE_COLUMNS} FROM inspection.cases WHERE project_id = $1 ORDER BY opened_at DESC, case_id`,
          [projectId],
        );
        return { projectId, cases: await summaries(deps.db, rows, await time.winterOn(deps.db)) };
      },
    );
  };
}
