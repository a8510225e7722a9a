import { createHash } from 'node:crypto';
import type { FindingSnapshot } from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import {
  DEFAULT_PATROL_POLICY,
  type LocalDate,
  type PatrolCandidate,
  type PatrolPolicy,
  type PatrolVisitRecord,
  patrolFinding,
  patrolQuarter,
  planPatrols,
  type RiskGrade,
  shanghaiDate,
  takeInspector,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { ConflictError } from '@wagewatch/runtime';
import { type Emit, raiseOwnedFinding, resolveOwnedFinding } from '../owned-findings.ts';

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 20);
export const patrolIdOf = (patrolKey: string) => `PT-${hash(patrolKey)}`;

export type PatrolRow = {
  patrol_id: string;
  patrol_key: string;
  quarter: string;
  district: string;
  employer_code: string;
  employer_name: string;
  projects: { projectId: string; name: string; workers: number }[];
  workers: number;
  risk_grade: RiskGrade | null;
  slot: number;
  visits: number;
  assignee: string | null;
  due_on: string;
  warnings: string[];
  status: 'planned' | 'visited';
  planned_at: Date;
  visited_at: Date | null;
  visited_by: string | null;
  visit:
    | (PatrolVisitRecord & {
        registeredOnDay: number;
        resolution?: { at: string; by: string; note: string };
      })
    | null;
  finding_id: string | null;
  finding_status: 'open' | 'resolved' | null;
};

export const PATROL_SELECT = `SELECT t.patrol_id, t.patrol_key, t.quarter, t.district, t.employer_code, t.employer_name, t.projects,
    t.workers, t.risk_grade, t.slot, t.visits, t.assignee, t.due_on::text AS due_on, t.warnings, t.status, t.planned_at,
    t.visited_at, t.visited_by, t.visit, t.finding_id, f.status AS finding_status
  FROM inspection.patrols t LEFT JOIN inspection.findings f ON f.finding_id = t.finding_id`;

export async function loadPatrol(tx: Sql, patrolId: string, lock = false): Promise<PatrolRow | undefined> {
  if (lock) await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`inspection:patrol:${patrolId}`]);
  const [p] = await tx.query<PatrolRow>(`${PATROL_SELECT} WHERE t.patrol_id = $1`, [patrolId]);
  return p;
}

/** Workers on a project's registry on a day (enrolled by it, not gone before it). */
export async function registeredOn(tx: Sql, projectId: string, day: LocalDate): Promise<number> {
  const [r] = await tx.query<{ n: bigint }>(
    `SELECT count(*) AS n FROM inspection.registered_workers
      WHERE project_id = $1 AND enrolled_on <= $2::date AND (left_on IS NULL OR left_on >= $2::date)`,
    [projectId, day],
  );
  return Number(r?.n ?? 0n);
}

/**
 * The employers a patrol plan considers on a day: each general contractor per district, with its
 * projects' workers on the registry that day (a person on two of its projects counts once) and
 * its risk grade.
 */
export async function patrolCandidates(tx: Sql, day: LocalDate): Promise<PatrolCandidate[]> {
  const rows = await tx.query<{
    district: string;
    code: string;
    employer_name: string;
    grade: RiskGrade | null;
    workers: bigint;
    projects: { projectId: string; name: string; workers: number }[];
  }>(
    `WITH active AS (
       SELECT p.district, p.registration->'contractor'->>'creditCode' AS code,
              p.registration->'contractor'->>'name' AS employer_name, p.project_id, p.name, w.worker_key
         FROM inspection.registered_workers w JOIN inspection.projects p ON p.project_id = w.project_id
        WHERE w.enrolled_on <= $1::date AND (w.left_on IS NULL OR w.left_on >= $1::date)
     ), per_project AS (
       SELECT district, code, project_id, name, count(*) AS n FROM active GROUP BY district, code, project_id, name
     )
     SELECT a.district, a.code, min(a.employer_name) AS employer_name, g.grade, count(DISTINCT a.worker_key) AS workers,
            (SELECT jsonb_agg(jsonb_build_object('projectId', pp.project_id, 'name', pp.name, 'workers', pp.n) ORDER BY pp.project_id)
               FROM per_project pp WHERE pp.district = a.district AND pp.code = a.code) AS projects
       FROM active a
       LEFT JOIN inspection.risk_grades g ON g.subject_kind = 'employer' AND g.subject_id = a.code
      WHERE a.code IS NOT NULL
      GROUP BY a.district, a.code, g.grade ORDER BY a.district, a.code`,
    [day],
  );
  return rows.map((r) => ({
    district: r.district,
    employerCode: r.code,
    employerName: r.employer_name,
    grade: r.grade,
    workers: Number(r.workers),
    projects: r.projects.map((p) => ({ ...p, workers: Number(p.workers) })),
  }));
}

