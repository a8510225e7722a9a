import { fileURLToPath } from 'node:url';
import { Outbox } from '@wagewatch/bus';
import { type Database, migrate } from '@wagewatch/db';
import { inspectionConsumer } from './consumer.ts';
import { inspectionRoutes } from './routes.ts';

export const INSPECTION_SCHEMA = 'inspection';
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** Inspection: the findings read model and the inspector/project API (cases and campaigns come later). */
export function createInspection(deps: { db: Database }) {
  return {
    name: 'inspection' as const,
    outbox: new Outbox(INSPECTION_SCHEMA, 'inspection'),
    consumer: inspectionConsumer(),
    migrate: () => migrate(deps.db, { folder: migrationsFolder, schema: INSPECTION_SCHEMA }),
    routes: inspectionRoutes(deps),
  };
}
