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
import { generateBenchMonth } from '@wagewatch/demo';
import { shanghaiDate } from '@wagewatch/domain';
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

/** The period n months before `last` (YYYY-MM). */
export const monthsBack = (last: string, n: number): string => {
  const [y, m] = last.split('-').map(Number) as [number, number];
  const t = y * 12 + (m - 1) - n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
};

/**
 * A city's ledger history written in bulk SQL as the ledger's consumer writes it: `projects`
 * generated projects with `workers` each, started on `first`'s 1st and paid on the 15th of the
 * month after (or `payDayOf(i)`), a complete signed sheet per month from `first` to `last`
 * submitted on the 1st of the month after, the owner's labour-cost credit (the sheet + 5 %) at
 * 09:00 and every line paid at 10:00 on the 2nd of the month after (before every due date), and an
 * end-of-day statement per account and day to the eve of `now`. Returns the row counts.
 */
export async function seedLedgerHistory(
  s: Started,
  o: {
    projects: number;
    workers: number;
    first: string;
    last: string;
    now: Date;
    payDayOf?: (i: number) => number;
  },
): Promise<Record<string, number>> {
  const { first, workers } = o;
  const LAST = o.last;
  const city = generateBenchMonth({ workers: o.projects, projects: o.projects });
  const terms = city.projects.map((p, i) =>
    JSON.stringify({
      ...p,
      permitDate: `${monthsBack(first, 1)}-01`,
      startDate: `${first}-01`,
      payDay: o.payDayOf?.(i) ?? 15,
      payMonthOffset: 1,
      registeredAt: o.now.toISOString(),
    }),
  );
  await s.db.query(
    `INSERT INTO ledger.projects (project_id, district, bank_code, account_no, terms, event_id)
     SELECT t->>'projectId', t->>'district', t->'wageAccount'->>'bankCode', t->'wageAccount'->>'accountNo', t,
       gen_random_uuid()
     FROM unnest($1::jsonb[]) t`,
    [terms],
  );
  await s.db.query(
    `INSERT INTO ledger.workers (project_id, id_number, name, account_no, enrolled_on, left_on)
     SELECT p.project_id, '510402199' || lpad((p.n * 1000 + g)::text, 9, '0'), '工人' || p.n || '-' || g,
       '6217' || lpad((p.n * 1000 + g)::text, 15, '0'), $2::date, NULL
     FROM (SELECT project_id, (row_number() OVER (ORDER BY project_id))::int AS n FROM ledger.projects) p,
       generate_series(1, $1::int) g`,
    [workers, `${first}-01`],
  );
  // A complete sheet per month, submitted on the 1st of the month after.
  await s.db.query(
    `INSERT INTO ledger.payroll_sheets (sheet_id, project_id, period, version, parts, parts_received, submitted_at, event_ids)
     SELECT gen_random_uuid(), p.project_id, to_char(m, 'YYYY-MM'), 1, 1, 1,
       (m + interval '1 month' + interval '9 hours') AT TIME ZONE 'Asia/Shanghai', ARRAY[gen_random_uuid()::text]
     FROM ledger.projects p, generate_series($1::date, $2::date, interval '1 month') m`,
    [`${first}-01`, `${LAST}-01`],
  );
  await s.db.query(
    `INSERT INTO ledger.payroll_lines (sheet_id, id_number, name, amount_due_fen, signed)
     SELECT s.sheet_id, w.id_number, w.name, (500000 + abs(hashtext(w.id_number || s.period)) % 400000)::bigint, true
     FROM ledger.payroll_sheets s JOIN ledger.workers w ON w.project_id = s.project_id`,
  );
  // The owner's credit (the month's sheet + 5 %) at 09:00 on the 2nd of the month after, each
  // line paid at 10:00 the same day: before every due date (the 15th, or earlier on a holiday).
  await s.db.query(
    `INSERT INTO ledger.transfers (bank_code, bank_ref, project_id, account_no, direction, amount_fen, counterparty_account_no,
       counterparty_name, counterparty_id_number, booked_at, status, original_bank_ref, purpose, event_id)
     SELECT p.bank_code, 'L-' || s.period || '-' || p.account_no, p.project_id, p.account_no, 'credit',
       (1.05 * (SELECT sum(l.amount_due_fen) FROM ledger.payroll_lines l WHERE l.sheet_id = s.sheet_id))::bigint,
       '9558' || lpad(abs(hashtext(p.project_id))::text, 15, '0'), p.terms->'owner'->>'name', NULL,
       (to_date(s.period, 'YYYY-MM') + interval '1 month 1 day 9 hours') AT TIME ZONE 'Asia/Shanghai',
       'booked', NULL, '人工费拨付', gen_random_uuid()
     FROM ledger.payroll_sheets s JOIN ledger.projects p USING (project_id)`,
  );
  await s.db.query(
    `INSERT INTO ledger.transfers (bank_code, bank_ref, project_id, account_no, direction, amount_fen, counterparty_account_no,
       counterparty_name, counterparty_id_number, booked_at, status, original_bank_ref, purpose, event_id)
     SELECT p.bank_code, 'W-' || s.period || '-' || w.account_no, p.project_id, p.account_no, 'debit', l.amount_due_fen,
       w.account_no, w.name, w.id_number,
       (to_date(s.period, 'YYYY-MM') + interval '1 month 1 day 10 hours') AT TIME ZONE 'Asia/Shanghai',
       'booked', NULL, '工资', gen_random_uuid()
     FROM ledger.payroll_sheets s JOIN ledger.projects p USING (project_id)
       JOIN ledger.payroll_lines l ON l.sheet_id = s.sheet_id
       JOIN ledger.workers w ON w.project_id = s.project_id AND w.id_number = l.id_number`,
  );
  await seedStatements(s.db, `${first}-01`, shanghaiDate(new Date(o.now.getTime() - 86_400_000)));
  await s.db.query('ANALYZE');
  const [c] = await s.db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM ledger.workers) AS workers, (SELECT count(*)::int FROM ledger.payroll_lines) AS lines,
            (SELECT count(*)::int FROM ledger.transfers) AS transfers, (SELECT count(*)::int FROM ledger.statements) AS statements`,
  );
  return c ?? {};
}
