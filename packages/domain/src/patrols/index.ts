import type { WorkingDayCalendar } from '../calendar.ts';
import type { RiskGrade } from '../cases/risk.ts';
import { lastWorkingDayBefore, workingDaysAfter } from '../cases/working-days.ts';
import { addDays, compareDates, daysBetween, type LocalDate } from '../dates.ts';
import { RULE_DEFINITIONS } from '../rules.ts';

/**
 * 日常巡查 (issue 14 §4): routine patrols of the employers that use many migrant workers. Every
 * general contractor with at least `minWorkers` registered workers on its projects in a district
 * is visited at least once per period (a quarter), more often as its risk grade worsens; the
 * plan is drawn by the sweep, spread over the district's inspectors, each visit with a checklist.
 */
export type PatrolPolicy = {
  id: string;
  /** Registered workers (on the employer's active projects in the district) from which it is patrolled. */
  minWorkers: number;
  /** Visits per quarter by the employer's risk grade (no grade yet counts as A). */
  visitsByGrade: Readonly<Record<RiskGrade, number>>;
  /** Working days a visit whose share of the quarter is already over (a late entrant, a worsened grade) is due in. */
  lateVisitWorkingDays: number;
};

export const DEFAULT_PATROL_POLICY: PatrolPolicy = {
  id: 'default',
  minWorkers: 50,
  visitsByGrade: { A: 1, B: 1, C: 2, D: 3 },
  lateVisitWorkingDays: 10,
};

/** What is wrong with a patrol policy; empty when it is usable. */
export function validatePatrolPolicy(p: PatrolPolicy): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(p.minWorkers) || p.minWorkers < 1)
    problems.push('minWorkers must be a whole number ≥ 1');
  const grades: RiskGrade[] = ['A', 'B', 'C', 'D'];
  for (const g of grades) {
    const v = p.visitsByGrade[g];
    if (!Number.isInteger(v) || v < 1 || v > 13) problems.push(`visitsByGrade.${g} must be 1 to 13`);
  }
  for (let i = 1; i < grades.length; i++)
    if (p.visitsByGrade[grades[i]!] < p.visitsByGrade[grades[i - 1]!])
      problems.push('a worse grade cannot have fewer visits than a better one');
  if (!Number.isInteger(p.lateVisitWorkingDays) || p.lateVisitWorkingDays < 1)
    problems.push('lateVisitWorkingDays must be a whole number ≥ 1');
  return problems;
}

/** The checklist of a visit, in the order the inspector walks the site. */
export const PATROL_CHECKLIST = [
  { item: 'headcount', zh: '现场人数与实名制登记核对' },
  { item: 'notice-board', zh: '维权信息告示牌' },
  { item: 'payroll', zh: '工资支付台账（工资表）' },
  { item: 'account', zh: '农民工工资专用账户' },
] as const;
export type PatrolChecklistItem = (typeof PATROL_CHECKLIST)[number]['item'];

export type PatrolQuarter = { key: string; firstDay: LocalDate; lastDay: LocalDate };

/** The quarter a date is in: `2026-Q4`, 1 October to 31 December. */
export function patrolQuarter(d: LocalDate): PatrolQuarter {
  const [y, m] = d.split('-').map(Number) as [number, number];
  const q = Math.floor((m - 1) / 3) + 1;
  const firstDay = `${y}-${String(q * 3 - 2).padStart(2, '0')}-01` as LocalDate;
  const nextFirst = (
    q === 4 ? `${y + 1}-01-01` : `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`
  ) as LocalDate;
  return { key: `${y}-Q${q}`, firstDay, lastDay: addDays(nextFirst, -1) };
}

/** The quarter of a key `2026-Q4`. */
export function patrolQuarterOf(key: string): PatrolQuarter {
  const m = /^(\d{4})-Q([1-4])$/.exec(key);
  if (!m) throw new RangeError(`not a quarter: ${key}`);
  return patrolQuarter(`${m[1]}-${String(Number(m[2]) * 3).padStart(2, '0')}-01`);
}

/**
 * The due date of visit `slot` (1-based) of `visits` in a quarter: the quarter is cut into
 * `visits` equal shares of its days, and visit i is due on the last working day of share i.
 */
export function patrolSlotDue(
  quarter: PatrolQuarter,
  slot: number,
  visits: number,
  calendar: WorkingDayCalendar,
): { dueOn: LocalDate; warning?: string } {
  const days = daysBetween(quarter.firstDay, quarter.lastDay) + 1;
  const shareEnd = addDays(quarter.firstDay, Math.round((days * slot) / visits) - 1);
  const d = lastWorkingDayBefore(calendar, addDays(shareEnd, 1));
  // A share with no working day in it (a very short share over a holiday) is due on its last day.
  if (compareDates(d.dueOn, quarter.firstDay) < 0) return { dueOn: shareEnd };
  return d;
}

