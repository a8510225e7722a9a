import { totalYuanString } from '@wagewatch/contracts';
import type { Database } from '@wagewatch/db';
import {
  addMonths,
  delinquencyOf,
  formatFen,
  NATIONAL_RATE_POLICY,
  periodOf,
  type RatePolicy,
  type RateTotals,
  shanghaiDate,
  totalRates,
} from '@wagewatch/domain';
import { type Clock, ForbiddenError, type Principal, principalOf, problemSchema } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readPeriodRates, type StoredPeriodRate } from './rates.ts';
import { readEvaluationInstant } from './sweep.ts';

/**
 * The payment rates (issue 14): 按时足额发放率, compliance by the configured policy and the list of
 * non-compliant employers, the monthly trend, and delinquent projects. Read from the rates the
 * ledger's evaluation keeps per project and month (`ledger.period_rates`); summed and judged by
 * the domain's rates.ts. Scoped like the cockpit: admin all, inspector their districts, project
 * manager their projects; banks are refused.
 */

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema };
const PERIOD = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM')
  .describe('a pay period (the month the wages are for), YYYY-MM');
const share = z.number().min(0).max(1).nullable();

const totals = z.object({
  projects: z.number().describe('projects with anybody due in the period'),
  workersDue: z.number().describe('payroll lines above zero on the sheets in effect'),
  paidInFullOnTime: z.number(),
  paidAnyOnTime: z.number(),
  paidInFull: z.number().describe('paid in full by now, on time or late'),
  paidAtPolicyShare: z.number().describe("workers who count as paid under the policy's paidShare"),
  amountDue: totalYuanString,
  amountPaidOnTime: totalYuanString,
  amountPaid: totalYuanString,
  onTimeInFull: share.describe('按时足额发放率: paidInFullOnTime ÷ workersDue'),
  onTimeAny: share.describe('paidAnyOnTime ÷ workersDue'),
  amountOnTime: share.describe('amountPaidOnTime ÷ amountDue'),
  policyShare: share.describe('paidAtPolicyShare ÷ workersDue, compared with the policy'),
  compliant: z.boolean().nullable().describe('policyShare ≥ compliantShare; null when nobody was due'),
  compliantProjects: z.number(),
  nonCompliantProjects: z.number(),
  amountRecovered: totalYuanString.describe(
    '追发金额: paid after the due date (amountPaid − amountPaidOnTime)',
  ),
  workersRecovered: z.number().describe('workers paid in full only after the due date'),
});

const bp = (v: number | null) => (v === null ? null : v / 10000);
function totalsJson(t: RateTotals) {
  return {
    projects: t.projects,
    workersDue: t.workersDue,
    paidInFullOnTime: t.paidInFullOnTime,
    paidAnyOnTime: t.paidAnyOnTime,
    paidInFull: t.paidInFull,
    paidAtPolicyShare: t.paidAtPolicyShare,
    amountDue: formatFen(t.amountDue),
    amountPaidOnTime: formatFen(t.amountPaidOnTime),
    amountPaid: formatFen(t.amountPaid),
    onTimeInFull: bp(t.onTimeInFullBp),
    onTimeAny: bp(t.onTimeAnyBp),
    amountOnTime: bp(t.amountOnTimeBp),
    policyShare: bp(t.policyShareBp),
    compliant: t.compliant,
    compliantProjects: t.compliantProjects,
    nonCompliantProjects: t.nonCompliantProjects,
    amountRecovered: formatFen(t.amountRecovered),
    workersRecovered: t.workersRecovered,
  };
}

const policyJson = (p: RatePolicy) => ({
  id: p.id,
  name: p.name,
  compliantShare: p.compliantShareBp / 10000,
  paidShare: p.paidShareBp / 10000,
  sheetDelinquentDays: p.sheetDelinquentDays,
  sheetRedDays: p.sheetRedDays,
  accountIdleDays: p.accountIdleDays,
});
const policySchema = z.object({
  id: z.string(),
  name: z.string(),
  compliantShare: z.number(),
  paidShare: z.number(),
  sheetDelinquentDays: z.number(),
  sheetRedDays: z.number(),
  accountIdleDays: z.number(),
});

