import type { Outbox } from '@wagewatch/bus';
import type { Database, Sql } from '@wagewatch/db';
import type { WorkingDayCalendar } from '@wagewatch/domain';
import * as kit from '@wagewatch/evaluation';
import type { Clock } from '@wagewatch/runtime';
import { type EvaluationResult, evaluateAndRecord, prepareEvaluations } from './findings.ts';

const SCHEMA = 'ledger';
type LedgerDeps = { db: Database; outbox: Outbox; calendar: WorkingDayCalendar; clock?: Clock };

const evaluator =
  (calendar: WorkingDayCalendar): kit.Evaluate<EvaluationResult> =>
  (tx, projectId, options) =>
    evaluateAndRecord(tx, projectId, { ...options, calendar });

export const readEvaluationInstant = (tx: Sql): Promise<Date> => kit.readEvaluationInstant(tx, SCHEMA);

/** Evaluates every project marked dirty (the evaluation kit's loop, packages/evaluation). */
export const evaluateDirty = (deps: LedgerDeps): Promise<boolean> =>
  kit.evaluateDirty(SCHEMA, deps, evaluator(deps.calendar), { prepare: prepareEvaluations });

export type SweepResult = kit.SweepResult<EvaluationResult>;

/** The payment rules' time-based evaluation of the projects due as of an instant (docs/adr/0022). */
export const sweep = (deps: LedgerDeps, asOf: Date): Promise<SweepResult> =>
  kit.sweepDue(SCHEMA, deps, asOf, evaluator(deps.calendar), {
    keep: (r) => r.transitions.length > 0,
    prepare: prepareEvaluations,
  });
