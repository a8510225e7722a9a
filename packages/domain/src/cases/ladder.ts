import { CalendarCoverageError, type WorkingDayCalendar } from '../calendar.ts';
import { compareDates, type LocalDate, minDate, shanghaiDate } from '../dates.ts';
import { type CaseFinding, UNPAID_WAGE_RULES } from './model.ts';
import { atCriminalThreshold } from './routing.ts';

/** The rungs counted in working days from the due date; `critical` is reached by a condition. */
export type LadderRungStep = 'notice' | 'warning' | 'inspection-task';
export type LadderStepKind = LadderRungStep | 'critical';
export const LADDER_STEPS: readonly LadderStepKind[] = ['notice', 'warning', 'inspection-task', 'critical'];

export type LadderRung = { step: LadderRungStep; workingDays: number };

export type LadderConfig = {
  /** The table: each rung is due `workingDays` working days after the case's earliest open due date. */
  rungs: readonly LadderRung[];
  /** `critical` once this many periods are unpaid (open wages-missed / wages-short), or arrears-growing is open. */
  criticalUnpaidPeriods: number;
  /** `critical` at the criminal threshold (an open finding with a police referral). */
  criticalOnPoliceReferral: boolean;
  /** How long an accepted justification pauses the ladder when the inspector sets no date, in working days. */
  justificationPauseWorkingDays: number;
  /**
   * The longest pause an accepted justification may set, in working days after the decision day
   * (`WAGEWATCH_MAX_PAUSE_WORKING_DAYS`): a pause to 9999-12-31 would freeze a case forever.
   */
  maxJustificationPauseWorkingDays: number;
  /** The SLA of the inspection task the ladder opens, in working days. */
  taskSlaWorkingDays: number;
};

/**
 * The default ladder, after the best wage-protection systems (Saudi Mudad, UAE WPS; DOMAIN.md):
 * notice to the contractor on day 0, warning on day 10, inspection task on day 15, critical
 * after two months unpaid or at the criminal threshold.
 */
export const DEFAULT_LADDER_CONFIG: LadderConfig = {
  rungs: [
    { step: 'notice', workingDays: 0 },
    { step: 'warning', workingDays: 10 },
    { step: 'inspection-task', workingDays: 15 },
  ],
  criticalUnpaidPeriods: 2,
  criticalOnPoliceReferral: true,
  justificationPauseWorkingDays: 10,
  maxJustificationPauseWorkingDays: 30,
  taskSlaWorkingDays: 5,
};

/**
 * A justification as the ladder sees it: only an accepted one, not yet expired, pauses it (one
 * awaiting a second person's confirmation does not: docs/adr/0016-two-person-confirmation.md).
 */
export type LadderJustification = {
  decision: 'accepted' | 'rejected' | 'awaiting-confirmation' | null;
  /** Last day of the pause (inclusive), set on acceptance. */
  pausedUntil?: LocalDate | null;
};

export type LadderCase = {
  caseId: string;
  /** Incremented on every reopening: a reopened case climbs the ladder afresh. */
  cycle: number;
  findings: readonly CaseFinding[];
  /** Step keys already taken (from the case history). */
  stepsTaken: ReadonlySet<string>;
  /** The justifications of the current cycle. */
  justifications: readonly LadderJustification[];
};

export type LadderStep = { key: string; step: LadderStepKind; dueOn: LocalDate; reason: string };

export type LadderResult = {
  /** Steps due as of the instant and not yet taken, in ladder order. */
  due: LadderStep[];
  /** The next rung not yet due (its date is the case's next deadline). */
  next?: { step: LadderRungStep; dueOn: LocalDate };
  /** Set while an accepted justification pauses the ladder. */
  pausedUntil?: LocalDate;
  /** The day 0 of the ladder: the earliest due date among the open findings. */
  anchor?: LocalDate;
  warnings: string[];
};

/** The idempotency key of a step: case, cycle, step. Taking it twice is impossible by construction. */
export const stepKeyOf = (caseId: string, cycle: number, step: LadderStepKind): string =>
  `${caseId}#${cycle}:${step}`;

/** The date a finding's ladder counts from: its due date, else the day it was raised (Shanghai). */
export const anchorOf = (f: CaseFinding): LocalDate => f.dueDate ?? shanghaiDate(f.raisedAt);

