import { createHash } from 'node:crypto';
import type { CaseAlert, FindingSnapshot } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  type CampaignConfig,
  type CaseFinding,
  type CaseLevel,
  type CaseSector,
  type CaseState,
  decideCase,
  evolveCase,
  type LadderConfig,
  type LadderStepKind,
  parseYuan,
  type RiskConfig,
  TERMINAL_TASK_STATUSES,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { type Emit, raiseAlert } from '../alerts/repository.ts';
import { openTask } from '../tasks/repository.ts';

export type CaseContext = {
  calendar: WorkingDayCalendar;
  ladder?: LadderConfig;
  risk?: RiskConfig;
  campaigns?: CampaignConfig;
};

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 20);
export const caseIdOf = (caseKey: string) => `C-${hash(caseKey)}`;

/** `projectId|code`: the code (a credit code or bank code) never holds a `|`. */
export function splitCaseKey(caseKey: string): { projectId: string; code: string } {
  const i = caseKey.lastIndexOf('|');
  return { projectId: caseKey.slice(0, i), code: caseKey.slice(i + 1) };
}

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
  /** `system` or the person who closed it last (null while open). */
  closed_by: string | null;
  closing_outcome: string | null;
  closing_reason: string | null;
  /** The open findings a person's closing covered (ADR 0020). */
  closed_over: string[];
  updated_at: Date;
};
export const CASE_COLUMNS = `case_id, case_key, project_id, employer_kind, employer_code, employer_name, district, sector,
  co_regulator, police_liaison, status, level, cycle, opened_at, closed_at, reopened_at, deadline::text AS deadline,
  paused_until::text AS paused_until, closed_by, closing_outcome, closing_reason, closed_over, updated_at`;

