import { createHash } from 'node:crypto';
import type { NewEvent } from '@wagewatch/bus';
import { type CaseAlert, type FindingSnapshot, type TaskEvent, TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  type CampaignConfig,
  type CaseFinding,
  type CaseSector,
  compareDates,
  DEFAULT_CAMPAIGN_CONFIG,
  DEFAULT_LADDER_CONFIG,
  DEFAULT_RISK_CONFIG,
  type LadderConfig,
  type LadderStepKind,
  ladderStep,
  parseYuan,
  type RiskConfig,
  riskGrade,
  routeCase,
  shanghaiDate,
  stepKeyOf,
  type WorkingDayCalendar,
  winterCampaign,
} from '@wagewatch/domain';

export type Emit = (e: NewEvent) => void;
export type CaseContext = {
  calendar: WorkingDayCalendar;
  ladder?: LadderConfig;
  risk?: RiskConfig;
  campaigns?: CampaignConfig;
};

/**
 * Records an alert (GET /v1/alerts, the SSE stream, webhooks) and publishes it on the alerts
 * topic, in the caller's transaction.
 */
export async function raiseAlert(
  tx: Sql,
  emit: Emit,
  a: {
    type:
      | 'case.opened'
      | 'case.escalated'
      | 'case.closed'
      | 'case.reopened'
      | 'audit.raised'
      | 'winter.progress'
      | 'screening.completed';
    district: string;
    projectId?: string;
    occurrence?: string;
    key: string;
    data: unknown;
    at: Date;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO inspection.alerts (type, district, project_id, occurrence, data, raised_at) VALUES ($1,$2,$3,$4,$5,$6)',
    [a.type, a.district, a.projectId ?? null, a.occurrence ?? null, JSON.stringify(a.data), a.at],
  );
  emit({ topic: TOPICS.alerts, type: a.type, key: a.key, data: a.data as never, occurredAt: a.at });
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 20);
export const caseIdOf = (caseKey: string) => `C-${hash(caseKey)}`;
export const taskIdOf = (stepKey: string) => `T-${hash(stepKey)}`;

/** `projectId|code`: the code (a credit code or bank code) never holds a `|`. */
export function splitCaseKey(caseKey: string): { projectId: string; code: string } {
  const i = caseKey.lastIndexOf('|');
  return { projectId: caseKey.slice(0, i), code: caseKey.slice(i + 1) };
}

export const LEVELS = ['none', 'notice', 'warning', 'inspection-task', 'critical'] as const;
export type CaseLevel = (typeof LEVELS)[number];
const higher = (a: CaseLevel, b: LadderStepKind): CaseLevel =>
  LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a;

export type CaseRow = {
  case_id: string;
  case_key: string;
  project_id: string;
  employer_kind: 'contractor' | 'bank' | 'owner';
  employer_code: string;
  employer_name: string;
  district: string;
  sector: string;
  co_regulator: string | null;
  police_liaison: boolean;
  status: 'open' | 'closed';
  level: CaseLevel;
  cycle: number;
  opened_at: Date;
  closed_at: Date | null;
  reopened_at: Date | null;
  deadline: string | null;
  paused_until: string | null;
  updated_at: Date;
};

export function toCaseFinding(s: FindingSnapshot): CaseFinding {
  return {
    findingId: s.findingId,
    rule: s.rule,
    severity: s.severity,
    status: s.status,
    projectId: s.projectId,
    ...(s.period ? { period: s.period } : {}),
    ...(s.dueDate ? { dueDate: s.dueDate } : {}),
    ...(s.amountOwed !== undefined ? { amountOwed: parseYuan(s.amountOwed) } : {}),
    raisedAt: new Date(s.raisedAt),
    ...(s.resolvedAt ? { resolvedAt: new Date(s.resolvedAt) } : {}),
    responsible: s.responsible,
    ...(s.policeReferral ? { policeReferral: true } : {}),
  };
}

function alertOf(row: CaseRow, openFindings: number, detail: string, step?: CaseAlert['step']): CaseAlert {
  return {
    caseId: row.case_id,
    projectId: row.project_id,
    district: row.district,
    sector: row.sector,
    employer: { kind: row.employer_kind, name: row.employer_name, code: row.employer_code },
    coRegulator: row.co_regulator,
    policeLiaison: row.police_liaison,
    status: row.status,
    level: row.level,
    cycle: row.cycle,
    ...(step ? { step } : {}),
    openFindings,
    detail,
  };
}

