import type { Outbox } from '@wagewatch/bus';
import { totalYuanString, yuanString } from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import {
  dueDateFor,
  endOfShanghaiDay,
  formatFen,
  isPeriod,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import {
  type Clock,
  canSeeProject,
  ForbiddenError,
  NotFoundError,
  type Principal,
  principalOf,
  problemSchema,
  requireRole,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ChangesView, type Decision, decideCorrection, sheetLines } from './payroll-versions.ts';

/**
 * The payroll history and the inspectors' decisions on correction requests
 * (DOMAIN.md "Corrections after the due date", docs/adr/0008). Scope: a project manager reads
 * their projects, an inspector the projects of their districts (and decides there), an admin
 * reads everything; a bank key reads nothing. Outside the scope: 403.
 */

export const CORRECTION_STATUSES = ['pending', 'approved', 'rejected', 'superseded'] as const;
export const VERSION_STATUSES = ['effective', 'superseded', 'pending-correction', 'rejected'] as const;

const problems = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
};
// `keyId` is the audit trail's actor (runtime actorOf): a key's id, or `"<name> (<login>)"` for a person.
const actor = z.object({
  keyId: z.string().describe('the key id, or "<name> (<login>)" for a person logged in with a session'),
  role: z.string().nullable(),
});
const change = z.object({ idNumber: z.string(), name: z.string(), from: yuanString, to: yuanString });
const changesSchema = z.object({
  lowered: z.array(change),
  dropped: z.array(change),
  raised: z.array(change),
  added: z.array(change),
});
export const correctionSchema = z.object({
  correctionId: z.string(),
  projectId: z.string(),
  district: z.string(),
  period: z.string(),
  version: z.number().describe('the version the request would put into effect'),
  baseVersion: z.number().describe('the version in effect when the request was made'),
  dueDate: z.string(),
  status: z.enum(CORRECTION_STATUSES),
  reason: z.string(),
  requestedAt: z.string(),
  requestedBy: actor,
  changes: changesSchema,
  decision: z
    .object({ outcome: z.enum(['approved', 'rejected']), by: actor, at: z.string(), reason: z.string() })
    .nullable(),
  supersededByVersion: z.number().nullable(),
});
type CorrectionView = z.infer<typeof correctionSchema>;

const versionSummary = z.object({
  version: z.number(),
  sheetId: z.string(),
  status: z.enum(VERSION_STATUSES),
  source: z.string(),
  filename: z.string().nullable(),
  submittedAt: z.string(),
  submittedBy: actor,
  reason: z.string().nullable(),
  tookEffectAt: z.string().nullable(),
  lineCount: z.number(),
  rejectedCount: z.number(),
  totalDue: totalYuanString,
});
const lineSchema = z.object({
  row: z.number(),
  idNumber: z.string(),
  name: z.string(),
  daysWorked: z.number().nullable(),
  amountDue: yuanString,
  grossAmount: yuanString.nullable(),
  signed: z.boolean(),
});

type ProjectRow = {
  project_id: string;
  district: string;
  registration: { payDay: number; payMonthOffset: number };
};

async function projectFor(db: Sql, principal: Principal, projectId: string): Promise<ProjectRow> {
  requireRole(principal, 'admin', 'project-manager', 'inspector');
  // A project manager's scope is checked before existence: an unknown project is refused alike.
  if (principal.role === 'project-manager' && !principal.projectIds.includes(projectId))
    throw new ForbiddenError(`your key does not cover project ${projectId}`);
  const [p] = await db.query<ProjectRow>(
    'SELECT project_id, district, registration FROM ingest.projects WHERE project_id = $1',
    [projectId],
  );
  if (!p) throw new NotFoundError(`project ${projectId} is not registered`);
  if (!canSeeProject(principal, { projectId: p.project_id, district: p.district }))
    throw new ForbiddenError(`your key does not cover project ${projectId}`);
  return p;
}

