import type { NewEvent } from '@wagewatch/bus';
import type { Sql } from '@wagewatch/db';
import {
  compareDates,
  DEFAULT_PATROL_POLICY,
  PATROL_CHECKLIST,
  patrolQuarter,
  patrolQuarterOf,
  RISK_GRADES,
  shanghaiDate,
  validatePatrolVisit,
} from '@wagewatch/domain';
import {
  actorOf,
  ForbiddenError,
  NotFoundError,
  type Principal,
  principalOf,
  problemSchema,
  requireRole,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type InspectionContext, problems } from '../context.ts';
import { assertFilter, scopeRows, where } from '../scope.ts';
import { evaluateDirty } from '../sweep.ts';
import {
  assignableInspectors,
  loadPatrol,
  PATROL_SELECT,
  type PatrolRow,
  recordVisit,
  registeredOn,
  resolvePatrolFinding,
} from './repository.ts';

const CHECK_ITEMS = PATROL_CHECKLIST.map((c) => c.item) as [
  (typeof PATROL_CHECKLIST)[number]['item'],
  ...(typeof PATROL_CHECKLIST)[number]['item'][],
];

const patrolSummary = z.object({
  patrolId: z.string(),
  quarter: z.string(),
  district: z.string(),
  employer: z.object({ name: z.string(), code: z.string() }),
  workers: z.number().describe('registered workers on its projects in the district when planned'),
  riskGrade: z.enum(RISK_GRADES as [string, ...string[]]).nullable(),
  slot: z.number(),
  visits: z.number().describe('visits planned for the employer this quarter'),
  assignee: z.string().nullable().describe("the inspector's login; null: for the district's lead to assign"),
  dueOn: z.string(),
  overdue: z.boolean(),
  status: z.enum(['planned', 'visited']),
  visitedOn: z.string().nullable(),
  findingId: z.string().nullable(),
  findingStatus: z.enum(['open', 'resolved']).nullable(),
});
const patrolDetail = patrolSummary.extend({
  projects: z.array(
    z.object({
      projectId: z.string(),
      name: z.string(),
      workers: z.number().describe('registered when planned'),
      registeredToday: z.number(),
    }),
  ),
  warnings: z.array(z.string()),
  checklist: z.array(z.object({ item: z.enum(CHECK_ITEMS), zh: z.string() })),
  /** Who the visit may be given to: the district's inspectors and the city-wide ones. */
  inspectors: z.array(z.string()),
  visit: z
    .object({
      visitedOn: z.string(),
      projectId: z.string(),
      workersCounted: z.number(),
      registeredOnDay: z.number(),
      checks: z.array(z.object({ item: z.enum(CHECK_ITEMS), ok: z.boolean(), note: z.string() })),
      problems: z.string(),
      raiseFinding: z.boolean(),
      visitedAt: z.string(),
      visitedBy: z.string(),
      resolution: z.object({ at: z.string(), by: z.string(), note: z.string() }).optional(),
    })
    .nullable(),
});

const summaryOf = (p: PatrolRow, today: string) => ({
  patrolId: p.patrol_id,
  quarter: p.quarter,
  district: p.district,
  employer: { name: p.employer_name, code: p.employer_code },
  workers: p.workers,
  riskGrade: p.risk_grade,
  slot: p.slot,
  visits: p.visits,
  assignee: p.assignee,
  dueOn: p.due_on,
  overdue: p.status === 'planned' && compareDates(p.due_on, today) < 0,
  status: p.status,
  visitedOn: p.visit?.visitedOn ?? null,
  findingId: p.finding_id,
  findingStatus: p.finding_status,
});

/** Patrols are the bureau's: inspectors of the patrol's district and admins. */
function assertMaySee(principal: Principal, p: { district: string; patrol_id: string }): void {
  if (principal.role === 'admin') return;
  if (principal.role !== 'inspector') throw new ForbiddenError('patrols are for inspectors');
  if (principal.districts !== 'all' && !principal.districts.includes(p.district))
    throw new ForbiddenError(`your key does not cover patrol ${p.patrol_id} (${p.district})`);
}

