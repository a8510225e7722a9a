import { endOfShanghaiDay, type LocalDate } from '../dates.ts';

/**
 * The bureau's own figures for its warnings (issue 14; Zhejiang's platform reports them): of the
 * findings raised in a range, the share an inspector verified within the task SLA, the share with
 * the employer's feedback, the share closed, and the median days to close.
 *
 * - **Verified**: a task of the finding's case that was still open when the finding joined the case
 *   (or opened later) reached resolved or closed; **within the SLA** when the first such task did
 *   so by the end of its due day (the task's own SLA in working days, set when it opened).
 * - **Feedback**: the employer submitted a justification (说明) for the case after the finding joined it.
 * - **Closed**: the finding is resolved (cured by a payment, a corrected record or a decision).
 *
 * A finding recorded already resolved (a late payment put on record after the fact: resolved
 * when raised) was never an open warning and is left out.
 */
export type WarningFacts = {
  raisedAt: Date;
  resolvedAt: Date | null;
  /** The tasks of the finding's case still open when it joined the case, or opened later (none: no case). */
  tasks: readonly { openedAt: Date; dueOn: LocalDate; closedAt: Date | null }[];
  /** When the employer gave feedback on the finding's case, after it joined. */
  feedbackAt: readonly Date[];
};

export type WarningLifecycle = {
  findings: number;
  verified: number;
  verifiedWithinSla: number;
  withFeedback: number;
  closed: number;
  /** Shares in basis points of `findings`; null when there are none. */
  verifiedWithinSlaBp: number | null;
  withFeedbackBp: number | null;
  closedBp: number | null;
  /** The median of resolvedAt − raisedAt over the closed findings, in days to one decimal; null when none closed. */
  medianDaysToClose: number | null;
};

const DAY_MS = 86_400_000;

export function warningLifecycle(findings: readonly WarningFacts[]): WarningLifecycle {
  let verified = 0;
  let verifiedWithinSla = 0;
  let withFeedback = 0;
  const closeDays: number[] = [];
  const warnings = findings.filter((f) => !f.resolvedAt || f.resolvedAt > f.raisedAt);
  for (const f of warnings) {
    const tasks = [...f.tasks].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
    if (tasks.some((t) => t.closedAt !== null)) verified++;
    const first = tasks[0];
    if (first?.closedAt && first.closedAt < endOfShanghaiDay(first.dueOn)) verifiedWithinSla++;
    if (f.feedbackAt.length > 0) withFeedback++;
    if (f.resolvedAt) closeDays.push((f.resolvedAt.getTime() - f.raisedAt.getTime()) / DAY_MS);
  }
  const n = warnings.length;
  const share = (k: number) => (n === 0 ? null : Math.floor((k * 10000) / n));
  return {
    findings: n,
    verified,
    verifiedWithinSla,
    withFeedback,
    closed: closeDays.length,
    verifiedWithinSlaBp: share(verifiedWithinSla),
    withFeedbackBp: share(withFeedback),
    closedBp: share(closeDays.length),
    medianDaysToClose: median(closeDays),
  };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m * 10) / 10;
}
