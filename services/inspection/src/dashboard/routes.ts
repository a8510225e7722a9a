import { CASE_LEVELS, ruleSchema, totalYuanString } from '@wagewatch/contracts';
import {
  addDays,
  dayOfWeek,
  daysBetween,
  formatFen,
  RISK_GRADES,
  type RuleCode,
  shanghaiDate,
  winterCampaign,
} from '@wagewatch/domain';
import { principalOf } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiTime, type InspectionContext, problems } from '../context.ts';
import { OWED_RULES, owedFen } from '../projects/sql.ts';
import { assertFilter, scopeRows, type Where, where } from '../scope.ts';

const TREND_WEEKS = 12;
/** Shanghai has kept UTC+8 without daylight saving since 1991: a week is cut on that offset. */
const SHANGHAI = `interval '8 hours'`;

export const dashboardSchema = z.object({
  asOf: z.string().describe('the evaluation instant the figures are taken at (the last sweep, else now)'),
  districts: z.array(
    z.object({
      district: z.string(),
      projects: z.number().int(),
      /** D is the worst; null when no project of the district is graded yet. */
      worstGrade: z.enum(RISK_GRADES).nullable(),
      openFindings: z.number().int(),
      openCases: z.number().int(),
    }),
  ),
  projectsMonitored: z.number().int(),
  openFindingsByRule: z.array(
    z.object({ rule: ruleSchema, count: z.number().int(), amountOwed: totalYuanString }),
  ),
  /** Wages owed now over every open wages-missed and wages-short finding. */
  amountOwed: totalYuanString,
  casesByStep: z.array(z.object({ step: z.enum(CASE_LEVELS), count: z.number().int() })),
  /** Open tasks past their SLA date (before today in Asia/Shanghai). */
  overdueTasks: z.number().int(),
  trend: z.array(
    z.object({
      weekStart: z.string().describe('a Monday (Asia/Shanghai)'),
      raised: z.number().int(),
      resolved: z.number().int(),
    }),
  ),
  campaign: z
    .object({ name: z.string(), festivalEve: z.string(), daysLeft: z.number().int() })
    .nullable()
    .describe('the winter campaign while it runs: its countdown to the Spring Festival eve'),
});