/**
 * 日常巡查 (issue 14 §4): each inspector's plan of routine visits, the district's plan, the record
 * of a visit (which can raise a `patrol-finding` on the project visited), the finding's
 * correction, and the assignment of a visit to another inspector of the district.
 */
export function patrolRoutes(deps: InspectionContext): FastifyPluginAsync {
  const today = () => shanghaiDate(deps.clock.now());
  const load = async (principal: Principal, patrolId: string, tx: Sql = deps.db, lock = false) => {
    const p = await loadPatrol(tx, patrolId, lock);
    if (!p) throw new NotFoundError(`patrol ${patrolId} does not exist`);
    assertMaySee(principal, p);
    return p;
  };
  const detail = async (principal: Principal, patrolId: string) => {
    const p = await load(principal, patrolId);
    const day = today();
    const projects = [];
    for (const x of p.projects)
      projects.push({ ...x, registeredToday: await registeredOn(deps.db, x.projectId, day) });
    const { visit } = p;
    return {
      ...summaryOf(p, day),
      projects,
      warnings: p.warnings,
      checklist: PATROL_CHECKLIST.map((c) => ({ item: c.item, zh: c.zh })),
      inspectors: await assignableInspectors(deps.db, p.district),
      visit: visit
        ? {
            ...visit,
            visitedAt: p.visited_at?.toISOString() ?? '',
            visitedBy: p.visited_by ?? '',
          }
        : null,
    };
  };
  /** A command on a locked patrol with its events, then the cases it marked are evaluated. */
  const command = async (
    principal: Principal,
    patrolId: string,
    fn: (tx: Sql, emit: (e: NewEvent) => void, p: PatrolRow) => Promise<unknown>,
  ) => {
    requireRole(principal, 'inspector', 'admin');
    await deps.outbox.unitOfWork(deps.db, async (tx, emit) =>
      fn(tx, emit, await load(principal, patrolId, tx, true)),
    );
    await evaluateDirty(deps);
    return detail(principal, patrolId);
  };

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/patrols',
      {
        schema: {
          tags: ['patrols'],
          summary: "日常巡查: a quarter's patrol plan in your districts (mine=true: the visits given to you)",
          description:
            'The sweep draws the plan (docs/adr/0034): every general contractor with at least `minWorkers` registered ' +
            'workers in a district, visited `visitsByGrade` times a quarter by its risk grade, spread over the ' +
            "district's inspectors. `overdue`: planned and past its due date.",
          querystring: z.object({
            quarter: z
              .string()
              .regex(/^\d{4}-Q[1-4]$/)
              .optional()
              .describe('e.g. 2026-Q4; default the current quarter'),
            district: z.string().optional(),
            mine: z.enum(['true', 'false']).optional(),
            status: z.enum(['planned', 'visited']).optional(),
          }),
          response: {
            200: z.object({
              quarter: z.string(),
              today: z.string().describe("the system's Shanghai date (a visit is recorded on or before it)"),
              policy: z.object({
                minWorkers: z.number(),
                visitsByGrade: z.record(z.string(), z.number()),
              }),
              summary: z.object({
                planned: z.number(),
                visited: z.number(),
                overdue: z.number(),
                unassigned: z.number(),
              }),
              patrols: z.array(patrolSummary),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'inspector', 'admin');
        const q = req.query;
        assertFilter(principal, q);
        const day = today();
        const quarter = q.quarter ?? patrolQuarter(day).key;
        const w = where();
        scopeRows(principal, w, 'patrols', { district: 't.district', projectId: null });
        w.add('t.quarter = ?', quarter);
        if (q.district) w.add('t.district = ?', q.district);
        if (q.mine === 'true') w.add('t.assignee = ?', principal.user?.login ?? principal.keyId);
        const rows = await deps.db.query<PatrolRow>(
          `${PATROL_SELECT} ${w.clause()} ORDER BY t.due_on, t.district, t.employer_name, t.slot`,
          w.params,
        );
        const all = rows.map((r) => summaryOf(r, day));
        const policy = deps.patrols ?? DEFAULT_PATROL_POLICY;
        return {
          quarter,
          today: day,
          policy: { minWorkers: policy.minWorkers, visitsByGrade: { ...policy.visitsByGrade } },
          summary: {
            planned: all.length,
            visited: all.filter((p) => p.status === 'visited').length,
            overdue: all.filter((p) => p.overdue).length,
            unassigned: all.filter((p) => p.assignee === null).length,
          },
          patrols: q.status ? all.filter((p) => p.status === q.status) : all,
        };
      },
    );

    app.get(
      '/v1/patrols/:patrolId',
      {
        schema: {
          tags: ['patrols'],
          summary:
            "One patrol visit: the employer's projects and registry, the checklist, the record once made",
          params: z.object({ patrolId: z.string() }),
          response: { 200: patrolDetail, ...problems },
        },
      },
      async (req) => detail(principalOf(req), req.params.patrolId),
    );

    app.post(
      '/v1/patrols/:patrolId/visit',
      {
        schema: {
          tags: ['patrols'],
          summary:
            'Record a patrol visit: headcount against the registry, the checklist, problems; may raise a finding',
          description:
            'Every checklist item answered once (`ok` false needs a `note`); `raiseFinding` raises a `patrol-finding` on ' +
            'the project visited (it enters the case and the ladder like any finding) and needs `problems`. ' +
            '400 names each field; 409 when the visit is already recorded.',
          params: z.object({ patrolId: z.string() }),
          body: z.object({
            visitedOn: z.string().optional(),
            projectId: z.string().optional(),
            workersCounted: z.number().optional(),
            checks: z
              .array(z.object({ item: z.string(), ok: z.boolean().optional(), note: z.string().optional() }))
              .max(20)
              .optional(),
            problems: z.string().max(4000).optional(),
            raiseFinding: z.boolean().optional(),
          }),
          response: { 200: patrolDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const at = deps.clock.now();
        const d = await command(principal, req.params.patrolId, async (tx, emit, p) => {
          const r = validatePatrolVisit(
            req.body,
            {
              projectIds: p.projects.map((x) => x.projectId),
              quarterFirstDay: patrolQuarterOf(p.quarter).firstDay,
            },
            shanghaiDate(at),
          );
          if (!r.ok)
            throw new ValidationError(
              `巡查记录有 ${r.errors.length} 处需要修改 (the visit record is not valid: ${r.errors.map((e) => e.field).join(', ')})`,
              r.errors,
            );
          await recordVisit(tx, emit, p, r.record, actorOf(principal), at);
        });
        req.log.info(
          { patrol: 'visited', patrolId: d.patrolId, finding: d.findingId },
          'patrol visit recorded',
        );
        return d;
      },
    );

    app.post(
      '/v1/patrols/:patrolId/resolve',
      {
        schema: {
          tags: ['patrols'],
          summary: "A visit's finding corrected: resolved, with the inspector's note",
          params: z.object({ patrolId: z.string() }),
          body: z.object({ note: z.string().trim().min(1).max(2000) }),
          response: { 200: patrolDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const at = deps.clock.now();
        return command(principal, req.params.patrolId, (tx, emit, p) =>
          resolvePatrolFinding(tx, emit, p, req.body.note, actorOf(principal), at),
        );
      },
    );

    app.post(
      '/v1/patrols/:patrolId/assign',
      {
        schema: {
          tags: ['patrols'],
          summary: 'Give a planned visit to another inspector of its district, or a city-wide one (by login)',
          params: z.object({ patrolId: z.string() }),
          body: z.object({ assignee: z.string().min(1) }),
          response: { 200: patrolDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        return command(principal, req.params.patrolId, async (tx, _emit, p) => {
          if (p.status === 'visited')
            throw new ValidationError('the visit is recorded: it stays with who made it', [
              { field: 'assignee', message: 'already visited' },
            ]);
          const inspectors = await assignableInspectors(tx, p.district);
          if (!inspectors.includes(req.body.assignee))
            throw new ValidationError(`${req.body.assignee} is not an inspector of ${p.district}`, [
              { field: 'assignee', message: `one of: ${inspectors.join(', ') || '(none)'}` },
            ]);
          await tx.query('UPDATE inspection.patrols SET assignee = $2 WHERE patrol_id = $1', [
            p.patrol_id,
            req.body.assignee,
          ]);
        });
      },
    );
  };
}