/** Whether the console's accounts (auth.app_user) are in this database: not in a service run on its own. */
async function accountsHere(tx: Sql): Promise<boolean> {
  const [exists] = await tx.query<{ t: string | null }>(`SELECT to_regclass('auth.app_user')::text AS t`);
  return Boolean(exists?.t);
}

/**
 * The people who patrol a district: active inspector accounts whose scope names it (a city-wide
 * account, `all`, leads and is not given routine visits). None where the accounts are not in
 * this database (a service run on its own).
 */
export async function districtInspectors(tx: Sql): Promise<Record<string, string[]>> {
  if (!(await accountsHere(tx))) return {};
  const rows = await tx.query<{ login: string; districts: unknown }>(
    `SELECT login, scope->'districts' AS districts FROM auth.app_user
      WHERE role = 'inspector' AND NOT disabled ORDER BY login`,
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    if (!Array.isArray(r.districts)) continue;
    for (const d of r.districts) {
      if (typeof d !== 'string') continue;
      out[d] = [...(out[d] ?? []), r.login];
    }
  }
  return out;
}

/**
 * Who a visit of a district may be given to by hand: its inspectors, and the city-wide ones
 * (a lead may take a visit of a district that has nobody of its own).
 */
export async function assignableInspectors(tx: Sql, district: string): Promise<string[]> {
  if (!(await accountsHere(tx))) return [];
  const rows = await tx.query<{ login: string }>(
    `SELECT login FROM auth.app_user
      WHERE role = 'inspector' AND NOT disabled
        AND (scope->>'districts' = 'all' OR (jsonb_typeof(scope->'districts') = 'array' AND scope->'districts' ? $1))
      ORDER BY login`,
    [district],
  );
  return rows.map((r) => r.login);
}

/**
 * Draws (or tops up) the current quarter's patrol plan as of a day: the visits planPatrols adds,
 * inserted once by their key. Returns the visits added.
 */
export async function drawPatrolPlan(
  tx: Sql,
  day: LocalDate,
  at: Date,
  calendar: WorkingDayCalendar,
  policy: PatrolPolicy = DEFAULT_PATROL_POLICY,
): Promise<number> {
  const quarter = patrolQuarter(day);
  const planned = await tx.query<{
    district: string;
    employer_code: string;
    slot: number;
    assignee: string | null;
  }>('SELECT district, employer_code, slot, assignee FROM inspection.patrols WHERE quarter = $1', [
    quarter.key,
  ]);
  const visits = planPatrols({
    today: day,
    candidates: await patrolCandidates(tx, day),
    planned: planned.map((p) => ({
      district: p.district,
      employerCode: p.employer_code,
      slot: p.slot,
      assignee: p.assignee,
    })),
    inspectors: await districtInspectors(tx),
    calendar,
    policy,
  });
  if (!visits.length) return 0;
  const inserted = await tx.query<{ patrol_id: string }>(
    `INSERT INTO inspection.patrols (patrol_id, patrol_key, quarter, district, employer_code, employer_name, projects, workers,
       risk_grade, slot, visits, assignee, due_on, warnings, status, planned_at)
     SELECT u.id, u.k, $1, u.d, u.code, u.name, u.projects, u.workers, u.grade, u.slot, u.visits, u.assignee, u.due, u.warnings,
            'planned', $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::int[], $10::text[], $11::int[],
                   $12::int[], $13::text[], $14::date[], $15::jsonb[])
         AS u(id, k, d, code, name, projects, workers, grade, slot, visits, assignee, due, warnings)
     ON CONFLICT (patrol_key) DO NOTHING RETURNING patrol_id`,
    [
      quarter.key,
      at,
      visits.map((v) => patrolIdOf(v.key)),
      visits.map((v) => v.key),
      visits.map((v) => v.district),
      visits.map((v) => v.employerCode),
      visits.map((v) => v.employerName),
      visits.map((v) => JSON.stringify(v.projects)),
      visits.map((v) => v.workers),
      visits.map((v) => v.grade),
      visits.map((v) => v.slot),
      visits.map((v) => v.visits),
      visits.map((v) => v.assignee),
      visits.map((v) => v.dueOn),
      visits.map((v) => JSON.stringify(v.warnings)),
    ],
  );
  return inserted.length;
}

/**
 * The inspector's record of a visit: kept on the patrol with the registry's headcount that day;
 * when it raises a finding, the finding is written to the read model, its case marked and it is
 * published on the findings topic like every finding (inspection's consumer skips its own).
 */
