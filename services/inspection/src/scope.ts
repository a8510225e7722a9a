/**
 * The one scope helper of the inspection API. Every route asks it what a key may see:
 *
 * - a **parameterised read** (a case, a task, a project's cases, a report) names one thing; out of
 *   scope it answers 403 (`assertCovers`), and only a thing that does not exist is 404;
 * - a **list** is filtered to the scope and stays 200 (`scopeRows`); a filter naming a district
 *   (inspector) or a project (project manager) outside the scope is 403 (`assertFilter`);
 * - banks see nothing of the bureau's side (403).
 */
import type { Sql } from '@wagewatch/db';
import { canSeeProject, ForbiddenError, type Principal } from '@wagewatch/runtime';

/** A SQL WHERE under construction: `add('district = ANY(?::text[])', v)` numbers the placeholder. */
export type Where = {
  where: string[];
  params: unknown[];
  add: (sql: string, v: unknown) => void;
  clause: () => string;
};

export function where(): Where {
  const w: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    w.push(sql.replaceAll('?', `$${params.length}`));
  };
  return { where: w, params, add, clause: () => (w.length ? `WHERE ${w.join(' AND ')}` : '') };
}

/** Banks see nothing of cases, tasks, findings, grades, alerts or reports. */
export function refuseBanks(principal: Principal, what: string): void {
  if (principal.role === 'bank') throw new ForbiddenError(`banks do not see ${what}`);
}

/**
 * Limits rows with `district` and `project_id` columns (cases, tasks, findings, alerts, reports:
 * `projectColumn: null` when rows have no project) to what the principal may see.
 */
export function scopeRows(
  principal: Principal,
  w: Where,
  what: string,
  columns: { district?: string; projectId?: string | null } = {},
): void {
  const district = columns.district ?? 'district';
  const projectId = columns.projectId === undefined ? 'project_id' : columns.projectId;
  switch (principal.role) {
    case 'admin':
      return;
    case 'inspector':
      if (principal.districts !== 'all') w.add(`${district} = ANY(?::text[])`, principal.districts);
      return;
    case 'project-manager':
      if (projectId === null) throw new ForbiddenError(`${what} are for inspectors`);
      w.add(`${projectId} = ANY(?::text[])`, principal.projectIds);
      return;
    case 'bank':
      throw new ForbiddenError(`banks do not see ${what}`);
    default: {
      const never: never = principal;
      throw new Error(`unknown principal ${JSON.stringify(never)}`);
    }
  }
}

/** The district of a project as inspection knows it (undefined: not known). */
export async function districtOf(db: Sql, projectId: string): Promise<string | undefined> {
  const [p] = await db.query<{ district: string }>(
    'SELECT district FROM inspection.projects WHERE project_id = $1',
    [projectId],
  );
  return p?.district;
}

/**
 * A list's filters: a district outside an inspector's districts, or a project outside a project
 * manager's projects, is 403. (An inspector filtering by a project of another district gets the
 * list filtered to their scope: empty, 200 — a list is always cut to the scope.)
 */
export function assertFilter(
  principal: Principal,
  filter: { district?: string | undefined; projectId?: string | undefined },
): void {
  if (principal.role === 'bank') throw new ForbiddenError('banks do not see the bureau’s records');
  if (filter.district && principal.role === 'inspector' && principal.districts !== 'all') {
    if (!principal.districts.includes(filter.district))
      throw new ForbiddenError(`your key does not cover district ${filter.district}`);
  }
  if (filter.projectId && principal.role === 'project-manager') {
    if (!principal.projectIds.includes(filter.projectId))
      throw new ForbiddenError(`your key does not cover project ${filter.projectId}`);
  }
}

/** One named thing of a project (a case, a task, the project itself): out of scope is 403. */
export function assertCovers(
  principal: Principal,
  thing: { projectId: string; district: string },
  what: string,
): void {
  if (!canSeeProject(principal, thing)) throw new ForbiddenError(`your key does not cover ${what}`);
}

/** One named thing of a district only (a campaign report): out of scope is 403. */
export function assertCoversDistrict(principal: Principal, district: string, what: string): void {
  if (principal.role === 'admin') return;
  if (principal.role !== 'inspector')
    throw new ForbiddenError(`${what}: campaign reports are for inspectors`);
  if (principal.districts !== 'all' && !principal.districts.includes(district))
    throw new ForbiddenError(`your key does not cover ${what}`);
}