/** An employer patrolled in a district: its registered workers and grade as the sweep finds them. */
export type PatrolCandidate = {
  district: string;
  employerCode: string;
  employerName: string;
  workers: number;
  grade: RiskGrade | null;
  projects: readonly { projectId: string; name: string; workers: number }[];
};

/** A visit already planned this quarter (the plan only grows). */
export type PlannedVisitRef = {
  district: string;
  employerCode: string;
  slot: number;
  assignee: string | null;
};

export type NewPatrolVisit = {
  /** `2026-Q4|东区|<code>|2`: unique, so drawing the plan again adds nothing twice. */
  key: string;
  quarter: string;
  district: string;
  employerCode: string;
  employerName: string;
  workers: number;
  grade: RiskGrade | null;
  projects: PatrolCandidate['projects'];
  slot: number;
  visits: number;
  dueOn: LocalDate;
  assignee: string | null;
  warnings: string[];
};

/**
 * The inspector of a district with the fewest visits in `load` (keys `district|login`; ties in
 * login order), counted in for the visit given; null when the district has none.
 */
export function takeInspector(
  load: Map<string, number>,
  district: string,
  inspectors: readonly string[],
): string | null {
  let assignee: string | null = null;
  for (const i of [...inspectors].sort())
    if (assignee === null || (load.get(`${district}|${i}`) ?? 0) < (load.get(`${district}|${assignee}`) ?? 0))
      assignee = i;
  if (assignee) load.set(`${district}|${assignee}`, (load.get(`${district}|${assignee}`) ?? 0) + 1);
  return assignee;
}

export const patrolKey = (quarter: string, district: string, employerCode: string, slot: number) =>
  `${quarter}|${district}|${employerCode}|${slot}`;

const GRADE_ORDER: Readonly<Record<RiskGrade, number>> = { D: 0, C: 1, B: 2, A: 3 };

/**
 * The visits to add to a quarter's plan as of `today`: for each candidate with at least
 * `minWorkers` workers, the visits its grade asks for that are not planned yet. A visit whose
 * share of the quarter is over is due `lateVisitWorkingDays` working days after today. Each new
 * visit goes to the district's inspector with the fewest visits this quarter (ties: login
 * order), the riskiest and largest employers first, so the plan is the same whoever draws it.
 * A district without inspectors gets its visits unassigned (its lead assigns them).
 */
export function planPatrols(input: {
  today: LocalDate;
  candidates: readonly PatrolCandidate[];
  planned: readonly PlannedVisitRef[];
  inspectors: Readonly<Record<string, readonly string[]>>;
  calendar: WorkingDayCalendar;
  policy?: PatrolPolicy;
}): NewPatrolVisit[] {
  const policy = input.policy ?? DEFAULT_PATROL_POLICY;
  const quarter = patrolQuarter(input.today);
  const load = new Map<string, number>();
  const existing = new Map<string, number>();
  for (const p of input.planned) {
    if (p.assignee)
      load.set(`${p.district}|${p.assignee}`, (load.get(`${p.district}|${p.assignee}`) ?? 0) + 1);
    const k = `${p.district}|${p.employerCode}`;
    existing.set(k, Math.max(existing.get(k) ?? 0, p.slot));
  }
  const order = [...input.candidates]
    .filter((c) => c.workers >= policy.minWorkers)
    .sort(
      (a, b) =>
        a.district.localeCompare(b.district) ||
        GRADE_ORDER[a.grade ?? 'A'] - GRADE_ORDER[b.grade ?? 'A'] ||
        b.workers - a.workers ||
        a.employerCode.localeCompare(b.employerCode),
    );
  const out: NewPatrolVisit[] = [];
  for (const c of order) {
    const visits = policy.visitsByGrade[c.grade ?? 'A'];
    const have = existing.get(`${c.district}|${c.employerCode}`) ?? 0;
    for (let slot = have + 1; slot <= visits; slot++) {
      const share = patrolSlotDue(quarter, slot, visits, input.calendar);
      let due = share;
      if (compareDates(share.dueOn, input.today) < 0) {
        const late = workingDaysAfter(input.calendar, input.today, policy.lateVisitWorkingDays);
        due = late;
      }
      const assignee = takeInspector(load, c.district, input.inspectors[c.district] ?? []);
      out.push({
        key: patrolKey(quarter.key, c.district, c.employerCode, slot),
        quarter: quarter.key,
        district: c.district,
        employerCode: c.employerCode,
        employerName: c.employerName,
        workers: c.workers,
        grade: c.grade,
        projects: c.projects,
        slot,
        visits,
        dueOn: due.dueOn,
        assignee,
        warnings: due.warning ? [due.warning] : [],
      });
    }
  }
  return out;
}

/** One checklist item as the inspector found it. */
export type PatrolCheck = { item: PatrolChecklistItem; ok: boolean; note: string };

/** The inspector's record of a visit, as validated. */
export type PatrolVisitRecord = {
  visitedOn: LocalDate;
  projectId: string;
  workersCounted: number;
  checks: PatrolCheck[];
  problems: string;
  raiseFinding: boolean;
};