type ScopedProject = {
  project_id: string;
  name: string;
  district: string;
  contractor_name: string;
  contractor_code: string;
  start_date: string;
  account_no: string;
};

function scopeOf(principal: Principal, district: string | undefined) {
  const scope = { districts: district ? [district] : null, projectIds: null as string[] | null };
  switch (principal.role) {
    case 'admin':
      return scope;
    case 'inspector':
      if (principal.districts === 'all') return scope;
      if (district && !principal.districts.includes(district))
        throw new ForbiddenError(`your key does not cover district ${district}`);
      return { ...scope, districts: district ? [district] : principal.districts };
    case 'project-manager':
      return { ...scope, projectIds: principal.projectIds };
    default:
      throw new ForbiddenError('the payment rates are for the bureau and the project managers');
  }
}

async function projectsIn(
  db: Database,
  scope: ReturnType<typeof scopeOf>,
  contractor: string | undefined,
): Promise<ScopedProject[]> {
  return db.query<ScopedProject>(
    `SELECT p.project_id, p.terms->>'name' AS name, p.district, p.account_no,
            p.terms->'contractor'->>'name' AS contractor_name, p.terms->'contractor'->>'creditCode' AS contractor_code,
            p.terms->>'startDate' AS start_date
       FROM ledger.projects p
      WHERE ($1::text[] IS NULL OR p.district = ANY($1::text[]))
        AND ($2::text[] IS NULL OR p.project_id = ANY($2::text[]))
        AND ($3::text IS NULL OR p.terms->'contractor'->>'creditCode' = $3::text)
      ORDER BY p.project_id`,
    [scope.districts, scope.projectIds, contractor ?? null],
  );
}

const GROUPS = ['project', 'contractor', 'district'] as const;

