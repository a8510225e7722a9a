import { localDateString, TASK_STATUSES, TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { decideTask, shanghaiDate, type TaskCommand } from '@wagewatch/domain';
import {
  actorOf,
  ConflictError,
  NotFoundError,
  type Principal,
  principalOf,
  problemSchema,
  requireRole,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caseById, evaluateCase, history } from '../cases/repository.ts';
import { apiTime, type InspectionContext, problems } from '../context.ts';
import { assertCovers, assertFilter, scopeRows, where } from '../scope.ts';
import { TASK_COLUMNS, type TaskRow, taskAudit, taskEventOf } from './repository.ts';
import { tasksWithTrail, taskView } from './views.ts';

/** Inspection tasks: lists, one task with its trail, and the state machine's transitions. */
export function taskRoutes(deps: InspectionContext): FastifyPluginAsync {
  const time = apiTime(deps);

  async function loadTask(tx: Sql, principal: Principal, taskId: string, lock = false): Promise<TaskRow> {
    requireRole(principal, 'inspector', 'admin');
    const [row] = await tx.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM inspection.tasks WHERE task_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [taskId],
    );
    if (!row) throw new NotFoundError(`task ${taskId} does not exist`);
    assertCovers(principal, { projectId: row.project_id, district: row.district }, `task ${taskId}`);
    return row;
  }

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/v1/tasks',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Inspection tasks: yours (scope=mine) or your districts’ (scope=district)',
          querystring: z.object({
            scope: z.enum(['mine', 'district']).default('district'),
            status: z.enum(TASK_STATUSES).optional(),
            caseId: z.string().optional(),
            district: z.string().optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: {
            200: z.object({
              total: z.number(),
              /** The system's today (Asia/Shanghai, on the injected clock): what `overdue` and a countdown count from. */
              today: localDateString,
              tasks: z.array(taskView),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'inspector', 'admin');
        const q = req.query;
        assertFilter(principal, q);
        if (q.caseId) {
          const c = await caseById(deps.db, q.caseId);
          if (c)
            assertCovers(principal, { projectId: c.project_id, district: c.district }, `case ${q.caseId}`);
        }
        const b = where();
        scopeRows(principal, b, 'tasks');
        if (q.scope === 'mine') b.add('assignee = ?', principal.user?.login ?? principal.keyId);
        if (q.status) b.add('status = ?', q.status);
        if (q.caseId) b.add('case_id = ?', q.caseId);
        if (q.district) b.add('district = ?', q.district);
        const [count] = await deps.db.query<{ n: bigint }>(
          `SELECT count(*) AS n FROM inspection.tasks ${b.clause()}`,
          b.params,
        );
        const rows = await deps.db.query<TaskRow>(
          `SELECT ${TASK_COLUMNS} FROM inspection.tasks ${b.clause()} ORDER BY due_on, task_id LIMIT ${q.limit} OFFSET ${q.offset}`,
          b.params,
        );
        const today = shanghaiDate(await time.evaluationInstant(deps.db));
        return { total: Number(count?.n ?? 0n), today, tasks: await tasksWithTrail(deps.db, rows, today) };
      },
    );

    app.get(
      '/v1/tasks/:taskId',
      {
        schema: {
          tags: ['tasks'],
          summary: 'A task with its complete audit trail',
          params: z.object({ taskId: z.string() }),
          response: { 200: taskView, ...problems },
        },
      },
      async (req) => {
        const task = await loadTask(deps.db, principalOf(req), req.params.taskId);
        const [view] = await tasksWithTrail(
          deps.db,
          [task],
          shanghaiDate(await time.evaluationInstant(deps.db)),
        );
        return view!;
      },
    );

    const transition =
      (command: (body: { note?: string | undefined; inspector?: string }) => TaskCommand) =>
      async (
        req: { params: { taskId: string }; body: { note?: string | undefined; inspector?: string } },
        principal: Principal,
      ) => {
        const at = time.now();
        await deps.outbox.unitOfWork(deps.db, async (tx, emit) => {
          const task = await loadTask(tx, principal, req.params.taskId, true);
          const decision = decideTask(
            { taskId: task.task_id, status: task.status, assignee: task.assignee },
            command(req.body),
          );
          if (!decision.ok) throw new ConflictError(decision.conflict);
          const event = decision.event;
          if (event.type === 'task.noted') {
            await taskAudit(tx, {
              taskId: task.task_id,
              at,
              actor: actorOf(principal),
              action: 'note',
              note: event.note,
            });
            await tx.query('UPDATE inspection.tasks SET updated_at = $2 WHERE task_id = $1', [
              task.task_id,
              at,
            ]);
            return;
          }
          const [updated] = await tx.query<TaskRow>(
            `UPDATE inspection.tasks SET status = $2, assignee = $3, updated_at = $4, closed_at = $5 WHERE task_id = $1
             RETURNING ${TASK_COLUMNS}`,
            [task.task_id, event.to, event.assignee, at, event.terminal ? at : null],
          );
          await taskAudit(tx, {
            taskId: task.task_id,
            at,
            actor: actorOf(principal),
            action: event.action,
            from: event.from,
            to: event.to,
            note: event.note,
          });
          await history(tx, {
            caseId: task.case_id,
            at,
            actor: actorOf(principal),
            action: `task-${event.past}`,
            note: `${task.task_id}${event.note ? `: ${event.note}` : ''}`,
          });
          emit({
            topic: TOPICS.tasks,
            type: event.type,
            key: task.project_id,
            data: taskEventOf(updated!, actorOf(principal), event.note ?? undefined),
            occurredAt: at,
          });
          if (event.terminal) {
            const c = await caseById(tx, task.case_id);
            // The case closes once its findings are resolved and this was its last task.
            if (c)
              await evaluateCase(tx, c.case_key, {
                ...deps,
                asOf: await time.evaluationInstant(tx),
                at,
                emit,
              });
          }
        });
        const task = await loadTask(deps.db, principal, req.params.taskId);
        const [view] = await tasksWithTrail(
          deps.db,
          [task],
          shanghaiDate(await time.evaluationInstant(deps.db)),
        );
        return view!;
      };

    const noteBody = z.object({ note: z.string().trim().min(1).max(4000) });
    const optionalNote = z.object({ note: z.string().trim().min(1).max(4000).optional() }).default({});
    const taskParams = z.object({ taskId: z.string() });
    const taskResponse = { 200: taskView, ...problems, 409: problemSchema };

    app.post(
      '/v1/tasks/:taskId/assign',
      {
        schema: {
          tags: ['tasks'],
          summary:
            'Assign (or reassign) a task to an inspector (their login, from GET /v1/people; or a key id)',
          params: taskParams,
          body: z.object({
            inspector: z.string().trim().min(1).max(200),
            note: z.string().trim().min(1).max(4000).optional(),
          }),
          response: taskResponse,
        },
      },
      async (req) =>
        transition((b) => ({ type: 'assign', inspector: b.inspector ?? '', note: b.note }))(
          req,
          principalOf(req),
        ),
    );
    app.post(
      '/v1/tasks/:taskId/progress',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Mark a task in progress',
          params: taskParams,
          body: optionalNote,
          response: taskResponse,
        },
      },
      async (req) => transition((b) => ({ type: 'progress', note: b.note }))(req, principalOf(req)),
    );
    app.post(
      '/v1/tasks/:taskId/resolve',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Resolve a task',
          params: taskParams,
          body: noteBody,
          response: taskResponse,
        },
      },
      async (req) => transition((b) => ({ type: 'resolve', note: b.note ?? '' }))(req, principalOf(req)),
    );
    app.post(
      '/v1/tasks/:taskId/close',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Close a task without resolving it',
          params: taskParams,
          body: noteBody,
          response: taskResponse,
        },
      },
      async (req) => transition((b) => ({ type: 'close', note: b.note ?? '' }))(req, principalOf(req)),
    );
    app.post(
      '/v1/tasks/:taskId/notes',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Add a note to a task',
          params: taskParams,
          body: noteBody,
          response: taskResponse,
        },
      },
      async (req) => transition((b) => ({ type: 'note', note: b.note ?? '' }))(req, principalOf(req)),
    );
  };
}
