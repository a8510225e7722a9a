import { fileURLToPath } from 'node:url';
import { Outbox } from '@wagewatch/bus';
import { type Database, migrate } from '@wagewatch/db';
import {
  DEFAULT_LADDER_CONFIG,
  DEFAULT_RISK_CONFIG,
  defaultCalendar,
  type LadderConfig,
  type RiskConfig,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { type Clock, systemClock } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { caseRoutes } from './case-routes.ts';
import { inspectionConsumer } from './consumer.ts';
import { inspectionRoutes } from './routes.ts';
import { sweep } from './sweep.ts';

export const INSPECTION_SCHEMA = 'inspection';
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * Inspection: the findings read model, cases (grouping, routing, escalation ladder, closing and
 * reopening), inspection tasks, justifications and risk grades, behind the inspector/project
 * manager API. Publishes case alerts (TOPICS.alerts) and task events (TOPICS.tasks) from its
 * outbox. Campaigns, webhooks and the public notice come later.
 */
export function createInspection(deps: {
  db: Database;
  /** Stamps API actions and is the default instant of a sweep; default the system clock. */
  clock?: Clock;
  /** The holiday-aware working-day calendar of the ladder; default the built-in one. */
  calendar?: WorkingDayCalendar;
  ladder?: LadderConfig;
  risk?: RiskConfig;
}) {
  const outbox = new Outbox(INSPECTION_SCHEMA, 'inspection');
  const clock = deps.clock ?? systemClock;
  const ctx = {
    db: deps.db,
    outbox,
    clock,
    calendar: deps.calendar ?? defaultCalendar,
    ladder: deps.ladder ?? DEFAULT_LADDER_CONFIG,
    risk: deps.risk ?? DEFAULT_RISK_CONFIG,
  };
  const findings = inspectionRoutes(ctx);
  const cases = caseRoutes(ctx);
  const routes: FastifyPluginAsync = async (app) => {
    await findings(app, {});
    await cases(app, {});
  };
  return {
    name: 'inspection' as const,
    outbox,
    consumer: inspectionConsumer(ctx),
    migrate: () => migrate(deps.db, { folder: migrationsFolder, schema: INSPECTION_SCHEMA }),
    routes,
    /** Runs the ladder of every open case as of an instant (monotonic); the embedded timer and the admin route call it. */
    sweep: (asOf: Date = clock.now()) => sweep(ctx, asOf),
  };
}
