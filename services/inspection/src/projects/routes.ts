import {
  CASE_LEVELS,
  localDateString,
  type ProjectRegistered,
  periodString,
  ruleSchema,
  SECTORS,
  totalYuanString,
} from '@wagewatch/contracts';
import {
  formatFen,
  legalBasisOf,
  nextPayDate,
  payDateRule,
  RISK_GRADES,
  type RuleCode,
  shanghaiDate,
} from '@wagewatch/domain';
import { ForbiddenError, NotFoundError, principalOf } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type InspectionContext, problems } from '../context.ts';
import { assertCovers, assertFilter, districtOf, refuseBanks, scopeRows, where } from '../scope.ts';
import { OWED_RULES, owedFen } from './sql.ts';

/** Masked to its last 4: `**** 1234` (the console shows which account, never the number). */
export const maskAccountLast4 = (accountNo: string) => `**** ${accountNo.replace(/[\s-]/g, '').slice(-4)}`;

const projectListItem = z.object({
  projectId: z.string(),
  name: z.string(),
  district: z.string(),
  sector: z.string(),
  /** The general contractor's name. */
  contractor: z.string(),
  riskGrade: z.enum(RISK_GRADES).nullable(),
  openFindings: z.number().int(),
  /** Wages owed on the open wages-missed and wages-short findings (as GET /v1/projects/:id/status). */
  amountOwed: totalYuanString,
  openCases: z.number().int(),
  /** The highest ladder step of the project's open cases. */
  worstCaseStep: z.enum(CASE_LEVELS).nullable(),
});

const SORTS = {
  name: 'name',
  riskGrade: 'grade',
  openFindings: 'open_findings',
  amountOwed: 'owed_fen',
} as const;

const party = z.object({ name: z.string(), creditCode: z.string() });

export const projectPage = z.object({
  projectId: z.string(),
  name: z.string(),
  district: z.string(),
  sector: z.string(),
  startDate: localDateString,
  plannedEndDate: localDateString,
  contractValue: totalYuanString,
  parties: z.object({
    /** 建设单位 */
    owner: party,
    /** 施工总承包单位 */
    contractor: party,
    /** 劳资专管员 (a company's officer, shown on the public board). */
    labourOfficer: z.object({ name: z.string(), phone: z.string() }).nullable(),
  }),
  wageAccount: z.object({ bankCode: z.string(), accountNo: z.string().describe('masked: **** 1234') }),
  payDateRule: z.object({
    payDay: z.number().int(),
    payMonthOffset: z.number().int(),
    text: z.string(),
    textEn: z.string(),
  }),
  nextPayDate: z
    .object({
      period: periodString.describe('the month whose wages are paid then'),
      nominal: localDateString,
      due: localDateString.describe('the working day the wages are due (nominal, or brought forward)'),
      movedForward: z.boolean(),
      warnings: z.array(z.string()),
    })
    .describe('the first due date on or after today (Asia/Shanghai), on the holiday-aware calendar'),
  riskGrade: z.object({ grade: z.enum(RISK_GRADES), reasons: z.array(z.string()) }).nullable(),
  openFindings: z.array(
    z.object({
      findingId: z.string(),
      rule: ruleSchema,
      severity: z.string(),
      period: periodString.nullable(),
      dueDate: localDateString.nullable(),
      amount: totalYuanString.nullable(),
      /** The workers the finding concerns (ID masked), none for a finding about the project. */
      workers: z.array(z.object({ idNumberMasked: z.string(), name: z.string() })),
      raisedAt: z.string(),
      legalBasis: z.string(),
      evidence: z.array(z.string()),
    }),
  ),
  cases: z.array(
    z.object({
      caseId: z.string(),
      status: z.enum(['open', 'closed']),
      step: z.enum(CASE_LEVELS),
      openedAt: z.string(),
    }),
  ),
  publicNoticeUrl: z.string(),
});

const yesNo = z.enum(['true', 'false']).transform((v) => v === 'true');

type ListRow = {
  project_id: string;
  name: string;
  district: string;
  sector: string;
  contractor: string;
  grade: 'A' | 'B' | 'C' | 'D' | null;
  open_findings: number;
  owed_fen: string;
  open_cases: number;
  worst: number | null;
};