/** Distinct periods with wages unpaid (open wages-missed / wages-short findings). */
export function unpaidPeriods(findings: readonly CaseFinding[]): string[] {
  const periods = new Set<string>();
  for (const f of findings)
    if (f.status === 'open' && UNPAID_WAGE_RULES.has(f.rule) && f.period) periods.add(f.period);
  return [...periods].sort();
}

function criticalReason(findings: readonly CaseFinding[], config: LadderConfig): string | undefined {
  const open = findings.filter((f) => f.status === 'open');
  if (config.criticalOnPoliceReferral && atCriminalThreshold(open)) {
    return 'the criminal threshold of refusal to pay is reached (拒不支付劳动报酬罪): police liaison';
  }
  if (open.some((f) => f.rule === 'arrears-growing')) return 'arrears growing: two or more months unpaid';
  const periods = unpaidPeriods(open);
  if (periods.length >= config.criticalUnpaidPeriods) {
    return `${periods.length} periods unpaid (${periods.join(', ')})`;
  }
  return undefined;
}

/** The accepted, unexpired justification's last paused day, if any. */
export function pausedUntil(
  justifications: readonly LadderJustification[],
  today: LocalDate,
): LocalDate | undefined {
  let until: LocalDate | undefined;
  for (const j of justifications) {
    if (j.decision !== 'accepted' || !j.pausedUntil) continue;
    if (compareDates(j.pausedUntil, today) < 0) continue;
    if (!until || compareDates(j.pausedUntil, until) > 0) until = j.pausedUntil;
  }
  return until;
}

/**
 * The escalation steps due for a case as of an instant, on working days of the holiday-aware
 * calendar counted from the earliest due date among its open findings. Steps already taken
 * (their keys in `stepsTaken`) are never due again; a case without open findings has none; an
 * accepted justification that has not expired pauses every step. A rung whose date lies in a
 * year the calendar does not cover is not due; if today itself is not covered, nothing on
 * working days is due and a warning says why (never a silent guess).
 */
export function ladderStep(
  c: LadderCase,
  asOf: Date,
  calendar: WorkingDayCalendar,
  config: LadderConfig = DEFAULT_LADDER_CONFIG,
): LadderResult {
  const open = c.findings.filter((f) => f.status === 'open');
  const [first, ...rest] = open.map(anchorOf);
  if (!first) return { due: [], warnings: [] };
  const anchor = minDate(first, ...rest);
  const today = shanghaiDate(asOf);
  const warnings: string[] = [];
  const paused = pausedUntil(c.justifications, today);
  const due: LadderStep[] = [];
  let next: LadderResult['next'];
  const todayCovered = calendar.covers(today);
  if (!todayCovered) {
    warnings.push(
      `the holiday calendar does not cover ${today.slice(0, 4)}: working-day steps wait for the State Council's notice`,
    );
  }
  const rungs = [...config.rungs].sort((a, b) => a.workingDays - b.workingDays);
  for (const rung of rungs) {
    const key = stepKeyOf(c.caseId, c.cycle, rung.step);
    if (c.stepsTaken.has(key)) continue;
    let dueOn: LocalDate;
    try {
      dueOn = calendar.addWorkingDays(anchor, rung.workingDays);
    } catch (err) {
      if (!(err instanceof CalendarCoverageError)) throw err;
      if (todayCovered) continue; // beyond the calendar, so beyond today: not due yet
      continue;
    }
    if (todayCovered && compareDates(dueOn, today) <= 0) {
      due.push({
        key,
        step: rung.step,
        dueOn,
        reason: `working day ${rung.workingDays} after the due date ${anchor}`,
      });
    } else if (!next) {
      next = { step: rung.step, dueOn };
    }
  }
  const criticalKey = stepKeyOf(c.caseId, c.cycle, 'critical');
  const reason = c.stepsTaken.has(criticalKey) ? undefined : criticalReason(open, config);
  if (reason) due.push({ key: criticalKey, step: 'critical', dueOn: today, reason });
  if (paused) return { due: [], ...(next ? { next } : {}), pausedUntil: paused, anchor, warnings };
  return { due, ...(next ? { next } : {}), anchor, warnings };
}
