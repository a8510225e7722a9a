import { createHash } from 'node:crypto';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Database } from './database.ts';

/**
 * Applies a service's drizzle-kit migrations (generated and committed under its `drizzle/`
 * folder). drizzle's own migrators are bound to one driver each; this runs the same files
 * through the Database port so PGlite and PostgreSQL share one path. Each service has its
 * own journal table (migrations.<schema>), and an advisory lock makes concurrent starts of the same service
 * (two ledger processes) apply a migration once.
 */
export async function migrate(db: Database, options: { folder: string; schema: string }): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder: options.folder });
  const lockKey = BigInt.asIntN(
    64,
    BigInt(`0x${createHash('sha1').update(options.schema).digest('hex').slice(0, 16)}`),
  );
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey.toString()]);
    // The journal lives outside the service's schema: the first migration creates that schema.
    await tx.query('CREATE SCHEMA IF NOT EXISTS migrations');
    await tx.query(
      `CREATE TABLE IF NOT EXISTS migrations."${options.schema}" (hash text PRIMARY KEY, created_at bigint NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await tx.query<{ hash: string }>(`SELECT hash FROM migrations."${options.schema}"`)).map(
        (r) => r.hash,
      ),
    );
    let applied = 0;
    for (const m of migrations) {
      if (done.has(m.hash)) continue;
      for (const statement of m.sql) {
        if (statement.trim()) await tx.query(statement);
      }
      await tx.query(`INSERT INTO migrations."${options.schema}" (hash, created_at) VALUES ($1, $2)`, [
        m.hash,
        m.folderMillis,
      ]);
      applied++;
    }
    return applied;
  });
}
