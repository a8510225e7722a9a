import { type CaseAlert, TOPICS } from '@wagewatch/contracts';
import {
  CASE_CLOSING_OUTCOMES,
  decideManualCase,
  type ManualCaseCommand,
  shanghaiDate,
  TERMINAL_TASK_STATUSES,
} from '@wagewatch/domain';
import { actorOf, principalOf, problemSchema, requireRole } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { raiseAlert } from '../alerts/repository.ts';
import { apiTime, type InspectionContext, problems } from '../context.ts';
import { acceptedEvent } from '../refusal.ts';
import { openTask, TASK_COLUMNS, type TaskRow, taskAudit, taskEventOf } from '../tasks/repository.ts';
import {
  CASE_COLUMNS,
  type CaseRow,
  evaluateCase,
  evidenceOf,
  history,
  loadCaseFindings,
  lockCase,
  REOPEN_SET,
  splitCaseKey,
} from './repository.ts';
import { loadCase } from './routes.ts';
import { caseDetail, detail } from './views.ts';

const OUTCOME_NOTE: Record<(typeof CASE_CLOSING_OUTCOMES)[number], string> = {
  'paid-verified': 'wages verified as paid (已核实支付)',
  'not-a-breach': 'not a breach (不构成违法)',
  transferred: 'transferred to another authority (移送处理)',
  other: 'other (其他)',
};

/**
 * A person closes (结案) or reopens (重新立案) a case: an inspector with the case in scope, or an
 * admin (standing for the district lead, the only one who may close a critical or police case
 * that still has open findings). ADR 0020.
 */