export async function recordVisit(
  tx: Sql,
  emit: Emit,
  patrol: PatrolRow,
  visit: PatrolVisitRecord,
  by: string,
  at: Date,
): Promise<void> {
  if (patrol.status === 'visited')
    throw new ConflictError(`patrol ${patrol.patrol_id} was visited on ${patrol.visit?.visitedOn}`);
  const registeredOnDay = await registeredOn(tx, visit.projectId, visit.visitedOn);
  let findingId: string | null = null;
  if (visit.raiseFinding) {
    const [project] = await tx.query<{ district: string }>(
      'SELECT district FROM inspection.projects WHERE project_id = $1',
      [visit.projectId],
    );
    const f = patrolFinding(
      visit,
      { patrolId: patrol.patrol_id, quarter: patrol.quarter, registeredOnDay },
      { name: patrol.employer_name, code: patrol.employer_code },
      at,
    ) satisfies FindingSnapshot;
    await raiseOwnedFinding(tx, emit, f, project?.district ?? patrol.district, at);
    findingId = f.findingId;
  }
  await tx.query(
    `UPDATE inspection.patrols SET status = 'visited', visited_at = $2, visited_by = $3, visit = $4, finding_id = $5
      WHERE patrol_id = $1`,
    [patrol.patrol_id, at, by, JSON.stringify({ ...visit, registeredOnDay }), findingId],
  );
}

/** A visit's finding, corrected on site: resolved, its case marked, the resolution published. */
export async function resolvePatrolFinding(
  tx: Sql,
  emit: Emit,
  patrol: PatrolRow,
  note: string,
  by: string,
  at: Date,
): Promise<void> {
  if (!patrol.finding_id) throw new ConflictError(`patrol ${patrol.patrol_id} raised no finding`);
  const f = await resolveOwnedFinding(tx, emit, patrol.finding_id, at);
  if (!f) throw new ConflictError(`the finding of patrol ${patrol.patrol_id} is already resolved`);
  await tx.query(
    `UPDATE inspection.patrols SET visit = visit || jsonb_build_object('resolution',
       jsonb_build_object('at', $2::text, 'by', $3::text, 'note', $4::text)) WHERE patrol_id = $1`,
    [patrol.patrol_id, at.toISOString(), by, note],
  );
}

/** The quarter of an instant's Shanghai day (the plan an API call is about by default). */
export const quarterOfInstant = (d: Date) => patrolQuarter(shanghaiDate(d));

/**
 * The day each service instance last drew the plan for. The plan is drawn on the first sweep of
 * a Shanghai day and again after a registration (a new project or workers may bring an employer
 * over the threshold), not on every sweep: its query reads the registry of the whole city.
 * Drawing is idempotent, so an instance that restarts (and forgets) only draws once more.
 */
const drawnFor = new WeakMap<object, LocalDate>();

/** A registration was applied: the next sweep draws the plan again. */
export function registryChanged(owner: object): void {
  drawnFor.delete(owner);
}

/**
 * Gives the quarter's unassigned planned visits to their districts' inspectors (the least loaded
 * first), once a district has some: the demo's and a new district's people are created after
 * the plan was drawn. Two small queries when nothing is unassigned; writes only what it assigns.
 */
export async function assignUnassigned(tx: Sql, quarter: string): Promise<number> {
  const open = await tx.query<{ patrol_id: string; district: string }>(
    `SELECT patrol_id, district FROM inspection.patrols WHERE quarter = $1 AND assignee IS NULL AND status = 'planned'
      ORDER BY due_on, patrol_id`,
    [quarter],
  );
  if (!open.length) return 0;
  const inspectors = await districtInspectors(tx);
  const districts = [...new Set(open.map((o) => o.district))].filter((d) => inspectors[d]?.length);
  if (!districts.length) return 0;
  const counts = await tx.query<{ district: string; assignee: string; n: bigint }>(
    `SELECT district, assignee, count(*) AS n FROM inspection.patrols
      WHERE quarter = $1 AND assignee IS NOT NULL AND district = ANY($2::text[]) GROUP BY district, assignee`,
    [quarter, districts],
  );
  const load = new Map(counts.map((c) => [`${c.district}|${c.assignee}`, Number(c.n)]));
  const ids: string[] = [];
  const to: string[] = [];
  for (const o of open) {
    const who = takeInspector(load, o.district, inspectors[o.district] ?? []);
    if (!who) continue;
    ids.push(o.patrol_id);
    to.push(who);
  }
  await tx.query(
    `UPDATE inspection.patrols p SET assignee = u.who FROM unnest($1::text[], $2::text[]) AS u(id, who)
      WHERE p.patrol_id = u.id AND p.assignee IS NULL`,
    [ids, to],
  );
  return ids.length;
}

/** Draws the plan when the day or the registry changed since this instance last drew it. */
export async function drawPatrolsIfDue(
  owner: object,
  db: Database,
  asOf: Date,
  calendar: WorkingDayCalendar,
  policy?: PatrolPolicy,
): Promise<number> {
  const day = shanghaiDate(asOf);
  if (drawnFor.get(owner) === day) {
    await assignUnassigned(db, patrolQuarter(day).key);
    return 0;
  }
  const added = await db.transaction(async (tx) => {
    // One drawer at a time: a second instance waits, then finds the visits there.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['inspection:patrol-plan']);
    const drawn = await drawPatrolPlan(tx, day, asOf, calendar, policy);
    await assignUnassigned(tx, patrolQuarter(day).key);
    return drawn;
  });
  drawnFor.set(owner, day);
  return added;
}
