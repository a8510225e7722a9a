/**
 * When a project's evaluation can next change without a new event (issue 13: a sweep's cost
 * follows what is due; docs/adr/0022-evaluation-due-index.md).
 *
 * `evaluateProject` depends on its instant in two ways only: through its comparisons with the
 * time (a due date's end, a statement's deadline, the start of a month or of rule 8's window, a
 * labour-cost cycle's end — each reported to the evaluation's `changesAt` observer when it lies
 * ahead), and through the transfers booked at or before it (rule 8's balance counts the movements
 * booked up to `asOf`; an owner credit booked after it does not yet end a labour-cost gap; a bank
 * may book up to a day ahead). So, with no new record, its answer is the same at every instant
 * before the earliest of those instants and the first transfer booked after `asOf`. Anything else
 * that changes the answer arrives as an event and marks the project dirty.
 */
import { endOfShanghaiDay, shanghaiDate } from '../dates.ts';
import type { ProjectState } from './model.ts';

export function nextEvaluationAt(
  state: Pick<ProjectState, 'transfers' | 'outsidePayments'>,
  asOf: Date,
  changes: Iterable<Date> | undefined,
): Date {
  let next: Date | undefined;
  const consider = (d: Date) => {
    if (d > asOf && (next === undefined || d < next)) next = d;
  };
  // Without the evaluation's instants (never the case for `evaluateProject`, which always reports
  // the next month's start), the end of the Shanghai day: every date comparison is safe then.
  if (changes) for (const d of changes) consider(d);
  else consider(endOfShanghaiDay(shanghaiDate(asOf)));
  // Payments from another project's account to this one's workers too, to be safe: their instants
  // are not compared with `asOf` today, but a rule that does would be covered.
  for (const t of state.transfers) consider(t.bookedAt);
  for (const o of state.outsidePayments) consider(o.transfer.bookedAt);
  return next ?? endOfShanghaiDay(shanghaiDate(asOf));
}
