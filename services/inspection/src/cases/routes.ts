import { CASE_LEVELS, SEVERITIES } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { shanghaiDate } from '@wagewatch/domain';
import { ForbiddenError, NotFoundError, type Principal, principalOf, toCsv } from '@wagewatch/runtime';
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

    const LEVEL_ZH: Record<string, string> = {
      none: '未升级',
      notice: '提醒',
      warning: '预警',
      'inspection-task': '现场检查',
      critical: '重大案件',
    };
    const beijing = (d: Date | null) =>
      d ? new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '';
    app.get(
      '/v1/cases/export',
      {
        schema: {
          tags: ['cases'],
          summary:
            'The cases list as CSV for Excel (UTF-8 with BOM, Chinese headers), scoped, with the status/district filters',
          description:
            'One row per case within your scope (newest first, at most 50,000): the employer, status, escalation level, ' +
            'cycle, opened and closed (Beijing time), the next step’s date, the open findings and what they owe. Cells a ' +
            'spreadsheet would run as a formula (= + - @) are prefixed with an apostrophe.',
          querystring: z.object({
            status: z.enum(['open', 'closed']).optional(),
            district: z.string().optional(),
            projectId: z.string().optional(),
          }),
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        const principal = principalOf(req);
        const q = req.query;
        assertFilter(principal, q);
        const b = where();
        scopeRows(principal, b, 'cases', { district: 'c.district', projectId: 'c.project_id' });
        if (q.status) b.add('c.status = ?', q.status);
        if (q.district) b.add('c.district = ?', q.district);
        if (q.projectId) b.add('c.project_id = ?', q.projectId);
        const rows = await deps.db.query<{
          case_id: string;
          project_id: string;
          district: string;
          employer_name: string;
          employer_code: string;
          status: string;
          level: string;
          cycle: number;
          opened_at: Date;
          closed_at: Date | null;
          deadline: string | null;
          open_findings: bigint | number;
          owed: string | null;
        }>(
          `SELECT c.case_id, c.project_id, c.district, c.employer_name, c.employer_code, c.status, c.level, c.cycle,
                  c.opened_at, c.closed_at, c.deadline,
                  (SELECT count(*) FROM inspection.case_findings cf JOIN inspection.findings f ON f.finding_id = cf.finding_id
                    WHERE cf.case_id = c.case_id AND f.status = 'open') AS open_findings,
                  (SELECT to_char(coalesce(sum((f.snapshot->>'amountOwed')::numeric), 0), 'FM999999999999990.00')
                     FROM inspection.case_findings cf JOIN inspection.findings f ON f.finding_id = cf.finding_id
                    WHERE cf.case_id = c.case_id AND f.status = 'open' AND f.rule IN ('wages-missed', 'wages-short')) AS owed
             FROM inspection.cases c ${b.clause()} ORDER BY c.opened_at DESC, c.case_id LIMIT 50000`,
          b.params,
        );
        const csv = toCsv(
          [
            '案件编号',
            '项目编号',
            '区域',
            '用工单位',
            '统一社会信用代码',
            '状态',
            '处置阶段',
            '周期',
            '立案时间',
            '结案时间',
            '下一步期限',
            '未解决预警',
            '欠付工资',
          ],
          rows.map((r) => [
            r.case_id,
            r.project_id,
            r.district,
            r.employer_name,
            r.employer_code,
            r.status === 'open' ? '办理中' : '已结案',
            LEVEL_ZH[r.level] ?? r.level,
            r.cycle,
            beijing(new Date(r.opened_at)),
            beijing(r.closed_at ? new Date(r.closed_at) : null),
            r.deadline ?? '',
            Number(r.open_findings),
            r.owed ?? '0.00',
          ]),
        );
        return reply
          .header('content-disposition', `attachment; filename="cases-${shanghaiDate(deps.clock.now())}.csv"`)
          .type('text/csv; charset=utf-8')
          .send(csv);
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
