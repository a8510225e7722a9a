import { InProcessBus } from '@wagewatch/bus';
import type { Database } from '@wagewatch/db';
import { defaultCalendar, type WorkingDayCalendar } from '@wagewatch/domain';
import { createIngest } from '@wagewatch/ingest';
import { createInspection } from '@wagewatch/inspection';
import { createLedger } from '@wagewatch/ledger';
import {
  type ApiKeys,
  buildHttpApp,
  type Clock,
  createMetrics,
  type Logger,
  type Scheduler,
  TimerScheduler,
} from '@wagewatch/runtime';

export type EmbeddedOptions = {
  db: Database;
  clock: Clock;
  logger: Logger;
  apiKeys: ApiKeys;
  calendar?: WorkingDayCalendar;
  /** Interval of the deadline sweep timer; undefined: no timer (tests run sweeps explicitly). */
  sweepIntervalMs?: number;
};

/**
 * The embedded composition root: every service in one process, on one database (PGlite or
 * PostgreSQL), events delivered in-process from the same outboxes, scheduled work on timers.
 */
export async function createEmbeddedSystem(options: EmbeddedOptions) {
  const { db, clock, logger, apiKeys } = options;
  const calendar = options.calendar ?? defaultCalendar;
  const ingest = createIngest({ db, apiKeys, clock });
  const ledger = createLedger({ db, clock, calendar });
  const inspection = createInspection({ db });
  for (const service of [ingest, ledger, inspection]) {
    const applied = await service.migrate();
    if (applied) logger.info({ service: service.name, applied }, 'migrations applied');
  }
  const bus = new InProcessBus(
    db,
    [ingest.outbox, ledger.outbox],
    [ledger.consumer, inspection.consumer],
    logger.child({ component: 'bus' }),
  );
  const metrics = createMetrics();
  const app = await buildHttpApp({
    logger,
    apiKeys,
    metrics,
    readiness: [{ name: 'database', check: async () => void (await db.query('SELECT 1')) }],
    plugins: [ingest.routes, ledger.routes, inspection.routes],
  });
  app.addHook('onRequest', async (req) => {
    if (req.url === '/metrics') {
      for (const o of [ingest.outbox, ledger.outbox])
        metrics.outboxBacklog.labels(o.schema).set(await pendingFor(db, o.schema));
      metrics.eventsApplied.reset();
      metrics.eventsApplied.labels('embedded').inc(bus.stats.applied);
      metrics.eventsDeadLettered.reset();
      metrics.eventsDeadLettered.labels('embedded').inc(bus.stats.deadLettered);
    }
  });
  let scheduler: Scheduler | undefined;

  return {
    app,
    db,
    bus,
    ingest,
    ledger,
    inspection,
    metrics,
    /** Starts delivery and, when configured, the sweep timer. */
    start() {
      bus.start();
      if (options.sweepIntervalMs) {
        scheduler = new TimerScheduler(logger);
        scheduler.every('deadline-sweep', options.sweepIntervalMs, async () => {
          await bus.drain();
          const r = await ledger.sweep(clock.now());
          const n = r.results.reduce((s, x) => s + x.transitions.length, 0);
          if (n) logger.info({ asOf: r.asOf, transitions: n }, 'deadline sweep recorded changes');
        });
      }
    },
    /** Waits until every event written so far has been applied by every consumer. */
    drain: () => bus.drain(),
    async stop() {
      await scheduler?.stop();
      await app.close();
      await bus.stop();
    },
  };
}
export type EmbeddedSystem = Awaited<ReturnType<typeof createEmbeddedSystem>>;

/** Events some consumer has not applied yet (the slowest consumer's lag). */
async function pendingFor(db: Database, schema: string): Promise<number> {
  const rows = await db.query<{ n: bigint }>(
    `SELECT count(*) AS n FROM "${schema}".outbox WHERE seq > (SELECT coalesce(min(position), 0) FROM (
       SELECT position FROM ledger.cursors WHERE source = $1 UNION ALL SELECT position FROM inspection.cursors WHERE source = $1) c)`,
    [`outbox:${schema}`],
  );
  return Number(rows[0]?.n ?? 0n);
}
