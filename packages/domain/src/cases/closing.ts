/**
 * A person closing or reopening a case (结案 / 重新立案), beside the lifecycle's own closing
 * (every finding resolved, every task done) and reopening (a new open finding). ADR 0020.
 *
 * - **Close** with an outcome and a reason. The open findings at that moment are *closed over*:
 *   they do not reopen the case; a finding not among them does (a new breach starts a new
 *   cycle). The case's pending tasks close with it. A case at the `critical` step, or referred
 *   to the police, that still has open findings is closed only by a district lead (an admin).
 * - **Reopen** with a reason: a new cycle (the ladder climbs afresh on the open findings) and a
 *   verification task (核查任务) due in the task SLA's working days; the case stays open at least
 *   until that task is done.
 */
import type { WorkingDayCalendar } from '../calendar.ts';
import type { LocalDate } from '../dates.ts';
import { DEFAULT_LADDER_CONFIG, type LadderConfig } from './ladder.ts';
import type { CaseLevel } from './lifecycle.ts';
import { type WorkingDayDeadline, workingDaysAfter } from './working-days.ts';

/** Why an inspector closed a case. */
export const CASE_CLOSING_OUTCOMES = [
  /** 已核实支付: the wages were paid, the payment verified outside the wage account. */
  'paid-verified',
  /** 不构成违法: on inspection, not a breach (e.g. a bank's late statement, a data error). */
  'not-a-breach',
  /** 移送处理: handed to another authority (housing, the police, arbitration). */
  'transferred',
  /** 其他: anything else, said in the reason. */
  'other',
] as const;
export type CaseClosingOutcome = (typeof CASE_CLOSING_OUTCOMES)[number];

export type ManualCaseFacts = {
  caseId: string;
  status: 'open' | 'closed';
  level: CaseLevel;
  cycle: number;
  policeLiaison: boolean;
  /** The case's open findings, now. */
  openFindingIds: readonly string[];
  /** Tasks of the case neither resolved nor closed. */
  pendingTaskIds: readonly string[];
};

export type ManualCaseCommand =
  | {
      type: 'close';
      outcome: CaseClosingOutcome;
      reason: string;
      /** Whether the person stands for the district lead (an admin). */
      lead: boolean;
    }
  | { type: 'reopen'; reason: string };

export type ManualCaseEvent =
  | {
      type: 'case.closed-by-person';
      cycle: number;
      outcome: CaseClosingOutcome;
      reason: string;
      /** The open findings the closing covers: they will not reopen the case. */
      closedOver: string[];
      /** The pending tasks that close with the case. */
      closedTasks: string[];
    }
  | {
      type: 'case.reopened-by-person';
      /** The new cycle. */
      cycle: number;
      reason: string;
      /** The verification task the reopening opens (its key and SLA). */
      task: WorkingDayDeadline & { key: string };
    };

export type ManualCaseRefusal =
  | { kind: 'conflict'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'invalid'; field: string; message: string; detail: string };

export type ManualCaseDecision =
  | { ok: true; event: ManualCaseEvent }
  | { ok: false; refusal: ManualCaseRefusal };

const refuse = (refusal: ManualCaseRefusal): ManualCaseDecision => ({ ok: false, refusal });

/** The step key of a reopening's verification task: one per case and cycle. */
export const reopeningTaskKey = (caseId: string, cycle: number) => `${caseId}:${cycle}:reopened-by-person`;

export function decideManualCase(
  facts: ManualCaseFacts,
  command: ManualCaseCommand,
  ctx: { today: LocalDate; calendar: WorkingDayCalendar; ladder?: LadderConfig },
): ManualCaseDecision {
  const reason = command.reason.trim();
  if (!reason) {
    return refuse({ kind: 'invalid', field: 'reason', message: 'a reason is required', detail: 'empty' });
  }
  if (command.type === 'close') {
    if (facts.status !== 'open') {
      return refuse({ kind: 'conflict', message: `case ${facts.caseId} is already closed` });
    }
    const open = [...facts.openFindingIds].sort();
    const grave = facts.level === 'critical' || facts.policeLiaison;
    if (open.length > 0 && grave && !command.lead) {
      return refuse({
        kind: 'forbidden',
        message: `case ${facts.caseId} is ${facts.policeLiaison ? 'referred to the police' : 'at the critical step'} and has ${open.length} open finding(s): only a district lead (admin) may close it`,
      });
    }
    return {
      ok: true,
      event: {
        type: 'case.closed-by-person',
        cycle: facts.cycle,
        outcome: command.outcome,
        reason,
        closedOver: open,
        closedTasks: [...facts.pendingTaskIds].sort(),
      },
    };
  }
  if (facts.status !== 'closed') {
    return refuse({ kind: 'conflict', message: `case ${facts.caseId} is open` });
  }
  const ladder = ctx.ladder ?? DEFAULT_LADDER_CONFIG;
  const cycle = facts.cycle + 1;
  return {
    ok: true,
    event: {
      type: 'case.reopened-by-person',
      cycle,
      reason,
      task: {
        ...workingDaysAfter(ctx.calendar, ctx.today, ladder.taskSlaWorkingDays),
        key: reopeningTaskKey(facts.caseId, cycle),
      },
    },
  };
}
