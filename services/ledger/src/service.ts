import { fileURLToPath } from 'node:url';
import { Outbox } from '@wagewatch/bus';
import { sweepTrace, withTrace } from '@wagewatch/contracts';
import { type Database, migrate } from '@wagewatch/db';
import type { RatePolicy, WorkingDayCalendar } from '@wagewatch/domain';
import { forgetDue } from '@wagewatch/evaluation';
import type { Clock } from '@wagewatch/runtime';
import { forgetClosedMonths } from './closed-months.ts';
import { ledgerConsumer } from './consumer.ts';
import { nationalExportRoutes } from './national-export.ts';
import { refreshPayDateOutlooks } from './outlooks.ts';
import { withPublicNotice } from './public-notice.ts';
import { rateRoutes } from './rate-routes.ts';
import { ledgerReadRoutes } from './read-routes.ts';
import { type ExtraSweep, ledgerRoutes } from './routes.ts';
import { readEvaluationInstant, sweep } from './sweep.ts';
import type { WageLookupLimits } from './wage-lookup.ts';

export const LEDGER_SCHEMA = 'ledger';
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The ledger: obligations, transfers, statements; payment rules 1-6 and 14; deadline sweeps. */
export function createLedger(deps: {
  db: Database;
  clock: Clock;
  calendar: WorkingDayCalendar;
  /** Other sweeps `POST /v1/admin/sweep` also runs (embedded: the deposits'); results merged. */
  extraSweeps?: readonly ExtraSweep[];
  /** The compliance policy of the payment rates (`WAGEWATCH_RATE_POLICY`); national by default. */
  ratePolicy?: RatePolicy;
  /** 工资查询's limits (`WAGEWATCH_WAGE_LOOKUP_PER_ADDRESS`, `..._PER_ID`); per process, in memory. */
  wageLookupLimits?: Partial<WageLookupLimits>;
}) {
  const outbox = new Outbox(LEDGER_SCHEMA, 'ledger');
  const ctx = { ...deps, outbox };
  /** The ledger's sweep, then the extra sweeps at its effective (monotonic) instant. */
  const sweepAll = async (asOf: Date) => {
    const result = await sweep(ctx, asOf);
    const extra: Awaited<ReturnType<ExtraSweep>>['results'] = [];
    // The extra sweeps (embedded: deposits, inspection) are the same sweep: the same chain.
    for (const run of deps.extraSweeps ?? [])
      extra.push(...(await withTrace(sweepTrace(result.asOf), () => run(result.asOf))).results);
    return { ...result, extra };
  };
  return {
    name: 'ledger' as const,
    outbox,
    consumer: ledgerConsumer(ctx),
    migrate: async () => {
      const applied = await migrate(deps.db, { folder: migrationsFolder, schema: LEDGER_SCHEMA });
      // A start may bring new rules, a new calendar or configuration: the first sweep evaluates
      // every project again (docs/adr/0022).
      await forgetDue(deps.db, LEDGER_SCHEMA);
      await forgetClosedMonths(deps.db); // and the closed months' summaries (docs/adr/0023)
      return applied;
    },
    /** The API under /v1 (the console's reads included) and the public notice of wage payment (/public, no key). */
    routes: withPublicNotice(async (app) => {
      await app.register(ledgerRoutes({ ...ctx, sweep: sweepAll }));
      await app.register(ledgerReadRoutes(ctx)); // the console's reads (issue 12)
      await app.register(rateRoutes(ctx)); // the payment rates (issue 14)
      await app.register(nationalExportRoutes(ctx)); // the national platform's payroll object (issue 14 §3)
    }, ctx),
    /** Every time-based evaluation as of an instant: the ledger's, then the extra sweeps' (`extra`). */
    sweep: (asOf: Date = deps.clock.now()) => sweepAll(asOf),
    /**
     * Rule 8's stored outlooks of every project recomputed as of the evaluation instant, findings
     * untouched: for a ledger whose tables were written directly (the console bench). Returns the
     * number of outlooks stored.
     */
    refreshPayDateOutlooks: async () =>
      refreshPayDateOutlooks(deps.db, await readEvaluationInstant(deps.db), deps.calendar),
    /** The latest instant swept to (the epoch when never): a replay clock resumes there. */
    clockInstant: () => readEvaluationInstant(deps.db),
  };
}
