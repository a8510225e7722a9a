import { fileURLToPath } from 'node:url';
import { Outbox } from '@wagewatch/bus';
import { type Database, migrate } from '@wagewatch/db';
import type { WorkingDayCalendar } from '@wagewatch/domain';
import type { Clock } from '@wagewatch/runtime';
import { ledgerConsumer } from './consumer.ts';
import { ledgerRoutes } from './routes.ts';
import { sweep } from './sweep.ts';

export const LEDGER_SCHEMA = 'ledger';
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The ledger: obligations, transfers, statements; payment rules 1-6 and 14; deadline sweeps. */
export function createLedger(deps: { db: Database; clock: Clock; calendar: WorkingDayCalendar }) {
  const outbox = new Outbox(LEDGER_SCHEMA, 'ledger');
  const ctx = { ...deps, outbox };
  return {
    name: 'ledger' as const,
    outbox,
    consumer: ledgerConsumer(ctx),
    migrate: () => migrate(deps.db, { folder: migrationsFolder, schema: LEDGER_SCHEMA }),
    routes: ledgerRoutes(ctx),
    sweep: (asOf: Date = deps.clock.now()) => sweep(ctx, asOf),
  };
}