export function caseClosingRoutes(deps: InspectionContext): FastifyPluginAsync {
  const time = apiTime(deps);
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    const act = async (
      req: { params: { caseId: string } } & Parameters<typeof principalOf>[0],
      command: (lead: boolean) => ManualCaseCommand,
    ) => {
      const principal = principalOf(req);
      requireRole(principal, 'inspector', 'admin');
      const actor = actorOf(principal);
      const at = time.now();
      await deps.outbox.unitOfWork(deps.db, async (tx, emit) => {
        const c = await loadCase(tx, principal, req.params.caseId);
        await lockCase(tx, c.case_key);
        const asOf = await time.evaluationInstant(tx);
        // The case brought up to date first, so the decision sees what the ladder would.
        await evaluateCase(tx, c.case_key, { ...deps, asOf, at, emit });
        const [row] = await tx.query<CaseRow>(
          `SELECT ${CASE_COLUMNS} FROM inspection.cases WHERE case_id = $1`,
          [c.case_id],
        );
        if (!row) throw new Error(`case ${c.case_id} vanished`);
        const { projectId, code } = splitCaseKey(row.case_key);
        const snapshots = await loadCaseFindings(tx, projectId, code);
        const pending = await tx.query<{ task_id: string }>(
          'SELECT task_id FROM inspection.tasks WHERE case_id = $1 AND status <> ALL($2::text[]) ORDER BY task_id',
          [row.case_id, [...TERMINAL_TASK_STATUSES]],
        );
        const event = acceptedEvent(
          decideManualCase(
            {
              caseId: row.case_id,
              status: row.status,
              level: row.level,
              cycle: row.cycle,
              policeLiaison: row.police_liaison,
              openFindingIds: snapshots.filter((f) => f.status === 'open').map((f) => f.findingId),
              pendingTaskIds: pending.map((t) => t.task_id),
            },
            command(principal.role === 'admin'),
            {
              today: shanghaiDate(asOf),
              calendar: deps.calendar,
              ...(deps.ladder ? { ladder: deps.ladder } : {}),
            },
          ),
        );
        const alertOf = (after: CaseRow, detailText: string): CaseAlert => ({
          caseId: after.case_id,
          projectId: after.project_id,
          district: after.district,
          sector: after.sector,
          employer: { kind: after.employer_kind, name: after.employer_name, code: after.employer_code },
          coRegulator: after.co_regulator,
          policeLiaison: after.police_liaison,
          status: after.status,
          level: after.level,
          cycle: after.cycle,
          openFindings: snapshots.filter((f) => f.status === 'open').length,
          detail: detailText,
          evidence: evidenceOf(snapshots).slice(0, 100),
        });

        if (event.type === 'case.closed-by-person') {
          const [after] = await tx.query<CaseRow>(
            `UPDATE inspection.cases SET status = 'closed', closed_at = $2, deadline = NULL, paused_until = NULL,
               closed_by = $3, closing_outcome = $4, closing_reason = $5, closed_over = $6::text[], updated_at = $2
             WHERE case_id = $1 RETURNING ${CASE_COLUMNS}`,
            [row.case_id, at, actor, event.outcome, event.reason, event.closedOver],
          );
          const note = `${OUTCOME_NOTE[event.outcome]}: ${event.reason}`;
          for (const taskId of event.closedTasks) {
            const [task] = await tx.query<TaskRow>(
              `UPDATE inspection.tasks SET status = 'closed', updated_at = $2, closed_at = $2 WHERE task_id = $1
               RETURNING ${TASK_COLUMNS}`,
              [taskId, at],
            );
            if (!task) continue;
            await taskAudit(tx, {
              taskId,
              at,
              actor,
              action: 'close',
              to: 'closed',
              note: `closed with the case: ${note}`,
            });
            emit({
              topic: TOPICS.tasks,
              type: 'task.closed',
              key: task.project_id,
              data: taskEventOf(task, actor, 'closed with the case'),
              occurredAt: at,
            });
          }
          await history(tx, {
            caseId: row.case_id,
            at,
            actor,
            action: 'closed-by-person',
            note:
              `${note}${event.closedOver.length ? ` (${event.closedOver.length} open finding(s) covered: they do not reopen the case)` : ''}` +
              `${event.closedTasks.length ? `; ${event.closedTasks.length} task(s) closed with it` : ''}`,
            detail: { outcome: event.outcome, closedOver: event.closedOver, closedTasks: event.closedTasks },
          });
          await raiseAlert(tx, emit, {
            type: 'case.closed',
            district: row.district,
            projectId: row.project_id,
            key: row.project_id,
            data: alertOf(after!, `closed by ${actor}: ${note}`),
            at,
          });
          return;
        }

        const [after] = await tx.query<CaseRow>(
          `UPDATE inspection.cases SET ${REOPEN_SET}, cycle = $3, reopened_at = $2, updated_at = $2
           WHERE case_id = $1 RETURNING ${CASE_COLUMNS}`,
          [row.case_id, at, event.cycle],
        );
        await history(tx, {
          caseId: row.case_id,
          at,
          actor,
          action: 'reopened-by-person',
          note: `reopened (cycle ${event.cycle}): ${event.reason}; verification task due ${event.task.dueOn}`,
        });
        await openTask(
          tx,
          after!,
          event.task.key,
          event.task.dueOn,
          `verification after ${actor} reopened the case: ${event.reason}; due ${event.task.dueOn}${event.task.warning ? `; ${event.task.warning}` : ''}`,
          { at, emit },
        );
        if (event.task.warning) {
          await history(tx, {
            caseId: row.case_id,
            at,
            actor: 'system',
            action: 'warning',
            note: event.task.warning,
          });
        }
        await raiseAlert(tx, emit, {
          type: 'case.reopened',
          district: row.district,
          projectId: row.project_id,
          key: row.project_id,
          data: alertOf(after!, `reopened by ${actor}: ${event.reason}`),
          at,
        });
        // The new cycle's ladder on the open findings (the verification task keeps the case open).
        await evaluateCase(tx, row.case_key, { ...deps, asOf, at, emit });
      });
      const fresh = await loadCase(deps.db, principal, req.params.caseId);
      return detail(deps.db, fresh, {
        winter: await time.winterOn(deps.db),
        today: shanghaiDate(await time.evaluationInstant(deps.db)),
      });
    };

    app.post(
      '/v1/cases/:caseId/closing',
      {
        schema: {
          tags: ['cases'],
          summary:
            'A person closes a case (结案) with an outcome and a reason: its open findings are covered (they do not reopen it; a new finding does) and its pending tasks close with it; a critical or police-referred case with open findings only by an admin (the district lead)',
          params: z.object({ caseId: z.string() }),
          body: z.object({
            outcome: z.enum(CASE_CLOSING_OUTCOMES),
            reason: z.string().trim().min(1).max(4000),
          }),
          response: { 200: caseDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) =>
        act(req, (lead) => ({ type: 'close', outcome: req.body.outcome, reason: req.body.reason, lead })),
    );

    app.post(
      '/v1/cases/:caseId/reopening',
      {
        schema: {
          tags: ['cases'],
          summary:
            'A person reopens a closed case (重新立案) with a reason: a new cycle climbs the ladder afresh on its open findings, and a verification task opens, due in the task SLA (5 working days)',
          params: z.object({ caseId: z.string() }),
          body: z.object({ reason: z.string().trim().min(1).max(4000) }),
          response: { 200: caseDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) => act(req, () => ({ type: 'reopen', reason: req.body.reason })),
    );
  };
}
