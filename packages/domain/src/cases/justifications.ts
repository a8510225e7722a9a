/**
 * The justification's state machine: the project manager submits one (one pending at a time, on
 * an open case); an inspector accepts it (the ladder pauses until `pausedUntil`, by default
 * `justificationPauseWorkingDays` working days after the decision day, at most
 * `maxJustificationPauseWorkingDays`) or rejects it. On a case at the `critical` step one
 * person's acceptance is only a proposal: a second, different person confirms it (the pause
 * starts) or declines it (rejected); docs/adr/0016-two-person-confirmation.md. A decision is
 * final. Pure: the service stores the event or maps the refusal to its HTTP answer.
 */
import { CalendarCoverageError, type WorkingDayCalendar } from '../calendar.ts';
import { compareDates, type LocalDate } from '../dates.ts';
import { DEFAULT_LADDER_CONFIG, type LadderConfig } from './ladder.ts';
import { workingDaysAfter } from './working-days.ts';

export type JustificationDecisionKind = 'accepted' | 'rejected';

/** An acceptance of a critical case's justification waiting for a second person. */
export type JustificationProposal = { by: string; reason: string; pausedUntil: LocalDate };

export type JustificationState = {
  justificationId: string;
  cycle: number;
  decision: JustificationDecisionKind | 'awaiting-confirmation' | null;
  pausedUntil: LocalDate | null;
  /** Set while (and after) an acceptance awaited confirmation. */
  proposal?: JustificationProposal | null;
};

export type JustificationCommand =
  | { type: 'submit'; justificationId: string; text: string }
  | {
      type: 'decide';
      decision: JustificationDecisionKind;
      reason: string;
      pauseUntil?: LocalDate | undefined;
      /** Who decides (the principal's key id): the proposer when the case is critical. */
      actor?: string | undefined;
    }
  | {
      /** A second person's answer to a proposal: confirm (accepted, the pause starts) or decline (rejected). */
      type: 'confirm';
      confirm: boolean;
      reason: string;
      actor: string;
    };

export type JustificationEvent =
  | { type: 'justification.submitted'; justificationId: string; cycle: number; text: string }
  | {
      type: 'justification.proposed';
      justificationId: string;
      reason: string;
      pausedUntil: LocalDate;
      proposedBy: string;
    }
  | {
      type: 'justification.accepted';
      justificationId: string;
      reason: string;
      pausedUntil: LocalDate;
      /** The proposer, when a second person confirmed. */
      proposedBy?: string;
    }
  | {
      type: 'justification.rejected';
      justificationId: string;
      reason: string;
      /** The proposer, when a second person declined the proposal. */
      proposedBy?: string;
    };

export type JustificationRefusal =
  | { kind: 'not-found'; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'invalid'; field: string; message: string; detail: string };

export type JustificationDecision =
  | { ok: true; event: JustificationEvent }
  | { ok: false; refusal: JustificationRefusal };

