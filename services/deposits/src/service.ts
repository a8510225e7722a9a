import { fileURLToPath } from 'node:url';
import { Outbox } from '@wagewatch/bus';
import { type Database, migrate } from '@wagewatch/db';
import { NATIONAL_DEFAULT, policyById, type WorkingDayCalendar } from '@wagewatch/domain';
import { forgetDue } from '@wagewatch/evaluation';
import type { Clock } from '@wagewatch/runtime';
import { depositsConsumer } from './consumer.ts';
import { depositsAdminRoutes, depositsRoutes } from './routes.ts';
import { readEvaluationInstant, sweep } from './sweep.ts';

export const DEPOSITS_SCHEMA = 'deposits';
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * The deposits service: each project's wage-guarantee deposit (人社部发〔2021〕65号), the
 * required amount under the configured provincial policy and the contractor's record from the
 * findings history; rules 10-13. `policyId` must name a row of DEPOSIT_POLICIES (throws
 * UnknownDepositPolicyError otherwise, so a bad configuration fails at start).
 */
export function createDeposits(deps: {
  db: Database;
  clock: Clock;
  calendar: WorkingDayCalendar;
  policyId?: string;
}) {
  const policy = policyById(deps.policyId ?? NATIONAL_DEFAULT.id);
  const outbox = new Outbox(DEPOSITS_SCHEMA, 'deposits');
  const ctx = { db: deps.db, clock: deps.clock, calendar: deps.calendar, policy, outbox };
  return {
    name: 'deposits' as const,
    policy,
    outbox,
    consumer: depositsConsumer(ctx),
    migrate: async () => {
      const applied = await migrate(deps.db, { folder: migrationsFolder, schema: DEPOSITS_SCHEMA });
      await forgetDue(deps.db, DEPOSITS_SCHEMA); // the first sweep after a start evaluates everything (docs/adr/0022)
      return applied;
    },
    routes: depositsRoutes(ctx),
    /** POST /v1/admin/deposits/sweep, for the deposits process of the distributed mode. */
    adminRoutes: depositsAdminRoutes(ctx),
    sweep: (asOf: Date = deps.clock.now()) => sweep(ctx, asOf),
    /** The latest instant swept to (the epoch when never): a replay clock resumes there. */
    clockInstant: () => readEvaluationInstant(deps.db),
  };
}
export type DepositsService = ReturnType<typeof createDeposits>;
