import { findingSnapshot, localDateString, periodString, ruleSchema } from '@wagewatch/contracts';
import type { Database } from '@wagewatch/db';
import {
  addDays,
  endOfShanghaiDay,
  RULE_DEFINITIONS,
  shanghaiDate,
  startOfShanghaiDay,
  type WarningFacts,
  warningLifecycle,
} from '@wagewatch/domain';
import { type Clock, principalOf, problemSchema, toCsv, ValidationError } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertFilter, scopeRows, where } from '../scope.ts';

const SEVERITY_ZH: Record<string, string> = { low: '低', medium: '中', high: '高', critical: '严重' };
/** An instant as Beijing time, YYYY-MM-DD HH:mm. */
const beijing = (iso: string) =>
  new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The findings read model, filtered to your scope. */
export function findingRoutes(deps: { db: Database; clock: Clock }): FastifyPluginAsync {
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

    app.get(
      '/v1/findings/export',
      {
        schema: {
          tags: ['findings'],
          summary:
            'The findings list as CSV for Excel (UTF-8 with BOM, Chinese headers), with the list’s filters (scoped)',
          description:
            'The same rows and filters as GET /v1/findings (newest first, at most 50,000), one per finding: personal data as ' +
            'the list masks it. Cells a spreadsheet would run as a formula (= + - @) are prefixed with an apostrophe.',
          querystring: z.object({
            projectId: z.string().optional(),
            rule: ruleSchema.optional(),
            status: z.enum(['open', 'resolved']).optional(),
            period: periodString.optional(),
            district: z.string().optional(),
          }),
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        const principal = principalOf(req);
        const q = req.query;
        assertFilter(principal, q);
        const w = where();
        scopeRows(principal, w, 'findings');
        if (q.projectId) w.add('project_id = ?', q.projectId);
        if (q.rule) w.add('rule = ?', q.rule);
        if (q.status) w.add('status = ?', q.status);
        if (q.period) w.add('period = ?', q.period);
        if (q.district) w.add('district = ?', q.district);
        const rows = await deps.db.query<{ snapshot: z.infer<typeof findingSnapshot>; district: string }>(
          `SELECT snapshot, district FROM inspection.findings ${w.clause()} ORDER BY raised_at DESC, finding_id LIMIT 50000`,
          w.params,
        );
        const csv = toCsv(
          [
            '预警编号',
            '项目编号',
            '区域',
            '规则',
            '严重程度',
            '状态',
            '工资月份',
            '工人',
            '身份证号（脱敏）',
            '欠付金额',
            '已付金额',
            '发现时间',
            '解决时间',
            '责任单位',
            '法律依据',
            '说明',
          ],
          rows.map(({ snapshot: f, district }) => [
            f.findingId,
            f.projectId,
            district,
            RULE_DEFINITIONS[f.rule].nameZh,
            SEVERITY_ZH[f.severity] ?? f.severity,
            f.status === 'open' ? '未解决' : '已解决',
            f.period ?? '',
            f.worker?.name ?? '',
            f.worker?.idNumberMasked ?? '',
            f.amountOwed ?? '',
            f.amountPaid ?? '',
            beijing(f.raisedAt),
            f.resolvedAt ? beijing(f.resolvedAt) : '',
            f.responsible.name,
            f.legalBasis,
            f.detail,
          ]),
        );
        return reply
          .header(
            'content-disposition',
            `attachment; filename="findings-${shanghaiDate(deps.clock.now())}.csv"`,
          )
          .type('text/csv; charset=utf-8')
          .send(csv);
      },
    );

    const bp = (v: number | null) => (v === null ? null : v / 10000);
    app.get(
      '/v1/findings/lifecycle',
      {
        schema: {
          tags: ['findings'],
          summary:
            "The warnings' lifecycle: verified within the SLA, employer feedback, closed, days to close (scoped)",
          description:
            'Of the findings raised from `from` through `to` (Asia/Shanghai days; default the 90 days to today), optionally ' +
            "of one rule: verified = a task of the finding's case still open when the finding joined it (or opened later) was resolved or " +
            'closed; verifiedWithinSla = the first such task was, by the end of its due day (its SLA in working days); ' +
            'withFeedback = the employer submitted a justification for the case after the finding joined it; closed = the ' +
            'finding is resolved; medianDaysToClose over the closed ones. Shares 0..1 of `findings`, null when none.',
          querystring: z.object({
            from: localDateString.optional(),
            to: localDateString.optional(),
            district: z.string().optional(),
            rule: ruleSchema.optional(),
          }),
          response: {
            200: z.object({
              from: z.string(),
              to: z.string(),
              findings: z.number(),
              verified: z.number(),
              verifiedWithinSla: z.number(),
              withFeedback: z.number(),
              closed: z.number(),
              verifiedWithinSlaShare: z.number().nullable(),
              withFeedbackShare: z.number().nullable(),
              closedShare: z.number().nullable(),
              medianDaysToClose: z.number().nullable(),
            }),
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
        const today = shanghaiDate(deps.clock.now());
        const to = q.to ?? today;
        const from = q.from ?? addDays(to, -89);
        if (from > to)
          throw new ValidationError(`from ${from} is after to ${to}`, [
            { field: 'from', message: `at most ${to}` },
          ]);
        const w = where();
        scopeRows(principal, w, 'findings', { district: 'f.district', projectId: 'f.project_id' });
        w.add('f.raised_at >= ?', startOfShanghaiDay(from));
        w.add('f.raised_at < ?', endOfShanghaiDay(to));
        if (q.district) w.add('f.district = ?', q.district);
        if (q.rule) w.add('f.rule = ?', q.rule);
        const rows = await deps.db.query<{
          finding_id: string;
          raised_at: Date;
          resolved_at: string | null;
          tasks: { openedAt: string; dueOn: string; closedAt: string | null }[] | null;
          feedback: string[] | null;
        }>(
          `SELECT f.finding_id, f.raised_at, CASE WHEN f.status = 'resolved' THEN f.snapshot->>'resolvedAt' END AS resolved_at,
                  (SELECT json_agg(json_build_object('openedAt', t.opened_at, 'dueOn', t.due_on,
                          'closedAt', CASE WHEN t.status IN ('resolved', 'closed') THEN coalesce(t.closed_at, t.updated_at) END))
                     FROM inspection.case_findings cf JOIN inspection.tasks t ON t.case_id = cf.case_id
                          AND (t.status NOT IN ('resolved', 'closed') OR coalesce(t.closed_at, t.updated_at) >= cf.attached_at)
                    WHERE cf.finding_id = f.finding_id) AS tasks,
                  (SELECT json_agg(j.submitted_at)
                     FROM inspection.case_findings cf JOIN inspection.justifications j ON j.case_id = cf.case_id AND j.submitted_at >= cf.attached_at
                    WHERE cf.finding_id = f.finding_id) AS feedback
             FROM inspection.findings f ${w.clause()}`,
          w.params,
        );
        const facts: WarningFacts[] = rows.map((r) => ({
          raisedAt: new Date(r.raised_at),
          resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
          tasks: (r.tasks ?? []).map((t) => ({
            openedAt: new Date(t.openedAt),
            dueOn: t.dueOn,
            closedAt: t.closedAt ? new Date(t.closedAt) : null,
          })),
          feedbackAt: (r.feedback ?? []).map((d) => new Date(d)),
        }));
        const l = warningLifecycle(facts);
        return {
          from,
          to,
          findings: l.findings,
          verified: l.verified,
          verifiedWithinSla: l.verifiedWithinSla,
          withFeedback: l.withFeedback,
          closed: l.closed,
          verifiedWithinSlaShare: bp(l.verifiedWithinSlaBp),
          withFeedbackShare: bp(l.withFeedbackBp),
          closedShare: bp(l.closedBp),
          medianDaysToClose: l.medianDaysToClose,
        };
      },
    );
  };
}