export async function history(
  tx: Sql,
  entry: {
    caseId: string;
    at: Date;
    actor: string;
    action: string;
    note?: string;
    stepKey?: string;
    detail?: unknown;
  },
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO inspection.case_history (case_id, at, actor, action, step_key, note, detail) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (step_key) DO NOTHING RETURNING id`,
    [
      entry.caseId,
      entry.at,
      entry.actor,
      entry.action,
      entry.stepKey ?? null,
      entry.note ?? null,
      entry.detail === undefined ? null : JSON.stringify(entry.detail),
    ],
  );
  return rows.length > 0;
}

export async function taskAudit(
  tx: Sql,
  e: {
    taskId: string;
    at: Date;
    actor: string;
    action: string;
    from?: string | null;
    to?: string | null;
    note?: string | null;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO inspection.task_events (task_id, at, actor, action, from_status, to_status, note) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [e.taskId, e.at, e.actor, e.action, e.from ?? null, e.to ?? null, e.note ?? null],
  );
}

export type TaskRow = {
  task_id: string;
  case_id: string;
  project_id: string;
  district: string;
  kind: 'inspection' | 'notice' | 'follow-up';
  status: 'open' | 'assigned' | 'in-progress' | 'resolved' | 'closed';
  assignee: string | null;
  due_on: string;
  step_key: string | null;
  opened_at: Date;
  updated_at: Date;
  closed_at: Date | null;
};
export const TASK_COLUMNS = `task_id, case_id, project_id, district, kind, status, assignee, due_on::text AS due_on, step_key,
  opened_at, updated_at, closed_at`;
export const CASE_COLUMNS = `case_id, case_key, project_id, employer_kind, employer_code, employer_name, district, sector,
  co_regulator, police_liaison, status, level, cycle, opened_at, closed_at, reopened_at, deadline::text AS deadline,
  paused_until::text AS paused_until, updated_at`;

export function taskEventOf(t: TaskRow, actor: string, note?: string): TaskEvent {
  return {
    taskId: t.task_id,
    caseId: t.case_id,
    projectId: t.project_id,
    district: t.district,
    kind: t.kind,
    status: t.status,
    ...(t.assignee ? { assignee: t.assignee } : {}),
    dueOn: t.due_on,
    actor,
    ...(note ? { note } : {}),
  };
}

export const TERMINAL_TASK = ['resolved', 'closed'];

export async function loadCaseFindings(tx: Sql, projectId: string, code: string): Promise<FindingSnapshot[]> {
  const rows = await tx.query<{ snapshot: FindingSnapshot }>(
    `SELECT snapshot FROM inspection.findings WHERE project_id = $1 AND snapshot->'responsible'->>'code' = $2
     ORDER BY raised_at, finding_id`,
    [projectId, code],
  );
  return rows.map((r) => r.snapshot);
}

export type CaseEvaluation = {
  caseId?: string;
  steps: { caseId: string; step: LadderStepKind; key: string; dueOn: string }[];
  opened: boolean;
  reopened: boolean;
  closed: boolean;
};

/**
 * Brings one case up to date with its findings and the instant, in the caller's transaction:
 * opens it (or reopens it) when an open finding calls for it, attaches new findings, routes
 * it, takes the ladder steps due (each once: its key is unique in the history), and closes it
 * when every finding is resolved and every task done. Every change is a history row and an
 * event (alerts, tasks).
 */
export async function evaluateCase(
  tx: Sql,
  caseKey: string,
  options: CaseContext & { asOf: Date; at: Date; emit: Emit },
): Promise<CaseEvaluation> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`inspection:case:${caseKey}`]);
  const result: CaseEvaluation = { steps: [], opened: false, reopened: false, closed: false };
  const { projectId, code } = splitCaseKey(caseKey);
  const snapshots = await loadCaseFindings(tx, projectId, code);
  const findings = snapshots.map(toCaseFinding);
  const open = findings.filter((f) => f.status === 'open');
  const [project] = await tx.query<{ district: string; sector: CaseSector }>(
    'SELECT district, sector FROM inspection.projects WHERE project_id = $1',
    [projectId],
  );
  const where = { district: project?.district ?? '', sector: project?.sector ?? 'other' };
  const latest = snapshots[snapshots.length - 1];
  const { at, emit } = options;
  const alert = (type: 'case.opened' | 'case.escalated' | 'case.closed' | 'case.reopened', data: CaseAlert) =>
    raiseAlert(tx, emit, { type, district: data.district, projectId, key: projectId, data, at });

  let [row] = await tx.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM inspection.cases WHERE case_key = $1`, [
    caseKey,
  ]);
  if (!row) {
    if (open.length === 0 || !latest) return result;
    const routing = routeCase(where, findings);
    const caseId = caseIdOf(caseKey);
    [row] = await tx.query<CaseRow>(
      `INSERT INTO inspection.cases (case_id, case_key, project_id, employer_kind, employer_code, employer_name, district, sector,
         co_regulator, police_liaison, status, level, cycle, opened_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'open','none',1,$11,$11) RETURNING ${CASE_COLUMNS}`,
      [
        caseId,
        caseKey,
        projectId,
        latest.responsible.kind,
        code,
        latest.responsible.name,
        routing.team,
        where.sector,
        routing.coRegulator,
        routing.policeLiaison,
        at,
      ],
    );
    if (!row) throw new Error(`case ${caseKey} was not created`);
    await history(tx, {
      caseId,
      at,
      actor: 'system',
      action: 'opened',
      note: `opened on ${open.length} open finding(s); routed to ${routing.team || '(district unknown)'}${routing.coRegulator ? ` and ${routing.coRegulator}` : ''}${routing.policeLiaison ? ' and the police liaison' : ''}`,
    });
    await alert('case.opened', alertOf(row, open.length, `case opened against ${row.employer_name}`));
    result.opened = true;
  } else if (row.status === 'closed' && open.length > 0) {
    [row] = await tx.query<CaseRow>(
      `UPDATE inspection.cases SET status = 'open', cycle = cycle + 1, level = 'none', reopened_at = $2, closed_at = NULL,
         deadline = NULL, paused_until = NULL, updated_at = $2 WHERE case_id = $1 RETURNING ${CASE_COLUMNS}`,
      [row.case_id, at],
    );
    if (!row) throw new Error(`case ${caseKey} vanished`);
    await history(tx, {
      caseId: row.case_id,
      at,
      actor: 'system',
      action: 'reopened',
      note: `reopened (cycle ${row.cycle}): ${open.length} open finding(s)`,
    });
    await alert('case.reopened', alertOf(row, open.length, `case reopened: new open findings`));
    result.reopened = true;
  }
  const caseId = row.case_id;
  result.caseId = caseId;

  // Attach the findings the case does not hold yet.
  if (findings.length) {
    const attached = await tx.query<{ finding_id: string }>(
      `INSERT INTO inspection.case_findings (case_id, finding_id, cycle, attached_at)
       SELECT $1, unnest($2::text[]), $3, $4 ON CONFLICT DO NOTHING RETURNING finding_id`,
      [caseId, findings.map((f) => f.findingId), row.cycle, at],
    );
    if (attached.length) {
      const rules = new Map<string, number>();
      for (const a of attached) {
        const f = findings.find((x) => x.findingId === a.finding_id);
        if (f) rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1);
      }
      await history(tx, {
        caseId,
        at,
        actor: 'system',
        action: 'findings-attached',
        note: [...rules].map(([r, n]) => `${r} × ${n}`).join(', '),
        detail: { findingIds: attached.map((a) => a.finding_id) },
      });
    }
  }

  // Routing follows the project's registration and the findings (police liaison is sticky).
  const routing = routeCase(where, findings, row.police_liaison);
  if (
    routing.team !== row.district ||
    routing.coRegulator !== row.co_regulator ||
    routing.policeLiaison !== row.police_liaison ||
    where.sector !== row.sector
  ) {
    const toPolice = routing.policeLiaison && !row.police_liaison;
    [row] = await tx.query<CaseRow>(
      `UPDATE inspection.cases SET district = $2, sector = $3, co_regulator = $4, police_liaison = $5, updated_at = $6
       WHERE case_id = $1 RETURNING ${CASE_COLUMNS}`,
      [caseId, routing.team, where.sector, routing.coRegulator, routing.policeLiaison, at],
    );
    if (!row) throw new Error(`case ${caseKey} vanished`);
    await history(tx, {
      caseId,
      at,
      actor: 'system',
      action: 'routed',
      note: `team ${routing.team || '(unknown)'}; co-regulator ${routing.coRegulator ?? 'none'}${toPolice ? '; referred to the police liaison (刑事司法联动)' : ''}`,
    });
  }

  if (row.status === 'open') {
    const taken = await tx.query<{ step_key: string }>(
      'SELECT step_key FROM inspection.case_history WHERE case_id = $1 AND step_key IS NOT NULL',
      [caseId],
    );
    const justifications = await tx.query<{
      decision: 'accepted' | 'rejected' | null;
      paused_until: string | null;
    }>(
      'SELECT decision, paused_until::text AS paused_until FROM inspection.justifications WHERE case_id = $1 AND cycle = $2',
      [caseId, row.cycle],
    );
    const ladder = options.ladder ?? DEFAULT_LADDER_CONFIG;
    const verdict = ladderStep(
      {
        caseId,
        cycle: row.cycle,
        findings,
        stepsTaken: new Set(taken.map((t) => t.step_key)),
        justifications: justifications.map((j) => ({ decision: j.decision, pausedUntil: j.paused_until })),
      },
      options.asOf,
      options.calendar,
      ladder,
    );
    let level = row.level;
    for (const step of verdict.due) {
      const fresh = await history(tx, {
        caseId,
        at,
        actor: 'system',
        action: `escalated:${step.step}`,
        stepKey: step.key,
        note: step.reason,
        detail: { dueOn: step.dueOn, asOf: options.asOf.toISOString() },
      });
      if (!fresh) continue;
      level = higher(level, step.step);
      row = { ...row, level };
      if (step.step === 'inspection-task') await openLadderTask(tx, row, step.key, options, ladder);
      await alert(
        'case.escalated',
        alertOf(row, open.length, step.reason, { kind: step.step, key: step.key, dueOn: step.dueOn }),
      );
      result.steps.push({ caseId, step: step.step, key: step.key, dueOn: step.dueOn });
    }
    for (const w of verdict.warnings) {
      await history(tx, {
        caseId,
        at,
        actor: 'system',
        action: 'warning',
        note: w,
        stepKey: `${stepKeyOf(caseId, row.cycle, 'notice')}:calendar:${shanghaiDate(options.asOf).slice(0, 4)}`,
      });
    }
    let deadline = verdict.next?.dueOn ?? null;
    // The winter campaign: every open case is to be closed before the Spring Festival.
    const winter = winterCampaign(
      options.asOf,
      options.calendar,
      options.campaigns ?? DEFAULT_CAMPAIGN_CONFIG,
    );
    if (winter.active && winter.eve && open.length > 0) {
      if (!deadline || compareDates(winter.eve, deadline) < 0) deadline = winter.eve;
      await history(tx, {
        caseId,
        at,
        actor: 'system',
        action: 'campaign:winter',
        stepKey: `${caseId}:winter:${winter.season}`,
        note: `winter campaign ${winter.season}: to be closed before the Spring Festival, by ${winter.eve}; wage findings count one severity step higher`,
      });
    }
    const paused = verdict.pausedUntil ?? null;
    if (
      level !== row.level ||
      deadline !== row.deadline ||
      paused !== row.paused_until ||
      result.steps.length
    ) {
      [row] = await tx.query<CaseRow>(
        `UPDATE inspection.cases SET level = $2, deadline = $3, paused_until = $4, updated_at = $5 WHERE case_id = $1
         RETURNING ${CASE_COLUMNS}`,
        [caseId, level, deadline, paused, at],
      );
      if (!row) throw new Error(`case ${caseKey} vanished`);
    }

    // Closes when every finding is resolved and every task is done.
    if (open.length === 0) {
      const [pending] = await tx.query<{ n: bigint }>(
        `SELECT count(*) AS n FROM inspection.tasks WHERE case_id = $1 AND status <> ALL($2::text[])`,
        [caseId, TERMINAL_TASK],
      );
      if (Number(pending?.n ?? 0n) === 0) {
        [row] = await tx.query<CaseRow>(
          `UPDATE inspection.cases SET status = 'closed', closed_at = $2, deadline = NULL, paused_until = NULL, updated_at = $2
           WHERE case_id = $1 RETURNING ${CASE_COLUMNS}`,
          [caseId, at],
        );
        if (!row) throw new Error(`case ${caseKey} vanished`);
        await history(tx, {
          caseId,
          at,
          actor: 'system',
          action: 'closed',
          note: 'every finding resolved and every task done',
        });
        await alert('case.closed', alertOf(row, 0, 'every finding resolved and every task done'));
        result.closed = true;
      }
    }
  }
  return result;
}

