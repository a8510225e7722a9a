import { fileURLToPath } from 'node:url';
import { Outbox } from '@wagewatch/bus';
import { type Database, migrate } from '@wagewatch/db';
import type { WorkingDayCalendar } from '@wagewatch/domain';
import { type ApiKeys, type Clock, ensureKeyRegistrySchema } from '@wagewatch/runtime';
import { ingestClockRoutes, readClockInstant } from './clock-routes.ts';
import { ingestDeliveriesConsumer } from './deliveries.ts';
import type { PayrollFileReaderOptions } from './payroll-file/reader.ts';
import { ingestRoutes } from './routes.ts';

export const INGEST_SCHEMA = 'ingest';
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The ingest service: authenticated, validated intake; state and events in one transaction. */
export function createIngest(deps: {
  db: Database;
  apiKeys: ApiKeys;
  clock: Clock;
  calendar?: WorkingDayCalendar;
  uploads?: Partial<PayrollFileReaderOptions>;
}) {
  const outbox = new Outbox(INGEST_SCHEMA, 'ingest');
  return {
    name: 'ingest' as const,
    outbox,
    /** Reads the consumers' dead-letter notices (a repeat of a dead-lettered record is not a duplicate). */
    consumer: ingestDeliveriesConsumer(deps),
    // The key registry (the shared auth schema) first: migration 0005 moves the old issuance
    // records into it.
    migrate: async () => {
      await ensureKeyRegistrySchema(deps.db);
      return migrate(deps.db, { folder: migrationsFolder, schema: INGEST_SCHEMA });
    },
    routes: ingestRoutes({ ...deps, outbox }),
    /** Distributed mode only: moves this process's replay clock (the embedded sweep moves the one clock). */
    clockRoutes: ingestClockRoutes(deps),
    /** The instant the replay clock was last moved to (a restarted process resumes there). */
    clockInstant: () => readClockInstant(deps.db),
  };
}
