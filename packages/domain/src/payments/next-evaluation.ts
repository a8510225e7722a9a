/**
 * When a project's evaluation can next change without a new event (issue 13: a sweep's cost
 * follows what is due; docs/adr/0022-evaluation-due-index.md).
 *
 * `evaluateProject` depends on its instant in two ways only: through the Shanghai date (every
 * due date, statement deadline, allocation cycle and rule 8 window compares `asOf` with the end
 * of a Shanghai day, or takes `shanghaiDate(asOf)`), and through the transfers booked at or
 * before it (rule 8's balance counts the movements booked up to `asOf`; an owner credit booked
 * after it does not yet end a labour-cost gap). So, with no new record, its answer is the same at
 * every instant before the earlier of the end of the current Shanghai day and the first transfer
 * booked after `asOf` (a bank may book up to a day ahead). Anything else that changes the answer
 * arrives as an event and marks the project dirty.
 */
import { endOfShanghaiDay, shanghaiDate } from '../dates.ts';
import type { ProjectState } from './model.ts';

export function nextEvaluationAt(
  state: Pick<ProjectState, 'transfers' | 'outsidePayments'>,
  asOf: Date,
): Date {
  let next = endOfShanghaiDay(shanghaiDate(asOf));
  // Payments from another project's account to this one's workers too, to be safe: their instants
  // are not compared with `asOf` today, but a rule that does would be covered.
  const instants = [...state.transfers, ...state.outsidePayments.map((o) => o.transfer)].map(
    (t) => t.bookedAt,
  );
  for (const b of instants) if (b > asOf && b < next) next = b;
  return next;
}
