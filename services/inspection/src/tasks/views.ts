import { localDateString, TASK_KINDS, TASK_STATUSES } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { isTerminalTask } from '@wagewatch/domain';
import { z } from 'zod';
import { toIso } from '../context.ts';
import type { TaskRow } from './repository.ts';

const iso = z.string();

const taskAuditEntry = z.object({
  at: iso,
  actor: z.string(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  note: z.string().nullable(),
});
export const taskView = z.object({
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
export async function tasksWithTrail(
  tx: Sql,
  rows: TaskRow[],
  today: string,
): Promise<z.infer<typeof taskView>[]> {
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
    overdue: !isTerminalTask(t.status) && t.due_on < today,
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