export async function caseById(tx: Sql, caseId: string): Promise<CaseRow | undefined> {
  const [row] = await tx.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM inspection.cases WHERE case_id = $1`, [
    caseId,
  ]);
  return row;
}

/** Serialises every change to one case (evaluation, justification, task closing it). */
export async function lockCase(tx: Sql, caseKey: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`inspection:case:${caseKey}`]);
}

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

/** At most this many evidence references travel on one alert (the case's detail lists them all). */
export const ALERT_EVIDENCE_LIMIT = 100;

/**
 * The records behind a set of findings (their `evidence`, packages/domain/src/evidence.ts):
 * the open findings' when any is open, else every finding's (a closed case), sorted, unique.
 */
export function evidenceOf(findings: readonly FindingSnapshot[]): string[] {
  const open = findings.filter((f) => f.status === 'open');
  return [...new Set((open.length ? open : findings).flatMap((f) => f.evidence))].sort();
}

function alertOf(
  row: CaseRow,
  openFindings: number,
  detail: string,
  evidence: readonly string[],
  step?: CaseAlert['step'],
): CaseAlert {
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
    evidence: evidence.slice(0, ALERT_EVIDENCE_LIMIT),
  };
}

/** A row of the case history; false when its step key is already there (a step is taken once). */
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

export async function loadCaseFindings(tx: Sql, projectId: string, code: string): Promise<FindingSnapshot[]> {
  const rows = await tx.query<{ snapshot: FindingSnapshot }>(
    `SELECT snapshot FROM inspection.findings WHERE project_id = $1 AND snapshot->'responsible'->>'code' = $2
     ORDER BY raised_at, finding_id`,
    [projectId, code],
  );
  return rows.map((r) => r.snapshot);
}

/** What a reopening sets, automatic or a person's: a fresh cycle's ladder, the closing forgotten. */
export const REOPEN_SET = `status = 'open', level = 'none', closed_at = NULL, deadline = NULL, paused_until = NULL,
  closed_by = NULL, closing_outcome = NULL, closing_reason = NULL, closed_over = '{}'`;

export type CaseEvaluation = {
  caseId?: string;
  steps: { caseId: string; step: LadderStepKind; key: string; dueOn: string }[];
  opened: boolean;
  reopened: boolean;
  closed: boolean;
};

const stateOf = (row: CaseRow): CaseState => ({
  caseId: row.case_id,
  employer: { kind: row.employer_kind, name: row.employer_name, code: row.employer_code },
  status: row.status,
  level: row.level,
  cycle: row.cycle,
  routing: { team: row.district, coRegulator: row.co_regulator, policeLiaison: row.police_liaison },
  sector: row.sector as CaseSector,
  deadline: row.deadline,
  pausedUntil: row.paused_until,
});

/** The row as it stands after an event (what the UPDATE/INSERT below wrote). */
function rowAfter(row: CaseRow, state: CaseState, at: Date): CaseRow {
  return {
    ...row,
    case_id: state.caseId,
    employer_kind: state.employer.kind,
    employer_code: state.employer.code,
    employer_name: state.employer.name,
    district: state.routing.team,
    sector: state.sector,
    co_regulator: state.routing.coRegulator,
    police_liaison: state.routing.policeLiaison,
    status: state.status,
    level: state.level,
    cycle: state.cycle,
    deadline: state.deadline,
    paused_until: state.pausedUntil,
    updated_at: at,
  };
}

/**
 * Brings one case up to date with its findings and the instant, in the caller's transaction:
 * loads its state and the facts on record, asks the domain (`decideCase`) what happens, and
 * stores each event — the case row, a history row, an alert, a task. Nothing is decided here.
 */
export async function evaluateCase(
  tx: Sql,
  caseKey: string,
  options: CaseContext & { asOf: Date; at: Date; emit: Emit },
): Promise<CaseEvaluation> {
  await lockCase(tx, caseKey);
  const result: CaseEvaluation = { steps: [], opened: false, reopened: false, closed: false };
  const { projectId, code } = splitCaseKey(caseKey);
  const { at, emit } = options;
  const snapshots = await loadCaseFindings(tx, projectId, code);
  const findings = snapshots.map(toCaseFinding);
  const evidence = evidenceOf(snapshots);
  const [project] = await tx.query<{ district: string; sector: CaseSector }>(
    'SELECT district, sector FROM inspection.projects WHERE project_id = $1',
    [projectId],
  );
  let [row] = await tx.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM inspection.cases WHERE case_key = $1`, [
    caseKey,
  ]);
  const caseId = row?.case_id ?? caseIdOf(caseKey);
  // What is on record about the case, in one round trip: attached findings, step keys taken,
  // open tasks and every justification (each with its cycle).
  const [recorded] = row
    ? await tx.query<{
        attached: string[];
        taken: string[];
        pending: bigint;
        justifications: {
          cycle: number;
          decision: 'accepted' | 'rejected' | 'awaiting-confirmation' | null;
          paused_until: string | null;
        }[];
      }>(
        `SELECT
           (SELECT coalesce(array_agg(finding_id), '{}') FROM inspection.case_findings WHERE case_id = $1) AS attached,
           (SELECT coalesce(array_agg(step_key), '{}') FROM inspection.case_history
              WHERE case_id = $1 AND step_key IS NOT NULL) AS taken,
           (SELECT count(*) FROM inspection.tasks WHERE case_id = $1 AND status <> ALL($2::text[])) AS pending,
           (SELECT coalesce(json_agg(json_build_object('cycle', cycle, 'decision', decision,
              'paused_until', paused_until::text)), '[]') FROM inspection.justifications WHERE case_id = $1) AS justifications`,
        [caseId, [...TERMINAL_TASK_STATUSES]],
      )
    : [];
  const events = decideCase(
    row ? stateOf(row) : undefined,
    {
      caseId,
      findings,
      attached: new Set(recorded?.attached ?? []),
      project: { district: project?.district ?? '', sector: project?.sector ?? 'other' },
      stepsTaken: new Set(recorded?.taken ?? []),
      justifications: (recorded?.justifications ?? []).map((j) => ({
        cycle: j.cycle,
        decision: j.decision,
        pausedUntil: j.paused_until,
      })),
      pendingTasks: Number(recorded?.pending ?? 0n),
      closedOver: new Set(row?.closed_over ?? []),
    },
    options,
  );
  if (row || events.length) result.caseId = caseId;

  let state = row ? stateOf(row) : undefined;
  const alert = (type: 'case.opened' | 'case.escalated' | 'case.closed' | 'case.reopened', data: CaseAlert) =>
    raiseAlert(tx, emit, { type, district: data.district, projectId, key: projectId, data, at });
  const system = { caseId, at, actor: 'system' };
  for (const event of events) {
    state = evolveCase(state, event);
    if (!state) throw new Error(`case ${caseKey}: no state after ${event.type}`);
    switch (event.type) {
      case 'case.opened': {
        [row] = await tx.query<CaseRow>(
          `INSERT INTO inspection.cases (case_id, case_key, project_id, employer_kind, employer_code, employer_name, district, sector,
             co_regulator, police_liaison, status, level, cycle, opened_at, updated_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'open','none',1,$11,$11) RETURNING ${CASE_COLUMNS}`,
          [
            caseId,
            caseKey,
            projectId,
            event.employer.kind,
            code,
            event.employer.name,
            event.routing.team,
            event.sector,
            event.routing.coRegulator,
            event.routing.policeLiaison,
            at,
          ],
        );
        if (!row) throw new Error(`case ${caseKey} was not created`);
        await history(tx, { ...system, action: 'opened', note: event.note });
        await alert(
          'case.opened',
          alertOf(row, event.openFindings, `case opened against ${row.employer_name}`, evidence),
        );
        result.opened = true;
        break;
      }
      case 'case.reopened': {
        [row] = await tx.query<CaseRow>(
          `UPDATE inspection.cases SET ${REOPEN_SET}, cycle = $3, reopened_at = $2, updated_at = $2
           WHERE case_id = $1 RETURNING ${CASE_COLUMNS}`,
          [caseId, at, event.cycle],
        );
        if (!row) throw new Error(`case ${caseKey} vanished`);
        await history(tx, { ...system, action: 'reopened', note: event.note });
        await alert(
          'case.reopened',
          alertOf(row, event.openFindings, 'case reopened: new open findings', evidence),
        );
        result.reopened = true;
        break;
      }
      case 'findings.attached': {
        const inserted = await tx.query<{ finding_id: string }>(
          `INSERT INTO inspection.case_findings (case_id, finding_id, cycle, attached_at)
           SELECT $1, unnest($2::text[]), $3, $4 ON CONFLICT DO NOTHING RETURNING finding_id`,
          [caseId, event.findingIds, event.cycle, at],
        );
        if (inserted.length) {
          await history(tx, {
            ...system,
            action: 'findings-attached',
            note: event.note,
            detail: { findingIds: inserted.map((a) => a.finding_id) },
          });
        }
        break;
      }
      case 'case.routed': {
        [row] = await tx.query<CaseRow>(
          `UPDATE inspection.cases SET district = $2, sector = $3, co_regulator = $4, police_liaison = $5, updated_at = $6
           WHERE case_id = $1 RETURNING ${CASE_COLUMNS}`,
          [
            caseId,
            event.routing.team,
            event.sector,
            event.routing.coRegulator,
            event.routing.policeLiaison,
            at,
          ],
        );
        if (!row) throw new Error(`case ${caseKey} vanished`);
        await history(tx, { ...system, action: 'routed', note: event.note });
        break;
      }
      case 'case.escalated': {
        const { step } = event;
        const fresh = await history(tx, {
          ...system,
          action: `escalated:${step.step}`,
          stepKey: step.key,
          note: step.reason,
          detail: { dueOn: step.dueOn, asOf: options.asOf.toISOString() },
        });
        if (!fresh || !row) break;
        row = rowAfter(row, state, row.updated_at);
        if (event.task) {
          const warning = event.task.warning ? `; ${event.task.warning}` : '';
          await openTask(
            tx,
            row,
            step.key,
            event.task.dueOn,
            `opened by the escalation ladder; due ${event.task.dueOn}${warning}`,
            options,
          );
          if (event.task.warning) {
            await history(tx, {
              ...system,
              action: 'warning',
              note: `inspection task: ${event.task.warning}`,
            });
          }
        }
        await alert(
          'case.escalated',
          alertOf(row, event.openFindings, step.reason, evidence, {
            kind: step.step,
            key: step.key,
            dueOn: step.dueOn,
          }),
        );
        result.steps.push({ caseId, step: step.step, key: step.key, dueOn: step.dueOn });
        break;
      }
      case 'calendar.warned':
        await history(tx, { ...system, action: 'warning', note: event.note, stepKey: event.key });
        break;
      case 'winter.deadline-set':
        await history(tx, { ...system, action: 'campaign:winter', stepKey: event.key, note: event.note });
        break;
      case 'case.scheduled': {
        [row] = await tx.query<CaseRow>(
          `UPDATE inspection.cases SET level = $2, deadline = $3, paused_until = $4, updated_at = $5 WHERE case_id = $1
           RETURNING ${CASE_COLUMNS}`,
          [caseId, event.level, event.deadline, event.pausedUntil, at],
        );
        if (!row) throw new Error(`case ${caseKey} vanished`);
        break;
      }
      case 'case.closed': {
        [row] = await tx.query<CaseRow>(
          `UPDATE inspection.cases SET status = 'closed', closed_at = $2, deadline = NULL, paused_until = NULL, updated_at = $2,
             closed_by = 'system', closing_outcome = NULL, closing_reason = NULL, closed_over = '{}'
           WHERE case_id = $1 RETURNING ${CASE_COLUMNS}`,
          [caseId, at],
        );
        if (!row) throw new Error(`case ${caseKey} vanished`);
        await history(tx, { ...system, action: 'closed', note: event.note });
        await alert('case.closed', alertOf(row, 0, event.note, evidence));
        result.closed = true;
        break;
      }
      default: {
        const never: never = event;
        throw new Error(`unknown case event ${JSON.stringify(never)}`);
      }
    }
  }
  return result;
}
