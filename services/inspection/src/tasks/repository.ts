import { createHash } from 'node:crypto';
import { type TaskEvent, TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import type { TaskStatus } from '@wagewatch/domain';
import type { Emit } from '../alerts/repository.ts';

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 20);
export const taskIdOf = (stepKey: string) => `T-${hash(stepKey)}`;

export type TaskRow = {
  task_id: string;
  case_id: string;
  project_id: string;
  district: string;
  kind: 'inspection' | 'notice' | 'follow-up';
  status: TaskStatus;
  assignee: string | null;
  due_on: string;
  step_key: string | null;
  opened_at: Date;
  updated_at: Date;
  closed_at: Date | null;
};
export const TASK_COLUMNS = `task_id, case_id, project_id, district, kind, status, assignee, due_on::text AS due_on, step_key,
  opened_at, updated_at, closed_at`;

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

/**
 * Opens an inspection task on a case (once per step key: the ladder's step, a campaign's
 * occurrence and project), in the caller's transaction; null when the key's task exists.
 */
export async function openTask(
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
  return task.task_id;
}
