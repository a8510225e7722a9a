import type { Outbox } from '@wagewatch/bus';
import type { Database, Sql } from '@wagewatch/db';
import type { DepositPolicy, WorkingDayCalendar } from '@wagewatch/domain';
import * as kit from '@wagewatch/evaluation';
import type { Clock } from '@wagewatch/runtime';
import { type EvaluationResult, evaluateAndRecord } from './findings.ts';

const SCHEMA = 'deposits';

export type DepositsContext = {
  db: Database;
  outbox: Outbox;
  calendar: WorkingDayCalendar;
  policy: DepositPolicy;
};

const evaluator =
  (deps: DepositsContext): kit.Evaluate<EvaluationResult> =>
  (tx, projectId, options) =>
    evaluateAndRecord(tx, projectId, { ...options, calendar: deps.calendar, policy: deps.policy });

export const readEvaluationInstant = (tx: Sql): Promise<Date> => kit.readEvaluationInstant(tx, SCHEMA);

/** Evaluates every project marked dirty (the evaluation kit's loop, packages/evaluation). */
export const evaluateDirty = (deps: DepositsContext): Promise<boolean> =>
  kit.evaluateDirty(SCHEMA, deps, evaluator(deps));

export type SweepResult = kit.SweepResult<EvaluationResult>;

/** The deposit rules' time-based evaluation of the projects due as of an instant (docs/adr/0022). */
export const sweep = (deps: DepositsContext & { clock?: Clock }, asOf: Date): Promise<SweepResult> =>
  kit.sweepDue(SCHEMA, deps, asOf, evaluator(deps), { keep: (r) => r.transitions.length > 0 });
