/**
 * The justification's state machine: the project manager submits one (one pending at a time, on
 * an open case); an inspector accepts it (the ladder pauses until `pausedUntil`, by default
 * `justificationPauseWorkingDays` working days after the decision day) or rejects it; a decision
 * is final. Pure: the service stores the event or maps the refusal to its HTTP answer.
 */
import type { WorkingDayCalendar } from '../calendar.ts';
import { compareDates, type LocalDate } from '../dates.ts';
import { DEFAULT_LADDER_CONFIG, type LadderConfig } from './ladder.ts';
import { workingDaysAfter } from './working-days.ts';

export type JustificationDecisionKind = 'accepted' | 'rejected';

export type JustificationState = {
  justificationId: string;
  cycle: number;
  decision: JustificationDecisionKind | null;
  pausedUntil: LocalDate | null;
};

export type JustificationCommand =
  | { type: 'submit'; justificationId: string; text: string }
  | {
      type: 'decide';
      decision: JustificationDecisionKind;
      reason: string;
      pauseUntil?: LocalDate | undefined;
    };

export type JustificationEvent =
  | { type: 'justification.submitted'; justificationId: string; cycle: number; text: string }
  | { type: 'justification.accepted'; justificationId: string; reason: string; pausedUntil: LocalDate }
  | { type: 'justification.rejected'; justificationId: string; reason: string };

export type JustificationRefusal =
  | { kind: 'not-found'; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'invalid'; field: string; message: string; detail: string };

export type JustificationDecision =
  | { ok: true; event: JustificationEvent }
  | { ok: false; refusal: JustificationRefusal };

/** What the decision sees of the case. */
export type JustificationCase = {
  caseId: string;
  status: 'open' | 'closed';
  cycle: number;
  /** Every justification of the case. */
  justifications: readonly JustificationState[];
};

export type JustificationContext = {
  /** The decision day (Asia/Shanghai) of the evaluation instant. */
  today: LocalDate;
  calendar: WorkingDayCalendar;
  ladder?: LadderConfig;
};

const refuse = (refusal: JustificationRefusal): JustificationDecision => ({ ok: false, refusal });

/**
 * Decides a command on a case's justifications: `submit` (needs an open case and no pending
 * one) or `decide` on `target` (needs it on the case and undecided; an accepted one pauses the
 * ladder to `pauseUntil`, not before today, else the default working days after today — which
 * the calendar must be able to count: past its coverage the inspector has to give the date).
 */
export function decideJustification(
  c: JustificationCase,
  command: JustificationCommand,
  ctx: JustificationContext,
  target?: string,
): JustificationDecision {
  switch (command.type) {
    case 'submit': {
      if (c.status !== 'open') return refuse({ kind: 'conflict', message: `case ${c.caseId} is closed` });
      if (c.justifications.some((j) => j.decision === null)) {
        return refuse({
          kind: 'conflict',
          message: `case ${c.caseId} already has a justification awaiting a decision`,
        });
      }
      return {
        ok: true,
        event: {
          type: 'justification.submitted',
          justificationId: command.justificationId,
          cycle: c.cycle,
          text: command.text,
        },
      };
    }
    case 'decide': {
      const j = c.justifications.find((x) => x.justificationId === target);
      if (!j)
        return refuse({ kind: 'not-found', message: `justification ${target} is not on case ${c.caseId}` });
      if (j.decision) {
        return refuse({
          kind: 'conflict',
          message: `justification ${j.justificationId} is already ${j.decision}`,
        });
      }
      if (command.decision === 'rejected') {
        return {
          ok: true,
          event: {
            type: 'justification.rejected',
            justificationId: j.justificationId,
            reason: command.reason,
          },
        };
      }
      if (command.pauseUntil) {
        if (compareDates(command.pauseUntil, ctx.today) < 0) {
          return refuse({
            kind: 'invalid',
            field: 'pauseUntil',
            message: 'pauseUntil is in the past',
            detail: `before ${ctx.today}`,
          });
        }
        return {
          ok: true,
          event: {
            type: 'justification.accepted',
            justificationId: j.justificationId,
            reason: command.reason,
            pausedUntil: command.pauseUntil,
          },
        };
      }
      const days = (ctx.ladder ?? DEFAULT_LADDER_CONFIG).justificationPauseWorkingDays;
      const until = workingDaysAfter(ctx.calendar, ctx.today, days);
      if (until.warning) {
        return refuse({
          kind: 'invalid',
          field: 'pauseUntil',
          message: `the default pause (${days} working days) cannot be counted: give pauseUntil`,
          detail: until.warning,
        });
      }
      return {
        ok: true,
        event: {
          type: 'justification.accepted',
          justificationId: j.justificationId,
          reason: command.reason,
          pausedUntil: until.dueOn,
        },
      };
    }
    default: {
      const never: never = command;
      throw new Error(`unknown justification command ${JSON.stringify(never)}`);
    }
  }
}

/** Folds an event into the case's justifications. */
export function evolveJustifications(
  js: readonly JustificationState[],
  event: JustificationEvent,
): JustificationState[] {
  switch (event.type) {
    case 'justification.submitted':
      return [
        ...js,
        { justificationId: event.justificationId, cycle: event.cycle, decision: null, pausedUntil: null },
      ];
    case 'justification.accepted':
      return js.map((j) =>
        j.justificationId === event.justificationId
          ? { ...j, decision: 'accepted', pausedUntil: event.pausedUntil }
          : j,
      );
    case 'justification.rejected':
      return js.map((j) =>
        j.justificationId === event.justificationId ? { ...j, decision: 'rejected' } : j,
      );
    default: {
      const never: never = event;
      throw new Error(`unknown justification event ${JSON.stringify(never)}`);
    }
  }
}
