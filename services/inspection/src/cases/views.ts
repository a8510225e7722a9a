import {
  CASE_LEVELS,
  type FindingSnapshot,
  findingSnapshot,
  localDateString,
  SEVERITIES,
} from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { CASE_CLOSING_OUTCOMES, winterSeverity } from '@wagewatch/domain';
import { z } from 'zod';
import { toIso } from '../context.ts';
import { TASK_COLUMNS, type TaskRow } from '../tasks/repository.ts';
import { tasksWithTrail, taskView } from '../tasks/views.ts';
import { type CaseRow, evidenceOf } from './repository.ts';

const iso = z.string();

export const caseSummary = z.object({
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
  /**
   * How a closed case was closed (null while open): by `system` (every finding resolved and every
   * task done, outcome null) or by a person with an outcome and a reason; `closedOver` lists the
   * open findings that closing covered (they do not reopen the case; a new finding does).
   */
  closing: z
    .object({
      by: z.string(),
      outcome: z.enum(CASE_CLOSING_OUTCOMES).nullable(),
      reason: z.string().nullable(),
      closedOver: z.array(z.string()),
    })
    .nullable(),
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
export const justificationView = z.object({
  justificationId: z.string(),
  cycle: z.number(),
  text: z.string(),
  submittedBy: z.string(),
  submittedAt: iso,
  /** `awaiting-confirmation`: a critical case's acceptance proposed by one person, waiting for a second. */
  decision: z.enum(['accepted', 'rejected', 'awaiting-confirmation']).nullable(),
  /** The final decider (on a critical case: the second person, who confirmed or declined). */
  decidedBy: z.string().nullable(),
  decidedAt: iso.nullable(),
  reason: z.string().nullable(),
  pausedUntil: localDateString.nullable(),
  /** The first person's acceptance on a critical case (pending, or confirmed/declined since). */
  proposal: z
    .object({ proposedBy: z.string(), proposedAt: iso, reason: z.string(), pauseUntil: localDateString })
    .nullable(),
});
const historyEntry = z.object({
  at: iso,
  actor: z.string(),
  action: z.string(),
  stepKey: z.string().nullable(),
  note: z.string().nullable(),
});
export const caseDetail = caseSummary.extend({
  findings: z.array(findingSnapshot),
  /**
   * The bank records and payroll sheets behind the case (its open findings' evidence, every
   * finding's once none is open): references to look up with GET /v1/evidence/{ref}.
   */
  evidence: z.array(z.string()),
  history: z.array(historyEntry),
  tasks: z.array(taskView),
  justifications: z.array(justificationView),
});
const SEVERITY_ORDER = [...SEVERITIES];

export async function summaries(
  tx: Sql,
  rows: CaseRow[],
  winter: boolean,
): Promise<z.infer<typeof caseSummary>[]> {
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
      closing:
        r.status === 'closed'
          ? {
              by: r.closed_by ?? 'system',
              outcome: (r.closing_outcome as (typeof CASE_CLOSING_OUTCOMES)[number] | null) ?? null,
              reason: r.closing_reason,
              closedOver: r.closed_over,
            }
          : null,
      deadline: r.deadline,
      pausedUntil: r.paused_until,
      openFindings: Number(s?.open ?? 0n),
      maxSeverity,
      winterCampaign: winter,
    };
  });
}

/** A case with its findings, history, tasks (with their trail) and justifications. */
export async function detail(
  tx: Sql,
  row: CaseRow,
  at: { winter: boolean; today: string },
): Promise<z.infer<typeof caseDetail>> {
  const [summary] = await summaries(tx, [row], at.winter);
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
  }>('SELECT at, actor, action, step_key, note FROM inspection.case_history WHERE case_id = $1 ORDER BY id', [
    row.case_id,
  ]);
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
    decision: 'accepted' | 'rejected' | 'awaiting-confirmation' | null;
    decided_by: string | null;
    decided_at: Date | null;
    reason: string | null;
    paused_until: string | null;
    proposed_by: string | null;
    proposed_at: Date | null;
    proposed_reason: string | null;
    proposed_pause_until: string | null;
  }>(
    `SELECT justification_id, cycle, text, submitted_by, submitted_at, decision, decided_by, decided_at, reason,
       paused_until::text AS paused_until, proposed_by, proposed_at, proposed_reason,
       proposed_pause_until::text AS proposed_pause_until FROM inspection.justifications WHERE case_id = $1 ORDER BY submitted_at, justification_id`,
    [row.case_id],
  );
  return {
    ...summary!,
    findings: findings.map((f) => f.snapshot),
    evidence: evidenceOf(findings.map((f) => f.snapshot)),
    history: hist.map((h) => ({
      at: h.at.toISOString(),
      actor: h.actor,
      action: h.action,
      stepKey: h.step_key,
      note: h.note,
    })),
    tasks: await tasksWithTrail(tx, tasks, at.today),
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
      proposal:
        j.proposed_by && j.proposed_at && j.proposed_pause_until
          ? {
              // The person as the case history names them (the stored id is what the
              // two-person rule compares; a person's id is "user:<uuid>").
              proposedBy:
                hist.find(
                  (h) => h.action === 'justification-proposed' && h.at.getTime() === j.proposed_at!.getTime(),
                )?.actor ?? j.proposed_by,
              proposedAt: j.proposed_at.toISOString(),
              reason: j.proposed_reason ?? '',
              pauseUntil: j.proposed_pause_until,
            }
          : null,
    })),
  };
}