/** What the decision sees of the case. */
export type JustificationCase = {
  caseId: string;
  status: 'open' | 'closed';
  cycle: number;
  /** Whether the case's current ladder step is `critical`: one person's acceptance is then a proposal. */
  critical?: boolean;
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
 * The pause an acceptance sets: `pauseUntil` (not before today, on a day the calendar covers, at
 * most `maxJustificationPauseWorkingDays` working days after today), else the default working
 * days after today (capped at the maximum), which the calendar must be able to count.
 */
export function pauseOf(
  pauseUntil: LocalDate | undefined,
  ctx: JustificationContext,
): { ok: true; pausedUntil: LocalDate } | { ok: false; refusal: JustificationRefusal } {
  const ladder = ctx.ladder ?? DEFAULT_LADDER_CONFIG;
  const max = ladder.maxJustificationPauseWorkingDays;
  const latest = workingDaysAfter(ctx.calendar, ctx.today, max);
  const invalid = (message: string, detail: string) =>
    ({ ok: false, refusal: { kind: 'invalid', field: 'pauseUntil', message, detail } }) as const;
  if (!pauseUntil) {
    const days = Math.min(ladder.justificationPauseWorkingDays, max);
    const until = workingDaysAfter(ctx.calendar, ctx.today, days);
    if (until.warning)
      return invalid(
        `the default pause (${days} working days) cannot be counted: give a pauseUntil the holiday calendar covers`,
        until.warning,
      );
    return { ok: true, pausedUntil: until.dueOn };
  }
  if (compareDates(pauseUntil, ctx.today) < 0)
    return invalid('pauseUntil is in the past', `before ${ctx.today}`);
  const { from, to } = ctx.calendar.coveredYears();
  let days: number;
  try {
    days = ctx.calendar.workingDaysBetween(ctx.today, pauseUntil);
  } catch (err) {
    if (!(err instanceof CalendarCoverageError)) throw err;
    return invalid(
      `pauseUntil ${pauseUntil} is beyond the holiday calendar (it covers ${from}–${to}): its working days cannot be counted`,
      `the holiday calendar does not cover ${err.year}; a pause ends within ${max} working days of ${ctx.today}`,
    );
  }
  if (days > max) {
    const bound = latest.warning ? `${max} working days after ${ctx.today}` : latest.dueOn;
    return invalid(
      `pauseUntil ${pauseUntil} is ${days} working days after ${ctx.today}: a pause is at most ${max} working days, the latest allowed date is ${bound}`,
      `at most ${bound}`,
    );
  }
  return { ok: true, pausedUntil: pauseUntil };
}

/**
 * Decides a command on a case's justifications: `submit` (needs an open case and no pending
 * one), `decide` on `target` (needs it on the case and undecided; an acceptance sets a bounded
 * pause, `pauseOf`, and on a critical case is only proposed) or `confirm` on `target` (needs a
 * proposal, and a different person than its proposer).
 */
export function decideJustification(
  c: JustificationCase,
  command: JustificationCommand,
  ctx: JustificationContext,
  target?: string,
): JustificationDecision {
  if (command.type === 'submit') {
    if (c.status !== 'open') return refuse({ kind: 'conflict', message: `case ${c.caseId} is closed` });
    if (c.justifications.some((j) => j.decision === null || j.decision === 'awaiting-confirmation')) {
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
  const j = c.justifications.find((x) => x.justificationId === target);
  if (!j) return refuse({ kind: 'not-found', message: `justification ${target} is not on case ${c.caseId}` });
  switch (command.type) {
    case 'decide': {
      if (j.decision === 'awaiting-confirmation') {
        return refuse({
          kind: 'conflict',
          message: `justification ${j.justificationId} is awaiting a second person's confirmation (POST …/confirmation)`,
        });
      }
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
      const pause = pauseOf(command.pauseUntil, ctx);
      if (!pause.ok) return pause;
      if (c.critical) {
        if (!command.actor) throw new Error('deciding on a critical case needs the actor');
        return {
          ok: true,
          event: {
            type: 'justification.proposed',
            justificationId: j.justificationId,
            reason: command.reason,
            pausedUntil: pause.pausedUntil,
            proposedBy: command.actor,
          },
        };
      }
      return {
        ok: true,
        event: {
          type: 'justification.accepted',
          justificationId: j.justificationId,
          reason: command.reason,
          pausedUntil: pause.pausedUntil,
        },
      };
    }
    case 'confirm': {
      if (j.decision !== 'awaiting-confirmation' || !j.proposal) {
        return refuse({
          kind: 'conflict',
          message: `justification ${j.justificationId} is not awaiting confirmation${j.decision ? ` (it is ${j.decision})` : ''}`,
        });
      }
      if (j.proposal.by === command.actor) {
        return refuse({
          kind: 'forbidden',
          message:
            'the proposer of an acceptance cannot confirm or decline it: a second inspector or an admin does',
        });
      }
      if (!command.confirm) {
        return {
          ok: true,
          event: {
            type: 'justification.rejected',
            justificationId: j.justificationId,
            reason: command.reason,
            proposedBy: j.proposal.by,
          },
        };
      }
      return {
        ok: true,
        event: {
          type: 'justification.accepted',
          justificationId: j.justificationId,
          reason: command.reason,
          pausedUntil: j.proposal.pausedUntil,
          proposedBy: j.proposal.by,
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
    case 'justification.proposed':
      return js.map((j) =>
        j.justificationId === event.justificationId
          ? {
              ...j,
              decision: 'awaiting-confirmation',
              proposal: { by: event.proposedBy, reason: event.reason, pausedUntil: event.pausedUntil },
            }
          : j,
      );
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
