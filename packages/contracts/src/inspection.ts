import { z } from 'zod';
import { localDateString } from './money.ts';

/** The ladder's steps (packages/domain/src/cases): notice, warning, inspection task, critical. */
export const CASE_LEVELS = ['none', 'notice', 'warning', 'inspection-task', 'critical'] as const;
export const caseLevelSchema = z.enum(CASE_LEVELS);
export const caseStatusSchema = z.enum(['open', 'closed']);

/**
 * A case as the alerts topic publishes it (case.opened, case.escalated, case.closed,
 * case.reopened): routing, level and the step taken; no personal data.
 */
export const caseAlertData = z.object({
  caseId: z.string(),
  projectId: z.string(),
  district: z.string(),
  sector: z.string(),
  employer: z.object({ kind: z.enum(['contractor', 'bank', 'owner']), name: z.string(), code: z.string() }),
  coRegulator: z.string().nullable(),
  policeLiaison: z.boolean(),
  status: caseStatusSchema,
  level: caseLevelSchema,
  cycle: z.number().int().positive(),
  /** The ladder step this alert reports (case.escalated). */
  step: z
    .object({
      kind: z.enum(['notice', 'warning', 'inspection-task', 'critical']),
      key: z.string(),
      dueOn: localDateString,
    })
    .optional(),
  openFindings: z.number().int().min(0),
  detail: z.string(),
  /**
   * The bank records and payroll sheets behind the case's open findings (all of them once it is
   * closed), as evidence references (`bank-transfer:<bank>:<ref>`, …; GET /v1/evidence/{ref}),
   * at most 100. Absent on alerts raised before it was added.
   */
  evidence: z.array(z.string()).optional(),
});
export type CaseAlert = z.infer<typeof caseAlertData>;

export const TASK_KINDS = ['inspection', 'notice', 'follow-up'] as const;
export const TASK_STATUSES = ['open', 'assigned', 'in-progress', 'resolved', 'closed'] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);

/** An inspection task's state after a change (task.opened, -assigned, -progressed, -resolved, -closed). */
export const taskEventData = z.object({
  taskId: z.string(),
  caseId: z.string(),
  projectId: z.string(),
  district: z.string(),
  kind: z.enum(TASK_KINDS),
  status: taskStatusSchema,
  /** The key id of the inspector it is assigned to. */
  assignee: z.string().optional(),
  dueOn: localDateString,
  /** Who made the change: a key id, or `system` for the ladder. */
  actor: z.string(),
  note: z.string().optional(),
});
export type TaskEvent = z.infer<typeof taskEventData>;