export type PatrolVisitInput = {
  visitedOn?: unknown;
  projectId?: unknown;
  workersCounted?: unknown;
  checks?: unknown;
  problems?: unknown;
  raiseFinding?: unknown;
};

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Validates a visit record against its patrol: on one of the employer's projects, on a day
 * neither before the quarter nor after today, every checklist item answered once; a problem
 * found (an item not ok) needs its note, and a finding needs the problems described.
 */
export function validatePatrolVisit(
  input: PatrolVisitInput,
  patrol: { projectIds: readonly string[]; quarterFirstDay: LocalDate },
  today: LocalDate,
): { ok: true; record: PatrolVisitRecord } | { ok: false; errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  const visitedOn = typeof input.visitedOn === 'string' ? input.visitedOn : '';
  if (!DATE_RE.test(visitedOn)) errors.push({ field: 'visitedOn', message: '请填写巡查日期 (YYYY-MM-DD)' });
  else if (compareDates(visitedOn, today) > 0)
    errors.push({ field: 'visitedOn', message: `巡查日期不能晚于今天 ${today}` });
  else if (compareDates(visitedOn, patrol.quarterFirstDay) < 0)
    errors.push({ field: 'visitedOn', message: `巡查日期不能早于本季度 ${patrol.quarterFirstDay}` });
  const projectId = typeof input.projectId === 'string' ? input.projectId : '';
  if (!patrol.projectIds.includes(projectId))
    errors.push({ field: 'projectId', message: `请选择被巡查的项目：${patrol.projectIds.join('、')}` });
  const counted = input.workersCounted;
  if (typeof counted !== 'number' || !Number.isInteger(counted) || counted < 0 || counted > 100_000)
    errors.push({ field: 'workersCounted', message: '现场清点人数须为 0 至 100000 的整数' });
  const checks: PatrolCheck[] = [];
  const given = Array.isArray(input.checks) ? input.checks : [];
  PATROL_CHECKLIST.forEach(({ item, zh }) => {
    const all = given.filter((c) => (c as { item?: unknown })?.item === item) as {
      ok?: unknown;
      note?: unknown;
    }[];
    const field = `checks.${item}`;
    if (all.length !== 1 || typeof all[0]!.ok !== 'boolean') {
      errors.push({ field, message: `请核查「${zh}」并填写结果` });
      return;
    }
    const note = typeof all[0]!.note === 'string' ? all[0]!.note.trim() : '';
    if (note.length > 500) errors.push({ field, message: `「${zh}」的说明不超过 500 字` });
    if (!all[0]!.ok && !note) errors.push({ field, message: `「${zh}」有问题时请写明问题` });
    checks.push({ item, ok: all[0]!.ok as boolean, note });
  });
  for (const c of given) {
    const item = (c as { item?: unknown })?.item;
    if (!PATROL_CHECKLIST.some((x) => x.item === item))
      errors.push({ field: 'checks', message: `没有这个核查项：${String(item)}` });
  }
  const problems = typeof input.problems === 'string' ? input.problems.trim() : '';
  if (problems.length > 2000) errors.push({ field: 'problems', message: '发现的问题不超过 2000 字' });
  const raiseFinding = input.raiseFinding === true;
  if (raiseFinding && !problems) errors.push({ field: 'problems', message: '立为问题时请写明发现的问题' });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    record: { visitedOn, projectId, workersCounted: counted as number, checks, problems, raiseFinding },
  };
}

export const patrolFindingId = (patrolId: string) => `patrol:${patrolId}`;

/**
 * The finding a visit raises (`patrol-finding`): against the employer on the project visited,
 * with what the inspector found, the headcount against the registry and the failed checks as
 * evidence. Read by the project manager too: no inspector's login, no worker's data.
 */
export function patrolFinding(
  visit: PatrolVisitRecord,
  patrol: { patrolId: string; quarter: string; registeredOnDay: number },
  employer: { name: string; code: string },
  raisedAt: Date,
) {
  const def = RULE_DEFINITIONS['patrol-finding'];
  const failed = visit.checks.filter((c) => !c.ok);
  return {
    findingId: patrolFindingId(patrol.patrolId),
    rule: 'patrol-finding' as const,
    severity: def.severity,
    status: 'open' as const,
    projectId: visit.projectId,
    raisedAt: raisedAt.toISOString(),
    responsible: { kind: 'contractor' as const, name: employer.name, code: employer.code },
    evidence: [
      `日常巡查 ${patrol.quarter}（${visit.visitedOn}）：现场清点 ${visit.workersCounted} 人，实名制登记在岗 ${patrol.registeredOnDay} 人`,
      ...failed.map((c) => `${PATROL_CHECKLIST.find((x) => x.item === c.item)!.zh}：${c.note}`),
    ],
    legalBasis: def.legalBasis,
    detail: visit.problems,
  };
}