export function rateRoutes(deps: {
  db: Database;
  clock: Clock;
  ratePolicy?: RatePolicy;
}): FastifyPluginAsync {
  const { db, clock } = deps;
  const policy = deps.ratePolicy ?? NATIONAL_RATE_POLICY;
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/v1/rates',
      {
        schema: {
          tags: ['rates'],
          summary:
            '按时足额发放率 and compliance for a pay period, summed and by project, employer or district (scoped)',
          description:
            'Per pay period (the month the wages are for; default: the latest period with a rate in scope), over the payroll ' +
            "lines above zero of each project's sheet in effect whose due date has ended (holiday-aware, Asia/Shanghai): how " +
            'many workers were paid their net in full by the end of the due date, paid anything by then, paid in full by now, ' +
            'and the amounts. Payments count as the ledger allocates them for the findings (to the worker’s registered card, ' +
            'oldest month first) and as the bank has reported them. compliant: the share of workers who received at least the ' +
            "policy's paidShare of their net by the due date is at least its compliantShare (the policy is configuration, " +
            'WAGEWATCH_RATE_POLICY). nonCompliantEmployers: the employers (contractors) not compliant for the period. Figures ' +
            "are as of the ledger's last evaluation of each project (evaluatedAsOf).",
          querystring: z.object({
            period: PERIOD.optional(),
            district: z.string().min(1).optional(),
            groupBy: z.enum(GROUPS).default('project'),
          }),
          response: {
            200: z.object({
              period: z.string().nullable().describe('null when nothing in scope has a rate yet'),
              evaluatedAsOf: z.string().nullable(),
              policy: policySchema,
              total: totals,
              groups: z.array(
                totals.extend({
                  key: z.string(),
                  name: z.string(),
                  district: z.string().nullable(),
                  dueDate: z
                    .string()
                    .nullable()
                    .describe('a project’s due date for the period (groupBy=project)'),
                }),
              ),
              nonCompliantEmployers: z.array(
                z.object({
                  creditCode: z.string(),
                  name: z.string(),
                  projects: z.number(),
                  workersDue: z.number(),
                  policyShare: share,
                }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const scope = scopeOf(principalOf(req), req.query.district);
        const projects = await projectsIn(db, scope, undefined);
        const ids = projects.map((p) => p.project_id);
        const period = req.query.period ?? (await latestPeriod(db, ids));
        const evaluated = await readEvaluationInstant(db);
        const rows = period ? await readPeriodRates(db, ids, period, period) : [];
        const byId = new Map(projects.map((p) => [p.project_id, p]));
        const groupKey = (r: StoredPeriodRate) => {
          const p = byId.get(r.projectId)!;
          switch (req.query.groupBy) {
            case 'project':
              return { key: p.project_id, name: p.name, district: p.district, dueDate: r.dueDate };
            case 'contractor':
              return { key: p.contractor_code, name: p.contractor_name, district: null, dueDate: null };
            case 'district':
              return { key: p.district, name: p.district, district: p.district, dueDate: null };
          }
        };
        const groups = new Map<string, { head: ReturnType<typeof groupKey>; rows: StoredPeriodRate[] }>();
        for (const r of rows) {
          const head = groupKey(r);
          const g = groups.get(head.key) ?? { head, rows: [] };
          g.rows.push(r);
          groups.set(head.key, g);
        }
        const employers = new Map<string, { name: string; rows: StoredPeriodRate[] }>();
        for (const r of rows) {
          const p = byId.get(r.projectId)!;
          const e = employers.get(p.contractor_code) ?? { name: p.contractor_name, rows: [] };
          e.rows.push(r);
          employers.set(p.contractor_code, e);
        }
        return {
          period: period ?? null,
          evaluatedAsOf: evaluated.getTime() === 0 ? null : evaluated.toISOString(),
          policy: policyJson(policy),
          total: totalsJson(totalRates(rows, policy)),
          groups: [...groups.values()].map((g) => ({ ...g.head, ...totalsJson(totalRates(g.rows, policy)) })),
          nonCompliantEmployers: [...employers]
            .map(([creditCode, e]) => ({ creditCode, name: e.name, t: totalRates(e.rows, policy) }))
            .filter((e) => e.t.compliant === false)
            .sort((a, b) => (a.t.policyShareBp ?? 0) - (b.t.policyShareBp ?? 0))
            .map((e) => ({
              creditCode: e.creditCode,
              name: e.name,
              projects: e.t.projects,
              workersDue: e.t.workersDue,
              policyShare: bp(e.t.policyShareBp),
            })),
        };
      },
    );

    app.get(
      '/v1/rates/trend',
      {
        schema: {
          tags: ['rates'],
          summary:
            'The monthly trend of the rates and of compliance (scoped; a district or an employer optional)',
          description:
            'One entry per pay period from `months` periods back through the latest period with a rate in scope, each summed ' +
            'as in GET /v1/rates (a period with nobody due has nulls).',
          querystring: z.object({
            months: z.coerce.number().int().min(1).max(36).default(12),
            district: z.string().min(1).optional(),
            contractor: z.string().min(1).optional().describe("an employer's unified social credit code"),
          }),
          response: {
            200: z.object({
              policy: policySchema,
              periods: z.array(totals.extend({ period: z.string() })),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const scope = scopeOf(principalOf(req), req.query.district);
        const ids = (await projectsIn(db, scope, req.query.contractor)).map((p) => p.project_id);
        const last = (await latestPeriod(db, ids)) ?? periodOf(shanghaiDate(clock.now()));
        const first = addMonths(last, 1 - req.query.months);
        const rows = await readPeriodRates(db, ids, first, last);
        const periods: string[] = [];
        for (let p = first; p <= last; p = addMonths(p, 1)) periods.push(p);
        return {
          policy: policyJson(policy),
          periods: periods.map((period) => ({
            period,
            ...totalsJson(
              totalRates(
                rows.filter((r) => r.period === period),
                policy,
              ),
            ),
          })),
        };
      },
    );

    app.get(
      '/v1/rates/delinquency',
      {
        schema: {
          tags: ['rates'],
          summary: 'Projects whose payroll record is old, and wage accounts gone quiet (scoped)',
          description:
            "sheet: 'delinquent' when the last payroll sheet was submitted sheetDelinquentDays or more days ago (Asia/Shanghai " +
            "days; since the project's start when it has none), 'red' at sheetRedDays (LCPtracker's 42 and 84 by default). " +
            'accountIdle: no movement reported on the wage account for accountIdleDays. Only the projects with either are ' +
            'listed unless all=true; the oldest record first.',
          querystring: z.object({
            district: z.string().min(1).optional(),
            all: z
              .enum(['true', 'false'])
              .default('false')
              .transform((v) => v === 'true'),
          }),
          response: {
            200: z.object({
              asOf: z.string(),
              policy: policySchema,
              counts: z.object({ delinquent: z.number(), red: z.number(), accountIdle: z.number() }),
              projects: z.array(
                z.object({
                  projectId: z.string(),
                  name: z.string(),
                  district: z.string(),
                  contractor: z.string(),
                  lastSheetOn: z.string().nullable(),
                  sheetAgeDays: z.number(),
                  sheet: z.enum(['ok', 'delinquent', 'red']),
                  lastMovementOn: z.string().nullable(),
                  accountQuietDays: z.number(),
                  accountIdle: z.boolean(),
                }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const scope = scopeOf(principalOf(req), req.query.district);
        const projects = await projectsIn(db, scope, undefined);
        const now = clock.now();
        const last = await db.query<{
          project_id: string;
          last_sheet_at: Date | null;
          last_movement_at: Date | null;
        }>(
          `SELECT p.project_id,
                  (SELECT max(s.submitted_at) FROM ledger.payroll_sheets s WHERE s.project_id = p.project_id AND s.submitted_at <= $2) AS last_sheet_at,
                  (SELECT max(t.booked_at) FROM ledger.transfers t WHERE t.account_no = p.account_no AND t.booked_at <= $2) AS last_movement_at
             FROM ledger.projects p WHERE p.project_id = ANY($1::text[])`,
          [projects.map((p) => p.project_id), now],
        );
        const lastOf = new Map(last.map((r) => [r.project_id, r]));
        const all = projects.map((p) => {
          const l = lastOf.get(p.project_id);
          const d = delinquencyOf(
            {
              startDate: p.start_date,
              lastSheetAt: l?.last_sheet_at ?? null,
              lastMovementAt: l?.last_movement_at ?? null,
            },
            now,
            policy,
          );
          return {
            projectId: p.project_id,
            name: p.name,
            district: p.district,
            contractor: p.contractor_name,
            ...d,
          };
        });
        return {
          asOf: now.toISOString(),
          policy: policyJson(policy),
          counts: {
            delinquent: all.filter((p) => p.sheet === 'delinquent').length,
            red: all.filter((p) => p.sheet === 'red').length,
            accountIdle: all.filter((p) => p.accountIdle).length,
          },
          projects: all
            .filter((p) => req.query.all || p.sheet !== 'ok' || p.accountIdle)
            .sort((a, b) => b.sheetAgeDays - a.sheetAgeDays || a.projectId.localeCompare(b.projectId)),
        };
      },
    );
  };
}

async function latestPeriod(db: Database, projectIds: readonly string[]): Promise<string | undefined> {
  if (projectIds.length === 0) return undefined;
  const [row] = await db.query<{ period: string | null }>(
    'SELECT max(period) AS period FROM ledger.period_rates WHERE project_id = ANY($1::text[])',
    [projectIds],
  );
  return row?.period ?? undefined;
}
