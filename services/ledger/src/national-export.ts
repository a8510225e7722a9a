import type { Database } from '@wagewatch/db';
import {
  dueDateFor,
  endOfShanghaiDay,
  evaluateProject,
  formatFen,
  isPeriod,
  type ObligationOutcome,
  shanghaiDate,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import {
  type Clock,
  canSeeProject,
  ForbiddenError,
  NotFoundError,
  principalOf,
  problemSchema,
  requireRole,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadProjectState } from './state.ts';

/**
 * A project's month in the shape of the national construction-worker platform's payroll object
 * (全国建筑工人管理服务信息平台, `Payroll.Add`), for the bureau to upload (issue 14 §3). The mapping
 * is documented in docs/national-platform-export.md. The file holds full ID and card numbers: it
 * is the one place they leave the system, to a caller in scope, as a download; nothing of it is
 * logged.
 */

const yuan = z.string().regex(/^\d+\.\d{2}$/);
const detail = z.object({
  idCardType: z.literal('01').describe('01: 居民身份证 (resident identity card)'),
  idCardNumber: z.string(),
  workerName: z.string(),
  days: z.number().nullable().describe('days worked, as the sheet gives them; null when it does not'),
  workHours: z.number().nullable().describe('not kept by Wagewatch: null'),
  payRollBankCardNumber: z.string().nullable().describe("the worker's registered card"),
  payRollBankCode: z.string().nullable().describe("not kept for workers' cards: null"),
  payRollBankName: z.string().nullable(),
  payBankCardNumber: z.string().describe("the project's dedicated wage account"),
  payBankCode: z.string(),
  payBankName: z.string().nullable(),
  totalPayAmount: yuan.describe('应发: the gross on the sheet, the net when the sheet gives no gross'),
  actualAmount: yuan.describe('实发: what the matched transfers paid the worker for the month'),
  isBackPay: z
    .union([z.literal(0), z.literal(1)])
    .describe('1: a payment for the month arrived after its due date (补发)'),
  balanceDate: z
    .string()
    .nullable()
    .describe('the day (Asia/Shanghai) of the last payment for the month; null if unpaid'),
  thirdPayRollCode: z.string().describe("Wagewatch's sheet id and version"),
});
export const nationalPayroll = z.object({
  projectCode: z.string(),
  corpCode: z.string().describe("the contractor's unified social credit code"),
  corpName: z.string(),
  teamSysNo: z.string().nullable().describe('Wagewatch keeps no teams (班组): null'),
  payMonth: z.string(),
  detailList: z.array(detail),
});

type LineExtra = { id_number: string; days_worked: string | null; gross_fen: bigint | null };

export function nationalExportRoutes(deps: {
  db: Database;
  clock: Clock;
  calendar: WorkingDayCalendar;
}): FastifyPluginAsync {
  const { db, clock, calendar } = deps;
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/projects/:projectId/exports/national-payroll',
      {
        schema: {
          tags: ['exports'],
          summary:
            "A month of a project as the national platform's payroll object (Payroll.Add), as a download",
          description:
            'The in-effect payroll sheet of the month (the highest complete version) with each line’s payments as the ' +
            "ledger allocates them for the findings. Full ID and card numbers: admin, the district's inspectors and the " +
            "project's manager only; sent as an attachment. Mapping: docs/national-platform-export.md.",
          params: z.object({ projectId: z.string() }),
          // Checked after the scope (out of scope is 403 whatever the query, docs/adr/0010).
          querystring: z.object({
            period: z.string().optional().describe('YYYY-MM; default the latest month with a payroll sheet'),
          }),
          response: {
            200: nationalPayroll,
            400: problemSchema,
            401: problemSchema,
            403: problemSchema,
            404: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const principal = principalOf(req);
        requireRole(principal, 'admin', 'inspector', 'project-manager');
        const { projectId } = req.params;
        if (principal.role === 'project-manager' && !principal.projectIds.includes(projectId))
          throw new ForbiddenError(`your key does not cover project ${projectId}`);
        const loaded = await loadProjectState(db, projectId);
        if (!loaded) throw new NotFoundError(`project ${projectId} is not known to the ledger`);
        if (!canSeeProject(principal, { projectId, district: loaded.district }))
          throw new ForbiddenError(`your key does not cover project ${projectId}`);
        const { state } = loaded;
        const period =
          req.query.period ??
          state.sheets
            .map((s) => s.period)
            .sort()
            .at(-1);
        if (period === undefined) throw new NotFoundError(`project ${projectId} has no payroll sheet yet`);
        if (!isPeriod(period))
          throw new ValidationError(`period "${period}" must be a month YYYY-MM`, [
            { field: 'period', message: 'must be YYYY-MM' },
          ]);
        const sheet = state.sheets.find((s) => s.period === period);
        if (!sheet) throw new NotFoundError(`project ${projectId} has no payroll sheet for ${period}`);
        const outcomes = new Map<string, ObligationOutcome>();
        evaluateProject(state, clock.now(), calendar, undefined, {
          obligation: (o) => {
            if (o.period === period) outcomes.set(o.idNumber, o);
          },
        });
        const dueEnd = endOfShanghaiDay(
          dueDateFor(
            { period, payDay: state.project.payDay, payMonthOffset: state.project.payMonthOffset },
            calendar,
          ).due,
        );
        const extras = new Map(
          (
            await db.query<LineExtra>(
              'SELECT id_number, days_worked, gross_fen FROM ledger.payroll_lines WHERE sheet_id = $1',
              [sheet.sheetId],
            )
          ).map((l) => [l.id_number, l]),
        );
        const cards = new Map(state.workers.map((w) => [w.idNumber, w.accountNo]));
        reply.header(
          'content-disposition',
          `attachment; filename="national-payroll-${projectId}-${period}.json"`,
        );
        return {
          projectCode: projectId,
          corpCode: state.project.contractor.creditCode,
          corpName: state.project.contractor.name,
          teamSysNo: null,
          payMonth: period,
          detailList: sheet.lines.map((l) => {
            const o = outcomes.get(l.idNumber);
            const extra = extras.get(l.idNumber);
            const last = o?.allocations.at(-1)?.transfer.bookedAt;
            return {
              idCardType: '01' as const,
              idCardNumber: l.idNumber,
              workerName: l.name,
              days: extra?.days_worked == null ? null : Number(extra.days_worked),
              workHours: null,
              payRollBankCardNumber: cards.get(l.idNumber) ?? null,
              payRollBankCode: null,
              payRollBankName: null,
              payBankCardNumber: state.project.accountNo,
              payBankCode: state.project.bankCode,
              payBankName: null,
              totalPayAmount: formatFen(extra?.gross_fen == null ? l.amountDue : BigInt(extra.gross_fen)),
              actualAmount: formatFen(o?.paid ?? 0n),
              isBackPay: (o?.allocations.some((a) => a.transfer.bookedAt >= dueEnd) ? 1 : 0) as 0 | 1,
              balanceDate: last ? shanghaiDate(last) : null,
              thirdPayRollCode: `${sheet.sheetId}:v${sheet.version}`,
            };
          }),
        };
      },
    );
  };
}