/** The projects inspection knows (its read model), as the console lists and shows them. */
export function projectRoutes(deps: InspectionContext): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/v1/projects',
      {
        schema: {
          tags: ['projects'],
          summary:
            'Projects within your scope with their risk grade, open findings, amount owed and cases (inspector: your districts; project manager: your projects)',
          querystring: z.object({
            district: z.string().optional(),
            sector: z.enum(SECTORS).optional(),
            riskGrade: z.enum(RISK_GRADES).optional(),
            /** Projects with an open finding of this rule. */
            rule: ruleSchema.optional(),
            hasOpenCases: yesNo.optional(),
            /** Part of the name or the project id (case-insensitive). */
            q: z.string().max(100).optional(),
            sort: z.enum(['name', 'riskGrade', 'openFindings', 'amountOwed']).default('name'),
            order: z.enum(['asc', 'desc']).default('asc'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: {
            200: z.object({
              items: z.array(projectListItem),
              total: z.number().int(),
              limit: z.number().int(),
              offset: z.number().int(),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const q = req.query;
        assertFilter(principal, q);
        const w = where();
        scopeRows(principal, w, 'projects');
        if (q.district) w.add('district = ?', q.district);
        if (q.sector) w.add('sector = ?', q.sector);
        if (q.riskGrade) w.add('grade = ?', q.riskGrade);
        if (q.hasOpenCases !== undefined) w.where.push(q.hasOpenCases ? 'open_cases > 0' : 'open_cases = 0');
        if (q.q) w.add(`(name ILIKE ? OR project_id ILIKE $${w.params.length + 1})`, `%${escapeLike(q.q)}%`);
        if (q.rule)
          w.add(
            `EXISTS (SELECT 1 FROM inspection.findings rf WHERE rf.project_id = x.project_id AND rf.status = 'open' AND rf.rule = ?)`,
            q.rule,
          );
        w.params.push(CASE_LEVELS);
        const levels = `$${w.params.length}::text[]`;
        w.params.push([...OWED_RULES]);
        const owedRules = `$${w.params.length}::text[]`;
        const base = `
          SELECT p.project_id, p.name, p.district, p.sector, p.registration->'contractor'->>'name' AS contractor,
            g.grade, coalesce(f.open_findings, 0)::int AS open_findings, coalesce(f.owed_fen, 0)::text AS owed_fen,
            coalesce(c.open_cases, 0)::int AS open_cases, c.worst
          FROM inspection.projects p
          LEFT JOIN (
            SELECT project_id, count(*) AS open_findings,
              sum(CASE WHEN rule = ANY(${owedRules}) THEN ${owedFen('snapshot')} ELSE 0 END) AS owed_fen
            FROM inspection.findings WHERE status = 'open' GROUP BY project_id
          ) f ON f.project_id = p.project_id
          LEFT JOIN (
            SELECT project_id, count(*) AS open_cases, max(array_position(${levels}, level)) AS worst
            FROM inspection.cases WHERE status = 'open' GROUP BY project_id
          ) c ON c.project_id = p.project_id
          LEFT JOIN inspection.risk_grades g ON g.subject_kind = 'project' AND g.subject_id = p.project_id`;
        const clause = w.clause();
        const [count] = await deps.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (${base}) x ${clause}`,
          w.params,
        );
        const column = SORTS[q.sort];
        const dir = q.order === 'desc' ? 'DESC' : 'ASC';
        // Numbers sort as numbers; a project without a grade last either way; the id breaks ties.
        const key = column === 'owed_fen' ? 'owed_fen::bigint' : column;
        const rows = await deps.db.query<ListRow>(
          `SELECT * FROM (${base}) x ${clause}
           ORDER BY ${key} ${dir} NULLS LAST, project_id ASC LIMIT ${q.limit} OFFSET ${q.offset}`,
          w.params,
        );
        return {
          items: rows.map((r) => ({
            projectId: r.project_id,
            name: r.name,
            district: r.district,
            sector: r.sector,
            contractor: r.contractor,
            riskGrade: r.grade,
            openFindings: r.open_findings,
            amountOwed: formatFen(BigInt(r.owed_fen)),
            openCases: r.open_cases,
            worstCaseStep: r.worst === null ? null : (CASE_LEVELS[r.worst - 1] ?? null),
          })),
          total: count?.n ?? 0,
          limit: q.limit,
          offset: q.offset,
        };
      },
    );

    app.get(
      '/v1/projects/:projectId',
      {
        schema: {
          tags: ['projects'],
          summary:
            "A project's page: parties, wage account (masked), pay-date rule and next pay date, risk grade, open findings with their legal basis and evidence, cases, the public notice",
          params: z.object({ projectId: z.string() }),
          response: { 200: projectPage, ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const { projectId } = req.params;
        refuseBanks(principal, 'projects');
        // A project manager's scope is its project ids: another project is 403 whether or not it exists.
        if (principal.role === 'project-manager' && !principal.projectIds.includes(projectId))
          throw new ForbiddenError(`your key does not cover project ${projectId}`);
        const district = await districtOf(deps.db, projectId);
        if (district === undefined)
          throw new NotFoundError(`project ${projectId} is not known to inspection`);
        assertCovers(principal, { projectId, district }, `project ${projectId}`);
        const [p] = await deps.db.query<{ registration: ProjectRegistered; sector: string; name: string }>(
          'SELECT name, sector, registration FROM inspection.projects WHERE project_id = $1',
          [projectId],
        );
        if (!p) throw new NotFoundError(`project ${projectId} is not known to inspection`);
        const r = p.registration;
        const [grade] = await deps.db.query<{ grade: 'A' | 'B' | 'C' | 'D'; inputs: { reasons?: unknown } }>(
          `SELECT grade, inputs FROM inspection.risk_grades WHERE subject_kind = 'project' AND subject_id = $1`,
          [projectId],
        );
        const findings = await deps.db.query<{
          snapshot: {
            findingId: string;
            rule: RuleCode;
            severity: string;
            period?: string;
            dueDate?: string;
            amountOwed?: string;
            worker?: { idNumberMasked: string; name: string };
            raisedAt: string;
            evidence: string[];
          };
        }>(
          `SELECT snapshot FROM inspection.findings WHERE project_id = $1 AND status = 'open'
           ORDER BY raised_at DESC, finding_id`,
          [projectId],
        );
        const cases = await deps.db.query<{
          case_id: string;
          status: 'open' | 'closed';
          level: string;
          opened_at: Date;
        }>(
          'SELECT case_id, status, level, opened_at FROM inspection.cases WHERE project_id = $1 ORDER BY opened_at DESC, case_id',
          [projectId],
        );
        const rule = payDateRule(r.payDay, r.payMonthOffset);
        return {
          projectId,
          name: p.name,
          district,
          sector: p.sector,
          startDate: r.startDate,
          plannedEndDate: r.plannedEndDate,
          contractValue: r.contractValue,
          parties: {
            owner: { name: r.owner.name, creditCode: r.owner.creditCode },
            contractor: { name: r.contractor.name, creditCode: r.contractor.creditCode },
            labourOfficer: r.labourOfficer
              ? { name: r.labourOfficer.name, phone: r.labourOfficer.phone }
              : null,
          },
          wageAccount: {
            bankCode: r.wageAccount.bankCode,
            accountNo: maskAccountLast4(r.wageAccount.accountNo),
          },
          payDateRule: { payDay: r.payDay, payMonthOffset: r.payMonthOffset, text: rule.zh, textEn: rule.en },
          nextPayDate: nextPayDate(shanghaiDate(deps.clock.now()), r, deps.calendar),
          riskGrade: grade
            ? {
                grade: grade.grade,
                reasons: Array.isArray(grade.inputs.reasons) ? (grade.inputs.reasons as string[]) : [],
              }
            : null,
          openFindings: findings.map(({ snapshot: f }) => ({
            findingId: f.findingId,
            rule: f.rule,
            severity: f.severity,
            period: f.period ?? null,
            dueDate: f.dueDate ?? null,
            amount: f.amountOwed ?? null,
            workers: f.worker ? [{ idNumberMasked: f.worker.idNumberMasked, name: f.worker.name }] : [],
            raisedAt: f.raisedAt,
            legalBasis: legalBasisOf(f.rule),
            evidence: f.evidence,
          })),
          cases: cases.map((c) => ({
            caseId: c.case_id,
            status: c.status,
            step: c.level as (typeof CASE_LEVELS)[number],
            openedAt: c.opened_at.toISOString(),
          })),
          publicNoticeUrl: `/public/projects/${encodeURIComponent(projectId)}/notice`,
        };
      },
    );
  };
}

/** `%` and `_` in a search are literal characters, not wildcards. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