type SheetRow = {
  sheet_id: string;
  period: string;
  version: number;
  source: string;
  filename: string | null;
  line_count: number;
  rejected_count: number;
  submitted_by: string;
  submitted_role: string | null;
  submitted_at: Date;
  reason: string | null;
  took_effect_at: Date | null;
  total_fen: bigint | null;
  correction_status: string | null;
};

async function sheetsOf(db: Sql, projectId: string, period?: string): Promise<SheetRow[]> {
  return db.query<SheetRow>(
    `SELECT s.sheet_id, s.period, s.version, s.source, s.filename, s.line_count, s.rejected_count, s.submitted_by,
       s.submitted_role, s.submitted_at, s.reason, s.took_effect_at, c.status AS correction_status,
       (SELECT coalesce(sum(l.amount_due_fen), 0) FROM ingest.payroll_lines l WHERE l.sheet_id = s.sheet_id) AS total_fen
     FROM ingest.payroll_sheets s LEFT JOIN ingest.payroll_corrections c ON c.sheet_id = s.sheet_id
     WHERE s.project_id = $1 ${period ? 'AND s.period = $2' : ''} ORDER BY s.period, s.version`,
    period ? [projectId, period] : [projectId],
  );
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** The status of each version of one month: the highest version that took effect is in effect. */
function summarise(rows: SheetRow[]): {
  effectiveVersion: number | null;
  versions: z.infer<typeof versionSummary>[];
} {
  const effective = rows.filter((r) => r.took_effect_at !== null).map((r) => Number(r.version));
  const effectiveVersion = effective.length ? Math.max(...effective) : null;
  const versions = rows.map((r) => {
    const version = Number(r.version);
    const status: (typeof VERSION_STATUSES)[number] =
      version === effectiveVersion
        ? 'effective'
        : r.took_effect_at !== null
          ? 'superseded'
          : r.correction_status === 'pending'
            ? 'pending-correction'
            : r.correction_status === 'rejected'
              ? 'rejected'
              : 'superseded';
    return {
      version,
      sheetId: r.sheet_id,
      status,
      source: r.source,
      filename: r.filename,
      submittedAt: iso(r.submitted_at)!,
      submittedBy: { keyId: r.submitted_by, role: r.submitted_role },
      reason: r.reason,
      tookEffectAt: iso(r.took_effect_at),
      lineCount: Number(r.line_count),
      rejectedCount: Number(r.rejected_count),
      totalDue: formatFen(BigInt(r.total_fen ?? 0)),
    };
  });
  return { effectiveVersion, versions };
}

type CorrectionRow = {
  correction_id: string;
  project_id: string;
  district: string;
  period: string;
  version: number;
  base_version: number;
  due_date: string;
  status: (typeof CORRECTION_STATUSES)[number];
  reason: string;
  changes: ChangesView | string;
  requested_by: string;
  requested_role: string;
  requested_at: Date;
  decided_by: string | null;
  decided_role: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  superseded_by_version: number | null;
};

const CORRECTION_SELECT = `SELECT c.*, p.district FROM ingest.payroll_corrections c JOIN ingest.projects p USING (project_id)`;

function correctionView(r: CorrectionRow): CorrectionView {
  const decided =
    (r.status === 'approved' || r.status === 'rejected') && r.decided_by !== null && r.decided_at !== null;
  return {
    correctionId: r.correction_id,
    projectId: r.project_id,
    district: r.district,
    period: r.period,
    version: Number(r.version),
    baseVersion: Number(r.base_version),
    dueDate: String(r.due_date),
    status: r.status,
    reason: r.reason,
    requestedAt: iso(r.requested_at)!,
    requestedBy: { keyId: r.requested_by, role: r.requested_role },
    changes: typeof r.changes === 'string' ? (JSON.parse(r.changes) as ChangesView) : r.changes,
    decision: decided
      ? {
          outcome: r.status as 'approved' | 'rejected',
          by: { keyId: r.decided_by!, role: r.decided_role },
          at: iso(r.decided_at)!,
          reason: r.decision_reason ?? '',
        }
      : null,
    supersededByVersion: r.superseded_by_version === null ? null : Number(r.superseded_by_version),
  };
}

const reasonBody = z
  .object({ reason: z.string().max(2000).optional() })
  .nullish()
  .describe('{reason}: why (required, recorded with who and when)');

function requireReason(body: { reason?: string | undefined } | null | undefined): string {
  const reason = body?.reason?.trim();
  if (!reason)
    throw new ValidationError('a decision needs a reason: nothing was recorded', [
      { field: 'reason', message: 'is required' },
    ]);
  return reason;
}

export function registerPayrollHistoryRoutes(
  root: FastifyInstance,
  deps: { db: Database; outbox: Outbox; clock: Clock; calendar?: WorkingDayCalendar },
): void {
  const { db, outbox, clock, calendar } = deps;
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/v1/projects/:projectId/payrolls',
    {
      schema: {
        tags: ['projects'],
        summary: "A project's payroll months with their versions (history kept)",
        params: z.object({ projectId: z.string() }),
        response: {
          200: z.object({
            projectId: z.string(),
            periods: z.array(
              z.object({
                period: z.string(),
                dueDate: z.string(),
                effectiveVersion: z.number().nullable(),
                pendingCorrections: z.number(),
                versions: z.array(versionSummary),
              }),
            ),
          }),
          ...problems,
        },
      },
    },
    async (req) => {
      const project = await projectFor(db, principalOf(req), req.params.projectId);
      const rows = await sheetsOf(db, project.project_id);
      const byPeriod = new Map<string, SheetRow[]>();
      for (const r of rows) byPeriod.set(r.period, [...(byPeriod.get(r.period) ?? []), r]);
      return {
        projectId: project.project_id,
        periods: [...byPeriod].map(([period, list]) => ({
          period,
          dueDate: dueDateFor({ period, ...terms(project) }, calendar).due,
          pendingCorrections: list.filter((r) => r.correction_status === 'pending').length,
          ...summarise(list),
        })),
      };
    },
  );

  app.get(
    '/v1/projects/:projectId/payrolls/:period',
    {
      schema: {
        tags: ['projects'],
        summary:
          "One month's payroll: every version with its lines, who submitted it and when, its status, and the correction requests with their decisions",
        params: z.object({ projectId: z.string(), period: z.string() }),
        response: {
          200: z.object({
            projectId: z.string(),
            period: z.string(),
            dueDate: z.string(),
            dueDatePassed: z.boolean(),
            effectiveVersion: z.number().nullable(),
            versions: z.array(versionSummary.extend({ lines: z.array(lineSchema) })),
            corrections: z.array(correctionSchema),
          }),
          ...problems,
        },
      },
    },
    async (req) => {
      const { period } = req.params;
      if (!isPeriod(period))
        throw new ValidationError(`period "${period}" must be a month YYYY-MM`, [
          { field: 'period', message: 'must be YYYY-MM' },
        ]);
      const project = await projectFor(db, principalOf(req), req.params.projectId);
      const rows = await sheetsOf(db, project.project_id, period);
      if (rows.length === 0)
        throw new NotFoundError(`project ${project.project_id} has no payroll sheet for ${period}`);
      const lines = await sheetLines(
        db,
        rows.map((r) => r.sheet_id),
      );
      const { effectiveVersion, versions } = summarise(rows);
      const corrections = await db.query<CorrectionRow>(
        `${CORRECTION_SELECT} WHERE c.project_id = $1 AND c.period = $2 ORDER BY c.version`,
        [project.project_id, period],
      );
      const { due } = dueDateFor({ period, ...terms(project) }, calendar);
      return {
        projectId: project.project_id,
        period,
        dueDate: due,
        dueDatePassed: clock.now().getTime() >= endOfShanghaiDay(due).getTime(),
        effectiveVersion,
        versions: versions.map((v) => ({
          ...v,
          lines: (lines.get(v.sheetId) ?? []).map((l) => ({
            row: l.sourceRow,
            idNumber: l.idNumber,
            name: l.name,
            daysWorked: l.daysWorked,
            amountDue: l.amountDue,
            grossAmount: l.grossAmount ?? null,
            signed: l.signed,
          })),
        })),
        corrections: corrections.map(correctionView),
      };
    },
  );

  const decisionRoute = (decision: Decision) =>
    app.post(
      `/v1/projects/:projectId/payrolls/:period/corrections/:correctionId/${decision}`,
      {
        schema: {
          tags: ['projects'],
          summary:
            decision === 'approve'
              ? 'Approve a correction request (inspector of the project’s district): the version takes effect now'
              : 'Reject a correction request (inspector of the project’s district): the version in effect stays',
          params: z.object({ projectId: z.string(), period: z.string(), correctionId: z.uuid() }),
          body: reasonBody,
          response: { 200: correctionSchema, ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'inspector');
        const { projectId, period, correctionId } = req.params;
        const project = await projectFor(db, principal, projectId);
        const reason = requireReason(req.body);
        await outbox.unitOfWork(db, (tx, emit) =>
          decideCorrection(tx, emit, {
            projectId: project.project_id,
            period,
            correctionId,
            decision,
            reason,
            principal,
            now: clock.now(),
          }),
        );
        const [row] = await db.query<CorrectionRow>(`${CORRECTION_SELECT} WHERE c.correction_id = $1`, [
          correctionId,
        ]);
        return correctionView(row!);
      },
    );
  decisionRoute('approve');
  decisionRoute('reject');

  app.get(
    '/v1/payroll-corrections',
    {
      schema: {
        tags: ['projects'],
        summary:
          'Correction requests in your scope (an inspector: the districts of the key), pending unless status says otherwise',
        querystring: z.object({
          status: z.enum(CORRECTION_STATUSES).default('pending'),
          projectId: z.string().optional(),
          period: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: {
          200: z.object({ total: z.number(), corrections: z.array(correctionSchema) }),
          ...problems,
        },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      requireRole(principal, 'admin', 'project-manager', 'inspector');
      const q = req.query;
      if (q.period !== undefined && !isPeriod(q.period))
        throw new ValidationError(`period "${q.period}" must be a month YYYY-MM`, [
          { field: 'period', message: 'must be YYYY-MM' },
        ]);
      if (q.projectId) await projectFor(db, principal, q.projectId);
      const where = ['c.status = $1'];
      const params: unknown[] = [q.status];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (q.projectId) add('c.project_id = ?', q.projectId);
      if (q.period) add('c.period = ?', q.period);
      if (principal.role === 'inspector' && principal.districts !== 'all')
        add('p.district = ANY(?::text[])', principal.districts);
      if (principal.role === 'project-manager') add('c.project_id = ANY(?::text[])', principal.projectIds);
      const clause = `WHERE ${where.join(' AND ')}`;
      const [n] = await db.query<{ n: bigint | number }>(
        `SELECT count(*) AS n FROM ingest.payroll_corrections c JOIN ingest.projects p USING (project_id) ${clause}`,
        params,
      );
      const rows = await db.query<CorrectionRow>(
        `${CORRECTION_SELECT} ${clause} ORDER BY c.requested_at, c.project_id, c.period, c.version LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      );
      return { total: Number(n?.n ?? 0), corrections: rows.map(correctionView) };
    },
  );
}

function terms(p: ProjectRow): { payDay: number; payMonthOffset: number } {
  const reg = typeof p.registration === 'string' ? JSON.parse(p.registration) : p.registration;
  return { payDay: Number(reg.payDay), payMonthOffset: Number(reg.payMonthOffset) };
}
