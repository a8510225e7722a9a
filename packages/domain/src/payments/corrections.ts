import type { WorkingDayCalendar } from '../calendar.ts';
import { dueDateFor } from '../calendar.ts';
import { endOfShanghaiDay, type LocalDate, type Period } from '../dates.ts';

/**
 * DOMAIN.md "Corrections after the due date": a payroll sheet states what each worker is owed.
 * Before its due date it may be replaced freely; after it, a version that lowers what a worker
 * is owed or leaves a worker out is a correction request that takes effect only when an
 * inspector of the district approves it. A version that only raises amounts or adds workers
 * takes effect at once. A version that does both (some up, some down) is a correction request
 * as a whole: the sheet is one statement, and splitting it would put into effect a sheet nobody
 * submitted (docs/adr/0008).
 */

/** One worker's line as far as what is owed goes (net pay, integer fen). */
export type OwedLine = { idNumber: string; name: string; amountDue: bigint };

export type LineChange = { idNumber: string; name: string; from: bigint; to: bigint };

export type SheetChanges = {
  /** On both versions, owed less on the new one. */
  lowered: LineChange[];
  /** On the version in effect, missing from the new one (`to` is 0). */
  dropped: LineChange[];
  /** On both versions, owed more on the new one. */
  raised: LineChange[];
  /** Not on the version in effect (`from` is 0). */
  added: LineChange[];
};

export type ResubmissionInput = {
  period: Period;
  payDay: number;
  payMonthOffset: number;
  /** The lines of the version in effect; undefined when the period has no sheet in effect. */
  effective: readonly OwedLine[] | undefined;
  submitted: readonly OwedLine[];
  /** When the new version arrives. */
  at: Date;
};

export type ResubmissionDecision =
  | { kind: 'first-sheet'; dueDate: LocalDate; dueDatePassed: boolean; changes: SheetChanges }
  | { kind: 'free-replacement'; dueDate: LocalDate; changes: SheetChanges }
  | { kind: 'raise-only'; dueDate: LocalDate; changes: SheetChanges }
  | { kind: 'correction-request'; dueDate: LocalDate; changes: SheetChanges };

/** What changes, worker by worker, from the version in effect to a new one. */
export function compareSheets(effective: readonly OwedLine[], submitted: readonly OwedLine[]): SheetChanges {
  const before = new Map(effective.map((l) => [l.idNumber, l]));
  const after = new Map(submitted.map((l) => [l.idNumber, l]));
  const changes: SheetChanges = { lowered: [], dropped: [], raised: [], added: [] };
  for (const old of effective) {
    const now = after.get(old.idNumber);
    if (!now) {
      changes.dropped.push({ idNumber: old.idNumber, name: old.name, from: old.amountDue, to: 0n });
    } else if (now.amountDue < old.amountDue) {
      changes.lowered.push({
        idNumber: old.idNumber,
        name: now.name,
        from: old.amountDue,
        to: now.amountDue,
      });
    } else if (now.amountDue > old.amountDue) {
      changes.raised.push({ idNumber: old.idNumber, name: now.name, from: old.amountDue, to: now.amountDue });
    }
  }
  for (const line of submitted) {
    if (!before.has(line.idNumber))
      changes.added.push({ idNumber: line.idNumber, name: line.name, from: 0n, to: line.amountDue });
  }
  return changes;
}

/**
 * Whether a new version of a month's sheet takes effect at once or waits for an inspector.
 * The due date has passed at the end of the due day in Shanghai, as for the payment rules.
 */
export function decideResubmission(
  input: ResubmissionInput,
  calendar?: WorkingDayCalendar,
): ResubmissionDecision {
  const { due } = dueDateFor(
    { period: input.period, payDay: input.payDay, payMonthOffset: input.payMonthOffset },
    calendar,
  );
  const dueDatePassed = input.at.getTime() >= endOfShanghaiDay(due).getTime();
  if (!input.effective) {
    return {
      kind: 'first-sheet',
      dueDate: due,
      dueDatePassed,
      changes: compareSheets([], input.submitted),
    };
  }
  const changes = compareSheets(input.effective, input.submitted);
  if (!dueDatePassed) return { kind: 'free-replacement', dueDate: due, changes };
  if (changes.lowered.length > 0 || changes.dropped.length > 0)
    return { kind: 'correction-request', dueDate: due, changes };
  return { kind: 'raise-only', dueDate: due, changes };
}

/** Whether a decision puts the new version into effect now. */
export function takesEffectAtOnce(decision: ResubmissionDecision): boolean {
  switch (decision.kind) {
    case 'first-sheet':
    case 'free-replacement':
    case 'raise-only':
      return true;
    case 'correction-request':
      return false;
    default: {
      const never: never = decision;
      throw new Error(`unknown resubmission decision ${JSON.stringify(never)}`);
    }
  }
}