async function openLadderTask(
  tx: Sql,
  row: CaseRow,
  stepKey: string,
  options: CaseContext & { asOf: Date; at: Date; emit: Emit },
  ladder: LadderConfig,
): Promise<void> {
  const today = shanghaiDate(options.asOf);
  let dueOn: string;
  try {
    dueOn = options.calendar.addWorkingDays(today, ladder.taskSlaWorkingDays);
  } catch {
    // Beyond the calendar's coverage: the SLA cannot be counted in working days; a week it is,
    // and the task says so.
    dueOn = shanghaiDate(new Date(options.asOf.getTime() + 7 * 86_400_000));
  }
  const [task] = await tx.query<TaskRow>(
    `INSERT INTO inspection.tasks (task_id, case_id, project_id, district, kind, status, due_on, step_key, opened_at, updated_at)
     VALUES ($1,$2,$3,$4,'inspection','open',$5,$6,$7,$7) ON CONFLICT (step_key) DO NOTHING RETURNING ${TASK_COLUMNS}`,
    [taskIdOf(stepKey), row.case_id, row.project_id, row.district, dueOn, stepKey, options.at],
  );
  if (!task) return;
  await announceTask(tx, task, `opened by the escalation ladder; due ${dueOn}`, options);
}

/** Opens an inspection task on a case for a campaign (once per key), in the caller's transaction. */
export async function openCampaignTask(
  tx: Sql,
  c: { case_id: string; project_id: string; district: string },
  stepKey: string,
  dueOn: string,
  note: string,
  options: { at: Date; emit: Emit },
): Promise<string | null> {
  const [task] = await tx.query<TaskRow>(
    `INSERT INTO inspection.tasks (task_id, case_id, project_id, district, kind, status, due_on, step_key, opened_at, updated_at)
     VALUES ($1,$2,$3,$4,'inspection','open',$5,$6,$7,$7) ON CONFLICT (step_key) DO NOTHING RETURNING ${TASK_COLUMNS}`,
    [taskIdOf(stepKey), c.case_id, c.project_id, c.district, dueOn, stepKey, options.at],
  );
  if (!task) return null;
  await announceTask(tx, task, `${note}; due ${dueOn}`, options);
  return task.task_id;
}

