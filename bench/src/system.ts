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
