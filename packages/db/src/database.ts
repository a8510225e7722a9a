import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openPgliteThread } from './pglite-thread.ts';

/**
 * The one database port every service receives. Raw parameterised SQL (`$1`) is the common
 * language of PGlite and node-postgres; drizzle-orm defines the schemas and generates the
 * migrations (see migrate.ts). Both drivers are configured to return the same JS types:
 * int8 → bigint, date → 'YYYY-MM-DD' string, numeric → string, timestamptz → Date.
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Database extends Sql {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

const parseInt8 = (v: string): bigint => BigInt(v);
const keepText = (v: string): string => v;

export async function openPglite(options: { dataDir?: string } = {}): Promise<Database> {
  const client = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    parsers: { [INT8]: parseInt8, [DATE]: keepText, [NUMERIC]: keepText },
  });
  return pgliteDatabase(client);
}

export function pgliteDatabase(client: PGlite): Database {
  const run = async <T>(
    target: Pick<PGlite, 'query'>,
    text: string,
    params?: readonly unknown[],
  ): Promise<T[]> => {
    const res = await target.query<T>(text, params as unknown[] | undefined);
    return res.rows;
  };
  return {
    kind: 'pglite',
    query: (text, params) => run(client, text, params),
    transaction: (fn) => client.transaction((t) => fn({ query: (text, params) => run(t, text, params) })),
    close: () => client.close(),
  };
}

export function openPostgres(options: { connectionString: string; max?: number }): Database {
  const types = {
    getTypeParser: (oid: number, format?: string) => {
      if (oid === INT8) return parseInt8;
      if (oid === DATE || oid === NUMERIC) return keepText;
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    types: types as pg.CustomTypesConfig,
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  return {
    kind: 'postgres',
    async query(text, params) {
      const res = await pool.query(text, params as unknown[] | undefined);
      return res.rows;
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async (text, params) => (await client.query(text, params as unknown[] | undefined)).rows,
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir?: string }
  | { kind: 'postgres'; url: string; max?: number };

/** The embedded default, PGlite, runs in a worker thread of its own (pglite-thread.ts). */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'pglite'
    ? openPgliteThread(config.dataDir ? { dataDir: config.dataDir } : {})
    : openPostgres({ connectionString: config.url, ...(config.max ? { max: config.max } : {}) });
}