async function announceTask(tx: Sql, task: TaskRow, note: string, options: { at: Date; emit: Emit }) {
  await taskAudit(tx, {
    taskId: task.task_id,
    at: options.at,
    actor: 'system',
    action: 'opened',
    to: 'open',
    note,
  });
  options.emit({
    topic: TOPICS.tasks,
    type: 'task.opened',
    key: task.project_id,
    data: taskEventOf(task, 'system', note),
    occurredAt: options.at,
  });
}

/**
 * Recomputes the risk grade of a project and of an employer from every finding on record about
 * them, in the caller's transaction.
 */
export async function recomputeRisk(
  tx: Sql,
  subjects: { projectIds: readonly string[]; employerCodes: readonly string[] },
  asOf: Date,
  config: RiskConfig = DEFAULT_RISK_CONFIG,
): Promise<void> {
  const upsert = async (
    kind: 'project' | 'employer',
    id: string,
    rows: { snapshot: FindingSnapshot; district: string }[],
  ) => {
    const r = riskGrade(
      rows.map((x) => toCaseFinding(x.snapshot)),
      asOf,
      config,
    );
    await tx.query(
      `INSERT INTO inspection.risk_grades (subject_kind, subject_id, grade, score, computed_at, inputs, districts, project_ids)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (subject_kind, subject_id) DO UPDATE SET grade = EXCLUDED.grade, score = EXCLUDED.score,
         computed_at = EXCLUDED.computed_at, inputs = EXCLUDED.inputs, districts = EXCLUDED.districts, project_ids = EXCLUDED.project_ids`,
      [
        kind,
        id,
        r.grade,
        r.score,
        asOf,
        JSON.stringify({ ...r.inputs, amountOwedFen: r.inputs.amountOwedFen.toString(), points: r.points }),
        [...new Set(rows.map((x) => x.district))].filter(Boolean),
        kind === 'project' ? [id] : [...new Set(rows.map((x) => x.snapshot.projectId))],
      ],
    );
  };
  const select = `SELECT f.snapshot, coalesce(p.district, f.district) AS district FROM inspection.findings f
    LEFT JOIN inspection.projects p ON p.project_id = f.project_id`;
  for (const projectId of new Set(subjects.projectIds)) {
    await upsert(
      'project',
      projectId,
      await tx.query<{ snapshot: FindingSnapshot; district: string }>(`${select} WHERE f.project_id = $1`, [
        projectId,
      ]),
    );
  }
  for (const code of new Set(subjects.employerCodes)) {
    await upsert(
      'employer',
      code,
      await tx.query<{ snapshot: FindingSnapshot; district: string }>(
        `${select} WHERE f.snapshot->'responsible'->>'code' = $1`,
        [code],
      ),
    );
  }
}