/** The inspector's cockpit (总览): inspection's figures, each one SQL aggregate over its read model. */
export function dashboardRoutes(deps: InspectionContext): FastifyPluginAsync {
  const time = apiTime(deps);
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/dashboard',
      {
        schema: {
          tags: ['dashboard'],
          summary:
            "The cockpit's inspection figures within your scope (or one district of it): districts by worst risk grade, findings by rule, cases by ladder step, overdue tasks, the 12-week trend, the winter campaign",
          querystring: z.object({ district: z.string().optional() }),
          response: { 200: dashboardSchema, ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const { district } = req.query;
        assertFilter(principal, { district });
        const instant = await time.evaluationInstant(deps.db);
        const today = shanghaiDate(instant);
        /** The scope (and the district asked for) on a table with district and project_id columns. */
        const scoped = (alias: string): Where => {
          const w = where();
          scopeRows(principal, w, 'the dashboard', {
            district: `${alias}.district`,
            projectId: `${alias}.project_id`,
          });
          if (district) w.add(`${alias}.district = ?`, district);
          return w;
        };
        const pw = scoped('p');
        const grid = await deps.db.query<{
          district: string;
          projects: number;
          worst: string | null;
          open_findings: number;
          open_cases: number;
        }>(
          `SELECT p.district, count(*)::int AS projects, max(g.grade) AS worst,
             coalesce(sum(f.n), 0)::int AS open_findings, coalesce(sum(c.n), 0)::int AS open_cases
           FROM inspection.projects p
           LEFT JOIN inspection.risk_grades g ON g.subject_kind = 'project' AND g.subject_id = p.project_id
           LEFT JOIN (SELECT project_id, count(*) AS n FROM inspection.findings WHERE status = 'open' GROUP BY project_id) f
             ON f.project_id = p.project_id
           LEFT JOIN (SELECT project_id, count(*) AS n FROM inspection.cases WHERE status = 'open' GROUP BY project_id) c
             ON c.project_id = p.project_id
           ${pw.clause()} GROUP BY p.district ORDER BY p.district`,
          pw.params,
        );
        // Findings and cases count for the projects inspection has registered (the grid's projects).
        const fw = scoped('p');
        fw.where.push(`f.status = 'open'`);
        const byRule = await deps.db.query<{ rule: RuleCode; n: number; fen: string }>(
          `SELECT f.rule, count(*)::int AS n, sum(${owedFen('f.snapshot')})::text AS fen
           FROM inspection.findings f JOIN inspection.projects p ON p.project_id = f.project_id
           ${fw.clause()} GROUP BY f.rule ORDER BY count(*) DESC, f.rule`,
          fw.params,
        );
        const cw = scoped('p');
        cw.where.push(`c.status = 'open'`);
        const bySteps = await deps.db.query<{ level: string; n: number }>(
          `SELECT c.level, count(*)::int AS n
           FROM inspection.cases c JOIN inspection.projects p ON p.project_id = c.project_id
           ${cw.clause()} GROUP BY c.level`,
          cw.params,
        );
        const tw = scoped('t');
        tw.where.push(`t.status NOT IN ('resolved', 'closed')`);
        tw.add('t.due_on < ?::date', today);
        const [overdue] = await deps.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM inspection.tasks t ${tw.clause()}`,
          tw.params,
        );
        // The 12 weeks ending with this one (Mondays), and per week the findings raised and resolved.
        const thisMonday = addDays(today, -((dayOfWeek(today) + 6) % 7));
        const weeks = Array.from({ length: TREND_WEEKS }, (_, i) =>
          addDays(thisMonday, -7 * (TREND_WEEKS - 1 - i)),
        );
        const rw = scoped('p');
        rw.add(`f.raised_at >= (?::date - ${SHANGHAI})`, weeks[0]);
        const raisedRows = await deps.db.query<{ week: string; n: number }>(
          `SELECT date_trunc('week', (f.raised_at AT TIME ZONE 'UTC') + ${SHANGHAI})::date::text AS week, count(*)::int AS n
           FROM inspection.findings f JOIN inspection.projects p ON p.project_id = f.project_id
           ${rw.clause()} GROUP BY 1`,
          rw.params,
        );
        const sw = scoped('p');
        sw.where.push(`f.status = 'resolved'`, `f.snapshot->>'resolvedAt' IS NOT NULL`);
        sw.add(`(f.snapshot->>'resolvedAt')::timestamptz >= (?::date - ${SHANGHAI})`, weeks[0]);
        const resolvedRows = await deps.db.query<{ week: string; n: number }>(
          `SELECT date_trunc('week', ((f.snapshot->>'resolvedAt')::timestamptz AT TIME ZONE 'UTC') + ${SHANGHAI})::date::text AS week,
             count(*)::int AS n
           FROM inspection.findings f JOIN inspection.projects p ON p.project_id = f.project_id
           ${sw.clause()} GROUP BY 1`,
          sw.params,
        );
        const raised = new Map(raisedRows.map((r) => [r.week, r.n]));
        const resolved = new Map(resolvedRows.map((r) => [r.week, r.n]));
        const winter = winterCampaign(instant, deps.calendar, deps.campaigns);
        const steps = new Map(bySteps.map((s) => [s.level, s.n]));
        const owed = byRule
          .filter((r) => OWED_RULES.includes(r.rule))
          .reduce((sum, r) => sum + BigInt(r.fen ?? '0'), 0n);
        return {
          asOf: instant.toISOString(),
          districts: grid.map((d) => ({
            district: d.district,
            projects: d.projects,
            worstGrade: (d.worst as 'A' | 'B' | 'C' | 'D' | null) ?? null,
            openFindings: d.open_findings,
            openCases: d.open_cases,
          })),
          projectsMonitored: grid.reduce((s, d) => s + d.projects, 0),
          openFindingsByRule: byRule.map((r) => ({
            rule: r.rule,
            count: r.n,
            amountOwed: formatFen(BigInt(r.fen ?? '0')),
          })),
          amountOwed: formatFen(owed),
          casesByStep: CASE_LEVELS.filter((l) => steps.has(l)).map((step) => ({
            step,
            count: steps.get(step) ?? 0,
          })),
          overdueTasks: overdue?.n ?? 0,
          trend: weeks.map((weekStart) => ({
            weekStart,
            raised: raised.get(weekStart) ?? 0,
            resolved: resolved.get(weekStart) ?? 0,
          })),
          campaign:
            winter.active && winter.eve
              ? {
                  name: winter.season ? `根治欠薪冬季专项行动 ${winter.season}` : '根治欠薪冬季专项行动',
                  festivalEve: winter.eve,
                  daysLeft: daysBetween(today, winter.eve),
                }
              : null,
        };
      },
    );
  };
}
