import { randomUUID } from 'node:crypto';
import {
  CASE_LEVELS,
  type FindingSnapshot,
  findingSnapshot,
  localDateString,
  SEVERITIES,
  TASK_KINDS,
  TASK_STATUSES,
  TOPICS,
} from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  DEFAULT_CAMPAIGN_CONFIG,
  DEFAULT_LADDER_CONFIG,
  RISK_GRADES,
  shanghaiDate,
  winterCampaign,
  winterSeverity,
} from '@wagewatch/domain';
import {
  type Clock,
  ConflictError,
  canSeeProject,
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
import {
  CASE_COLUMNS,
  type CaseRow,
  evaluateCase,
  history,
  TASK_COLUMNS,
  type TaskRow,
  TERMINAL_TASK,
  taskAudit,
  taskEventOf,
} from './cases.ts';
import { type InspectionContext, readEvaluationInstant, sweep } from './sweep.ts';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
const iso = z.string();

const caseSummary = z.object({
  caseId: z.string(),
  projectId: z.string(),
  employer: z.object({ kind: z.enum(['contractor', 'bank', 'owner']), name: z.string(), code: z.string() }),
  routing: z.object({
    team: z.string(),
    sector: z.string(),
    coRegulator: z.string().nullable(),
    policeLiaison: z.boolean(),
  }),
  status: z.enum(['open', 'closed']),
  level: z.enum(CASE_LEVELS),
  cycle: z.number(),
  openedAt: iso,
  closedAt: iso.nullable(),
  reopenedAt: iso.nullable(),
  /** The date of the next ladder step. */
  deadline: localDateString.nullable(),
  /** Set while an accepted justification pauses the ladder. */
  pausedUntil: localDateString.nullable(),
  openFindings: z.number(),
  /** The highest severity of the open findings, wage findings one step higher during the winter campaign. */
  maxSeverity: z.enum(SEVERITIES).nullable(),
  /** Whether the winter campaign is on (severities raised, deadline by the festival's eve). */
  winterCampaign: z.boolean(),
});
const taskAuditEntry = z.object({
  at: iso,
  actor: z.string(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  note: z.string().nullable(),
});
const taskView = z.object({
  taskId: z.string(),
  caseId: z.string(),
  projectId: z.string(),
  district: z.string(),
  kind: z.enum(TASK_KINDS),
  status: z.enum(TASK_STATUSES),
  assignee: z.string().nullable(),
  dueOn: localDateString,
  overdue: z.boolean(),
  openedAt: iso,
  updatedAt: iso,
  closedAt: iso.nullable(),
  trail: z.array(taskAuditEntry),
});
const justificationView = z.object({
  justificationId: z.string(),
  cycle: z.number(),
  text: z.string(),
  submittedBy: z.string(),
  submittedAt: iso,
  decision: z.enum(['accepted', 'rejected']).nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: iso.nullable(),
  reason: z.string().nullable(),
  pausedUntil: localDateString.nullable(),
});
const historyEntry = z.object({
  at: iso,
  actor: z.string(),
  action: z.string(),
  stepKey: z.string().nullable(),
  note: z.string().nullable(),
});
const caseDetail = caseSummary.extend({
  findings: z.array(findingSnapshot),
  history: z.array(historyEntry),
  tasks: z.array(taskView),
  justifications: z.array(justificationView),
});
const riskView = z.object({
  subject: z.enum(['project', 'employer']),
  id: z.string(),
  grade: z.enum(RISK_GRADES),
  score: z.number(),
  computedAt: iso,
  inputs: z.record(z.string(), z.unknown()),
});

const SEVERITY_ORDER = [...SEVERITIES];
const toIso = (d: Date | null) => (d ? d.toISOString() : null);

/** SQL conditions limiting cases (or tasks: same columns) to what a principal may see. */
function scopeOf(principal: Principal, add: (sql: string, v: unknown) => void, what: string): void {
  switch (principal.role) {
    case 'admin':
      return;
    case 'inspector':
      if (principal.districts !== 'all') add('district = ANY(?::text[])', principal.districts);
      return;
    case 'project-manager':
      add('project_id = ANY(?::text[])', principal.projectIds);
      return;
    case 'bank':
      throw new ForbiddenError(`banks do not see ${what}`);
  }
}

function builder() {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  return { where, params, add, clause: () => (where.length ? `WHERE ${where.join(' AND ')}` : '') };
}

async function summaries(tx: Sql, rows: CaseRow[], winter: boolean): Promise<z.infer<typeof caseSummary>[]> {
  if (!rows.length) return [];
  const stats = await tx.query<{ case_id: string; open: bigint; severities: string[] | null }>(
    `SELECT cf.case_id, count(*) FILTER (WHERE f.status = 'open') AS open,
       array_agg(DISTINCT f.rule || ':' || (f.snapshot->>'severity')) FILTER (WHERE f.status = 'open') AS severities
     FROM inspection.case_findings cf JOIN inspection.findings f ON f.finding_id = cf.finding_id
     WHERE cf.case_id = ANY($1::text[]) GROUP BY cf.case_id`,
    [rows.map((r) => r.case_id)],
  );
  const byCase = new Map(stats.map((s) => [s.case_id, s]));
  return rows.map((r) => {
    const s = byCase.get(r.case_id);
    const sev = (s?.severities ?? []).map((x) => {
      const [rule = '', severity] = x.split(':');
      return winterSeverity(rule, severity as (typeof SEVERITIES)[number], winter);
    });
    const maxSeverity = sev.length
      ? (sev.reduce((a, b) => (SEVERITY_ORDER.indexOf(b) > SEVERITY_ORDER.indexOf(a) ? b : a)) ?? null)
      : null;
    return {
      caseId: r.case_id,
      projectId: r.project_id,
      employer: { kind: r.employer_kind, name: r.employer_name, code: r.employer_code },
      routing: {
        team: r.district,
        sector: r.sector,
        coRegulator: r.co_regulator,
        policeLiaison: r.police_liaison,
      },
      status: r.status,
      level: r.level,
      cycle: r.cycle,
      openedAt: r.opened_at.toISOString(),
      closedAt: toIso(r.closed_at),
      reopenedAt: toIso(r.reopened_at),
      deadline: r.deadline,
      pausedUntil: r.paused_until,
      openFindings: Number(s?.open ?? 0n),
      maxSeverity,
      winterCampaign: winter,
    };
  });
}

async function tasksWithTrail(tx: Sql, rows: TaskRow[], today: string): Promise<z.infer<typeof taskView>[]> {
  if (!rows.length) return [];
  const trail = await tx.query<{
    task_id: string;
    at: Date;
    actor: string;
    action: string;
    from_status: string | null;
    to_status: string | null;
    note: string | null;
  }>(
    `SELECT task_id, at, actor, action, from_status, to_status, note FROM inspection.task_events
     WHERE task_id = ANY($1::text[]) ORDER BY id`,
    [rows.map((r) => r.task_id)],
  );
  return rows.map((t) => ({
    taskId: t.task_id,
    caseId: t.case_id,
    projectId: t.project_id,
    district: t.district,
    kind: t.kind,
    status: t.status,
    assignee: t.assignee,
    dueOn: t.due_on,
    overdue: !TERMINAL_TASK.includes(t.status) && t.due_on < today,
    openedAt: t.opened_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
    closedAt: toIso(t.closed_at),
    trail: trail
      .filter((e) => e.task_id === t.task_id)
      .map((e) => ({
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        note: e.note,
      })),
  }));
}

/** The task transitions an inspector may make: allowed from-statuses, the new status, the event. */
const TRANSITIONS = {
  assign: { from: ['open', 'assigned', 'in-progress'], to: 'assigned', event: 'task.assigned' },
  progress: { from: ['assigned', 'in-progress'], to: 'in-progress', event: 'task.progressed' },
  resolve: { from: ['assigned', 'in-progress'], to: 'resolved', event: 'task.resolved' },
  close: { from: ['open', 'assigned', 'in-progress'], to: 'closed', event: 'task.closed' },
} as const;
const PAST = { assign: 'assigned', progress: 'progressed', resolve: 'resolved', close: 'closed' } as const;

export function caseRoutes(deps: InspectionContext & { clock: Clock }): FastifyPluginAsync {
  const ladder = deps.ladder ?? DEFAULT_LADDER_CONFIG;
  /** The instant API actions are stamped with. */
  const now = () => deps.clock.now();
  /** The instant the ladder is evaluated at after an API action: the sweeps' instant (monotonic). */
  const evaluationInstant = async (tx: Sql) => {
    const i = await readEvaluationInstant(tx);
    return i.getTime() > 0 ? i : now();
  };

  const winterOn = async (tx: Sql) =>
    winterCampaign(await evaluationInstant(tx), deps.calendar, deps.campaigns ?? DEFAULT_CAMPAIGN_CONFIG)
      .active;

  async function loadCase(tx: Sql, principal: Principal, caseId: string): Promise<CaseRow> {
    if (principal.role === 'bank') throw new ForbiddenError('banks do not see cases');
    const [row] = await tx.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM inspection.cases WHERE case_id = $1`, [
      caseId,
    ]);
    if (!row) throw new NotFoundError(`case ${caseId} does not exist`);
    if (!canSeeProject(principal, { projectId: row.project_id, district: row.district })) {
      throw new ForbiddenError(`your key does not cover case ${caseId}`);
    }
    return row;
  }

  async function loadTask(tx: Sql, principal: Principal, taskId: string, lock = false): Promise<TaskRow> {
    requireRole(principal, 'inspector', 'admin');
    const [row] = await tx.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM inspection.tasks WHERE task_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [taskId],
    );
    if (!row) throw new NotFoundError(`task ${taskId} does not exist`);
    if (!canSeeProject(principal, { projectId: row.project_id, district: row.district })) {
      throw new ForbiddenError(`your key does not cover task ${taskId}`);
    }
    return row;
  }

  async function detail(tx: Sql, row: CaseRow): Promise<z.infer<typeof caseDetail>> {
    const [summary] = await summaries(tx, [row], await winterOn(tx));
    const findings = await tx.query<{ snapshot: FindingSnapshot }>(
      `SELECT f.snapshot FROM inspection.case_findings cf JOIN inspection.findings f ON f.finding_id = cf.finding_id
       WHERE cf.case_id = $1 ORDER BY f.raised_at, f.finding_id`,
      [row.case_id],
    );
    const hist = await tx.query<{
      at: Date;
      actor: string;
      action: string;
      step_key: string | null;
      note: string | null;
    }>(
      'SELECT at, actor, action, step_key, note FROM inspection.case_history WHERE case_id = $1 ORDER BY id',
      [row.case_id],
    );
    const tasks = await tx.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM inspection.tasks WHERE case_id = $1 ORDER BY opened_at, task_id`,
      [row.case_id],
    );
    const js = await tx.query<{
      justification_id: string;
      cycle: number;
      text: string;
      submitted_by: string;
      submitted_at: Date;
      decision: 'accepted' | 'rejected' | null;
      decided_by: string | null;
      decided_at: Date | null;
      reason: string | null;
      paused_until: string | null;
    }>(
      `SELECT justification_id, cycle, text, submitted_by, submitted_at, decision, decided_by, decided_at, reason,
         paused_until::text AS paused_until FROM inspection.justifications WHERE case_id = $1 ORDER BY submitted_at, justification_id`,
      [row.case_id],
    );
    return {
      ...summary!,
      findings: findings.map((f) => f.snapshot),
      history: hist.map((h) => ({
        at: h.at.toISOString(),
        actor: h.actor,
        action: h.action,
        stepKey: h.step_key,
        note: h.note,
      })),
      tasks: await tasksWithTrail(tx, tasks, shanghaiDate(await evaluationInstant(tx))),
      justifications: js.map((j) => ({
        justificationId: j.justification_id,
        cycle: j.cycle,
        text: j.text,
        submittedBy: j.submitted_by,
        submittedAt: j.submitted_at.toISOString(),
        decision: j.decision,
        decidedBy: j.decided_by,
        decidedAt: toIso(j.decided_at),
        reason: j.reason,
        pausedUntil: j.paused_until,
      })),
    };
  }

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
        if (principal.role === 'inspector' && principal.districts !== 'all' && q.district) {
          if (!principal.districts.includes(q.district))
            throw new ForbiddenError(`your key does not cover district ${q.district}`);
        }
        if (
          principal.role === 'project-manager' &&
          q.projectId &&
          !principal.projectIds.includes(q.projectId)
        ) {
          throw new ForbiddenError(`your key does not cover project ${q.projectId}`);
        }
        const b = builder();
        scopeOf(principal, b.add, 'cases');
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
          cases: await summaries(deps.db, rows, await winterOn(deps.db)),
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
        return detail(deps.db, row);
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
        if (principal.role === 'bank') throw new ForbiddenError('banks do not see cases');
        const [p] = await deps.db.query<{ district: string }>(
          'SELECT district FROM inspection.projects WHERE project_id = $1',
          [projectId],
        );
        if (!p) throw new NotFoundError(`project ${projectId} is not known to inspection`);
        if (!canSeeProject(principal, { projectId, district: p.district }))
          throw new ForbiddenError(`your key does not cover project ${projectId}`);
        const rows = await deps.db.query<CaseRow>(
          `SELECT ${CASE_COLUMNS} FROM inspection.cases WHERE project_id = $1 ORDER BY opened_at DESC, case_id`,
          [projectId],
        );
        return { projectId, cases: await summaries(deps.db, rows, await winterOn(deps.db)) };
      },
    );

    app.post(
      '/v1/cases/:caseId/justifications',
      {
        schema: {
          tags: ['cases'],
          summary: "The project manager's justification of a delay (one pending at a time)",
          params: z.object({ caseId: z.string() }),
          body: z.object({ text: z.string().trim().min(1).max(4000) }),
          response: { 201: justificationView, ...problems, 409: problemSchema },
        },
      },
      async (req, reply) => {
        const principal = principalOf(req);
        if (principal.role !== 'project-manager') {
          throw new ForbiddenError(
            'only the project manager of the case’s project may submit a justification',
          );
        }
        const at = now();
        const created = await deps.outbox.unitOfWork(deps.db, async (tx) => {
          const row = await loadCase(tx, principal, req.params.caseId);
          await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`inspection:case:${row.case_key}`]);
          if (row.status !== 'open') throw new ConflictError(`case ${row.case_id} is closed`);
          const [pending] = await tx.query<{ n: bigint }>(
            'SELECT count(*) AS n FROM inspection.justifications WHERE case_id = $1 AND decision IS NULL',
            [row.case_id],
          );
          if (Number(pending?.n ?? 0n) > 0)
            throw new ConflictError(`case ${row.case_id} already has a justification awaiting a decision`);
          const id = randomUUID();
          await tx.query(
            `INSERT INTO inspection.justifications (justification_id, case_id, cycle, text, submitted_by, submitted_at)
             VALUES ($1,$2,$3,$4,$5,$6)`,
            [id, row.case_id, row.cycle, req.body.text, principal.keyId, at],
          );
          await history(tx, {
            caseId: row.case_id,
            at,
            actor: principal.keyId,
            action: 'justification-submitted',
            note: req.body.text,
          });
          return { id, cycle: row.cycle };
        });
        reply.code(201);
        return {
          justificationId: created.id,
          cycle: created.cycle,
          text: req.body.text,
          submittedBy: principal.keyId,
          submittedAt: at.toISOString(),
          decision: null,
          decidedBy: null,
          decidedAt: null,
          reason: null,
          pausedUntil: null,
        };
      },
    );

    app.post(
      '/v1/cases/:caseId/justifications/:justificationId/decision',
      {
        schema: {
          tags: ['cases'],
          summary:
            "An inspector's decision on a justification; an accepted one pauses the ladder (to pauseUntil, default 10 working days)",
          params: z.object({ caseId: z.string(), justificationId: z.uuid() }),
          body: z.object({
            decision: z.enum(['accepted', 'rejected']),
            reason: z.string().trim().min(1).max(4000),
            pauseUntil: localDateString.optional(),
          }),
          response: { 200: caseDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'inspector', 'admin');
        const at = now();
        const row = await deps.outbox.unitOfWork(deps.db, async (tx, emit) => {
          const c = await loadCase(tx, principal, req.params.caseId);
          await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`inspection:case:${c.case_key}`]);
          const [j] = await tx.query<{ decision: string | null }>(
            'SELECT decision FROM inspection.justifications WHERE justification_id = $1 AND case_id = $2',
            [req.params.justificationId, c.case_id],
          );
          if (!j)
            throw new NotFoundError(
              `justification ${req.params.justificationId} is not on case ${c.case_id}`,
            );
          if (j.decision)
            throw new ConflictError(`justification ${req.params.justificationId} is already ${j.decision}`);
          const asOf = await evaluationInstant(tx);
          let pausedUntil: string | null = null;
          if (req.body.decision === 'accepted') {
            const today = shanghaiDate(asOf);
            if (req.body.pauseUntil && req.body.pauseUntil < today) {
              throw new ValidationError('pauseUntil is in the past', [
                { field: 'pauseUntil', message: `before ${today}` },
              ]);
            }
            pausedUntil =
              req.body.pauseUntil ??
              deps.calendar.addWorkingDays(today, ladder.justificationPauseWorkingDays);
          }
          await tx.query(
            `UPDATE inspection.justifications SET decision = $2, decided_by = $3, decided_at = $4, reason = $5, paused_until = $6
             WHERE justification_id = $1`,
            [
              req.params.justificationId,
              req.body.decision,
              principal.keyId,
              at,
              req.body.reason,
              pausedUntil,
            ],
          );
          await history(tx, {
            caseId: c.case_id,
            at,
            actor: principal.keyId,
            action: `justification-${req.body.decision}`,
            note: `${req.body.reason}${pausedUntil ? ` (ladder paused until ${pausedUntil})` : ''}`,
          });
          await evaluateCase(tx, c.case_key, { ...deps, asOf, at, emit });
          const [fresh] = await tx.query<CaseRow>(
            `SELECT ${CASE_COLUMNS} FROM inspection.cases WHERE case_id = $1`,
            [c.case_id],
          );
          return fresh!;
        });
        return detail(deps.db, row);
      },
    );

    app.get(
      '/v1/tasks',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Inspection tasks: yours (scope=mine) or your districts’ (scope=district)',
          querystring: z.object({
            scope: z.enum(['mine', 'district']).default('district'),
            status: z.enum(TASK_STATUSES).optional(),
            caseId: z.string().optional(),
            district: z.string().optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: { 200: z.object({ total: z.number(), tasks: z.array(taskView) }), ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'inspector', 'admin');
        const q = req.query;
        if (principal.role === 'inspector' && principal.districts !== 'all' && q.district) {
          if (!principal.districts.includes(q.district))
            throw new ForbiddenError(`your key does not cover district ${q.district}`);
        }
        const b = builder();
        scopeOf(principal, b.add, 'tasks');
        if (q.scope === 'mine') b.add('assignee = ?', principal.keyId);
        if (q.status) b.add('status = ?', q.status);
        if (q.caseId) b.add('case_id = ?', q.caseId);
        if (q.district) b.add('district = ?', q.district);
        const [count] = await deps.db.query<{ n: bigint }>(
          `SELECT count(*) AS n FROM inspection.tasks ${b.clause()}`,
          b.params,
        );
        const rows = await deps.db.query<TaskRow>(
          `SELECT ${TASK_COLUMNS} FROM inspection.tasks ${b.clause()} ORDER BY due_on, task_id LIMIT ${q.limit} OFFSET ${q.offset}`,
          b.params,
        );
        const today = shanghaiDate(await evaluationInstant(deps.db));
        return { total: Number(count?.n ?? 0n), tasks: await tasksWithTrail(deps.db, rows, today) };
      },
    );

    app.get(
      '/v1/tasks/:taskId',
      {
        schema: {
          tags: ['tasks'],
          summary: 'A task with its complete audit trail',
          params: z.object({ taskId: z.string() }),
          response: { 200: taskView, ...problems },
        },
      },
      async (req) => {
        const task = await loadTask(deps.db, principalOf(req), req.params.taskId);
        const [view] = await tasksWithTrail(deps.db, [task], shanghaiDate(await evaluationInstant(deps.db)));
        return view!;
      },
    );

    const transition =
      (action: keyof typeof TRANSITIONS | 'note') =>
      async (
        req: { params: { taskId: string }; body: { note?: string | undefined; inspector?: string } },
        principal: Principal,
      ) => {
        const at = now();
        await deps.outbox.unitOfWork(deps.db, async (tx, emit) => {
          const task = await loadTask(tx, principal, req.params.taskId, true);
          const note = req.body.note;
          if (action === 'note') {
            await taskAudit(tx, {
              taskId: task.task_id,
              at,
              actor: principal.keyId,
              action: 'note',
              note: note ?? null,
            });
            await tx.query('UPDATE inspection.tasks SET updated_at = $2 WHERE task_id = $1', [
              task.task_id,
              at,
            ]);
            return;
          }
          const t = TRANSITIONS[action];
          if (!(t.from as readonly string[]).includes(task.status)) {
            throw new ConflictError(
              `task ${task.task_id} is ${task.status}: it cannot be ${PAST[action]} (only from ${t.from.join(', ')})`,
            );
          }
          const assignee = action === 'assign' ? (req.body.inspector ?? null) : task.assignee;
          const terminal = TERMINAL_TASK.includes(t.to);
          const [updated] = await tx.query<TaskRow>(
            `UPDATE inspection.tasks SET status = $2, assignee = $3, updated_at = $4, closed_at = $5 WHERE task_id = $1
             RETURNING ${TASK_COLUMNS}`,
            [task.task_id, t.to, assignee, at, terminal ? at : null],
          );
          const auditNote =
            action === 'assign'
              ? [`assigned to ${assignee}`, note].filter(Boolean).join('; ')
              : (note ?? null);
          await taskAudit(tx, {
            taskId: task.task_id,
            at,
            actor: principal.keyId,
            action,
            from: task.status,
            to: t.to,
            note: auditNote,
          });
          await history(tx, {
            caseId: task.case_id,
            at,
            actor: principal.keyId,
            action: `task-${PAST[action]}`,
            note: `${task.task_id}${auditNote ? `: ${auditNote}` : ''}`,
          });
          emit({
            topic: TOPICS.tasks,
            type: t.event,
            key: task.project_id,
            data: taskEventOf(updated!, principal.keyId, auditNote ?? undefined),
            occurredAt: at,
          });
          if (terminal) {
            const [c] = await tx.query<{ case_key: string }>(
              'SELECT case_key FROM inspection.cases WHERE case_id = $1',
              [task.case_id],
            );
            // The case closes once its findings are resolved and this was its last task.
            if (c)
              await evaluateCase(tx, c.case_key, { ...deps, asOf: await evaluationInstant(tx), at, emit });
          }
        });
        const task = await loadTask(deps.db, principal, req.params.taskId);
        const [view] = await tasksWithTrail(deps.db, [task], shanghaiDate(await evaluationInstant(deps.db)));
        return view!;
      };

    const noteBody = z.object({ note: z.string().trim().min(1).max(4000) });
    const optionalNote = z.object({ note: z.string().trim().min(1).max(4000).optional() }).default({});
    const taskParams = z.object({ taskId: z.string() });
    const taskResponse = { 200: taskView, ...problems, 409: problemSchema };

    app.post(
      '/v1/tasks/:taskId/assign',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Assign (or reassign) a task to an inspector (their key id)',
          params: taskParams,
          body: z.object({
            inspector: z.string().trim().min(1).max(200),
            note: z.string().trim().min(1).max(4000).optional(),
          }),
          response: taskResponse,
        },
      },
      async (req) => transition('assign')(req, principalOf(req)),
    );
    app.post(
      '/v1/tasks/:taskId/progress',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Mark a task in progress',
          params: taskParams,
          body: optionalNote,
          response: taskResponse,
        },
      },
      async (req) => transition('progress')(req, principalOf(req)),
    );
    app.post(
      '/v1/tasks/:taskId/resolve',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Resolve a task',
          params: taskParams,
          body: noteBody,
          response: taskResponse,
        },
      },
      async (req) => transition('resolve')(req, principalOf(req)),
    );
    app.post(
      '/v1/tasks/:taskId/close',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Close a task without resolving it',
          params: taskParams,
          body: noteBody,
          response: taskResponse,
        },
      },
      async (req) => transition('close')(req, principalOf(req)),
    );
    app.post(
      '/v1/tasks/:taskId/notes',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Add a note to a task',
          params: taskParams,
          body: noteBody,
          response: taskResponse,
        },
      },
      async (req) => transition('note')(req, principalOf(req)),
    );

    app.get(
      '/v1/risk-grades',
      {
        schema: {
          tags: ['risk'],
          summary: 'Risk grades A (best) to D (worst) of projects and employers within your scope',
          querystring: z.object({ projectId: z.string().optional(), employer: z.string().optional() }),
          response: { 200: z.object({ grades: z.array(riskView) }), ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const q = req.query;
        const b = builder();
        switch (principal.role) {
          case 'admin':
            break;
          case 'inspector':
            if (principal.districts !== 'all') b.add('districts && ?::text[]', principal.districts);
            break;
          case 'project-manager':
            if (q.projectId && !principal.projectIds.includes(q.projectId))
              throw new ForbiddenError(`your key does not cover project ${q.projectId}`);
            b.add('project_ids && ?::text[]', principal.projectIds);
            break;
          case 'bank':
            throw new ForbiddenError('banks do not see risk grades');
        }
        if (q.projectId && principal.role === 'inspector' && principal.districts !== 'all') {
          const [p] = await deps.db.query<{ district: string }>(
            'SELECT district FROM inspection.projects WHERE project_id = $1',
            [q.projectId],
          );
          if (p && !principal.districts.includes(p.district))
            throw new ForbiddenError(`your key does not cover project ${q.projectId}`);
        }
        const subjects: string[] = [];
        const subject = (kind: 'project' | 'employer', id: string) => {
          b.params.push(id);
          subjects.push(`(subject_kind = '${kind}' AND subject_id = $${b.params.length})`);
        };
        if (q.projectId) subject('project', q.projectId);
        if (q.employer) subject('employer', q.employer);
        if (subjects.length) b.where.push(`(${subjects.join(' OR ')})`);
        const rows = await deps.db.query<{
          subject_kind: 'project' | 'employer';
          subject_id: string;
          grade: 'A' | 'B' | 'C' | 'D';
          score: number;
          computed_at: Date;
          inputs: Record<string, unknown>;
        }>(
          `SELECT subject_kind, subject_id, grade, score, computed_at, inputs FROM inspection.risk_grades ${b.clause()}
           ORDER BY subject_kind DESC, score DESC, subject_id LIMIT 1000`,
          b.params,
        );
        return {
          grades: rows.map((r) => ({
            subject: r.subject_kind,
            id: r.subject_id,
            grade: r.grade,
            score: r.score,
            computedAt: r.computed_at.toISOString(),
            inputs: r.inputs,
          })),
        };
      },
    );

    app.post(
      '/v1/admin/inspection/sweep',
      {
        schema: {
          tags: ['admin'],
          summary: 'Run the escalation ladder of every open case as of an instant (default now; monotonic)',
          body: z.object({ asOf: z.iso.datetime({ offset: true }).optional() }).optional(),
          response: {
            200: z.object({
              asOf: z.string(),
              cases: z.number(),
              steps: z.array(
                z.object({ caseId: z.string(), step: z.string(), key: z.string(), dueOn: localDateString }),
              ),
              closed: z.array(z.string()),
              campaigns: z.object({ ran: z.array(z.string()), warnings: z.array(z.string()) }),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        requireRole(principalOf(req), 'admin');
        const asOf = req.body?.asOf ? new Date(req.body.asOf) : now();
        const r = await sweep(deps, asOf);
        return {
          asOf: r.asOf.toISOString(),
          cases: r.cases,
          steps: r.steps,
          closed: r.closed,
          campaigns: r.campaigns,
        };
      },
    );
  };
}
