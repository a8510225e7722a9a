/**
 * The embedded system a bench measures: on a fresh PGlite under a temporary folder, or on this
 * machine's PostgreSQL (`DATABASE_URL`, its Wagewatch schemas dropped first), on a manual clock,
 * listening on a free port, with the load-shedding guard off (a bench loads as fast as it can).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openPglite, openPostgres } from '@wagewatch/db';
import { ApiKeys, createLogger, ManualClock, SecretBox } from '@wagewatch/runtime';
import { createEmbeddedSystem, type EmbeddedSystem } from '@wagewatch/standalone/system';

export type Started = {
  system: EmbeddedSystem;
  db: Database;
  base: string;
  apiKeys: ApiKeys;
  close(): Promise<void>;
};

export const benchLogger = createLogger({ level: 'warn' });

export async function startBenchSystem(label: string, database: string, now: Date): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), `wagewatch-bench-${label}-`));
  const db: Database =
    database === 'postgres'
      ? openPostgres({
          connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        })
      : await openPglite({ dataDir: join(dataDir, 'pglite') });
  if (db.kind === 'postgres') {
    for (const s of ['ingest', 'ledger', 'deposits', 'inspection', 'migrations', 'auth'])
      await db.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  }
  const apiKeys = new ApiKeys('bench-secret-bench-secret-bench-secret-0123');
  const system = await createEmbeddedSystem({
    db,
    clock: new ManualClock(now),
    logger: benchLogger,
    apiKeys,
    secrets: new SecretBox(randomBytes(32)),
    protection: { maxEventLoopDelayMs: 0, addressRequestsPerWindow: 1e9, keyRequestsPerWindow: 1e9 },
  });
  system.start();
  const base = await system.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    system,
    db,
    base,
    apiKeys,
    close: async () => {
      await system.stop();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An end-of-day statement per project's account and day from `from` to `to` (inclusive), whose
 * counts and totals are the transfers already seeded on that day and whose closing balance runs
 * from zero; received at 08:00 the next morning. Bulk SQL, as the ledger's consumer would store them.
 */
export async function seedStatements(db: Database, from: string, to: string): Promise<void> {
  await db.query(
    `INSERT INTO ledger.statements (account_no, statement_date, project_id, opening_fen, closing_fen, debit_count, debit_fen,
       credit_count, credit_fen, received_at, event_id)
     SELECT account_no, day, project_id, closing - credit_fen + debit_fen, closing, debit_count, debit_fen, credit_count,
       credit_fen, (day + 1 + time '08:00') AT TIME ZONE 'Asia/Shanghai', gen_random_uuid()
     FROM (
       SELECT d.*, sum(d.credit_fen - d.debit_fen) OVER (PARTITION BY d.account_no ORDER BY d.day)::bigint AS closing
       FROM (
         SELECT p.account_no, p.project_id, day::date AS day,
           count(t.*) FILTER (WHERE t.direction = 'debit')::int AS debit_count,
           coalesce(sum(t.amount_fen) FILTER (WHERE t.direction = 'debit'), 0)::bigint AS debit_fen,
           count(t.*) FILTER (WHERE t.direction = 'credit')::int AS credit_count,
           coalesce(sum(t.amount_fen) FILTER (WHERE t.direction = 'credit'), 0)::bigint AS credit_fen
         FROM ledger.projects p CROSS JOIN generate_series($1::date, $2::date, interval '1 day') day
           LEFT JOIN ledger.transfers t ON t.account_no = p.account_no
             AND (t.booked_at AT TIME ZONE 'Asia/Shanghai')::date = day::date
         GROUP BY p.account_no, p.project_id, day) d
     ) x`,
    [from, to],
  );
}
