import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Database, openPostgres, pgliteDatabase } from '@wagewatch/db';
import pg from 'pg';
import { resolveServices } from './services.ts';

export type TestDatabaseKind = 'pglite' | 'postgres';
export type TestDatabase = { kind: TestDatabaseKind; db: Database; url?: string; drop(): Promise<void> };

const TEMPLATE = join(tmpdir(), 'wagewatch-pglite-template-0.5.16.tar');
let template: Promise<Blob> | undefined;

/**
 * A fresh PGlite database per test file: creating one runs initdb (~3 s), loading a copy of
 * a template takes ~0.5 s, so the template is made once and kept in the temp folder.
 */
async function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    if (existsSync(TEMPLATE)) return new Blob([readFileSync(TEMPLATE)]);
    const fresh = await PGlite.create();
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    writeFileSync(`${TEMPLATE}.${process.pid}`, Buffer.from(await dump.arrayBuffer()));
    const { renameSync } = await import('node:fs');
    renameSync(`${TEMPLATE}.${process.pid}`, TEMPLATE);
    return dump;
  })();
  return template;
}

export async function createPgliteDatabase(): Promise<Database> {
  const client = await PGlite.create({
    loadDataDir: await pgliteTemplate(),
    parsers: { 20: (v: string) => BigInt(v), 1082: (v: string) => v, 1700: (v: string) => v },
  });
  return pgliteDatabase(client);
}

/** A fresh database on the PostgreSQL server the test services resolve to, dropped afterwards. */
export async function createPostgresDatabase(label = 'test'): Promise<TestDatabase> {
  const { postgresUrl } = await resolveServices();
  const name = `ww_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const db = openPostgres({ connectionString: url.toString(), max: 8 });
  return {
    kind: 'postgres',
    db,
    url: url.toString(),
    async drop() {
      await db.close().catch(() => {});
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createTestDatabase(kind: TestDatabaseKind, label?: string): Promise<TestDatabase> {
  if (kind === 'postgres') return createPostgresDatabase(label);
  const db = await createPgliteDatabase();
  return { kind, db, drop: () => db.close() };
}
