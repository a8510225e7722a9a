import { randomBytes } from 'node:crypto';
/**
 * `pnpm bench`: a generated month for 20,000 workers (--workers N) pushed through the embedded
 * system over real HTTP, beside a baseline measured in the same run: the same rows written
 * straight into the same database with bulk SQL (no HTTP, validation, events or rules).
 * Prints records/s ingested, the time until the last finding is recorded, and peak memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Database, openPglite, openPgliteThread, openPostgres, type Sql } from '@wagewatch/db';
import { ApiKeys, createLogger, ManualClock, SecretBox } from '@wagewatch/runtime';
import { createEmbeddedSystem } from '@wagewatch/standalone/system';
import { type DemoCity, generateBenchMonth } from '@wagewatch/testkit/generator';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '20000' },
    database: { type: 'string', default: 'pglite' },
    'missed-every': { type: 'string', default: '100' },
    /** PGlite's shared_buffers in its thread (default: PGLITE_SHARED_BUFFERS of @wagewatch/db). */
    'shared-buffers': { type: 'string' },
    /** batch: a request per bank and day (POST /v1/bank/statements/batch); single: one per statement. */
    statements: { type: 'string', default: 'batch' },
    /** Sweep once before the ingest (see below). */
    warm: { type: 'boolean', default: false },
  },
});
const workers = Number(values.workers);

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const city: DemoCity = generateBenchMonth({ workers });
// Leave every Nth wage payment out of the feed so that the month also produces findings.
const every = Number(values['missed-every']);
let n = 0;
for (const batch of city.transfers) {
  batch.body.records = batch.body.records.filter((r) => r.direction !== 'debit' || ++n % every !== 0);
}
const counts = {
  projects: city.projects.length,
  workers: city.workers.reduce((s, w) => s + w.body.workers.length, 0),
  payrollLines: city.payrolls.reduce((s, p) => s + p.body.lines.length, 0),
  transfers: city.transfers.reduce((s, t) => s + t.body.records.length, 0),
  statements: city.statements.length,
};
const records = counts.workers + counts.payrollLines + counts.transfers + counts.statements;

const dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-bench-'));
const opened: Database =
  values.database === 'postgres'
    ? openPostgres({
        connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      })
    : values.database === 'pglite-inline'
      ? await openPglite({ dataDir: join(dataDir, 'pglite') })
      : await openPgliteThread({
          dataDir: join(dataDir, 'pglite'),
          ...(values['shared-buffers'] ? { sharedBuffers: values['shared-buffers'] } : {}),
        });
const sqlSpans = new Map<string, { n: number; ms: number }>();
const traced = (q: Sql['query']): Sql['query'] =>
  async function query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
    const t = performance.now();
    try {
      return await q<T>(text, params);
    } finally {
      const k = text.replace(/\s+/g, ' ').trim().slice(0, 90);
      const span = sqlSpans.get(k) ?? { n: 0, ms: 0 };
      span.n++;
      span.ms += performance.now() - t;
      sqlSpans.set(k, span);
    }
  };
// BENCH_TRACE_SQL=1: time spent per statement (its first 90 characters), and per transaction
// (`TX[its first statement]`, from asking for the connection to its end: the wait for PGlite's
// one connection included), printed at the end; with BENCH_TRACE_SWEEP=1 only from the sweep on.
const db: Database = process.env.BENCH_TRACE_SQL
  ? {
      kind: opened.kind,
      query: traced(opened.query.bind(opened)),
      transaction: (fn) => {
        const t = performance.now();
        let first = '';
        let n = 0;
        return opened
          .transaction((tx) =>
            fn({
              query: (text, params) => {
                if (n++ === 0) first = text.replace(/\s+/g, ' ').trim().slice(0, 80);
                return traced(tx.query.bind(tx))(text, params);
              },
            }),
          )
          .finally(() => {
            const k = `TX[${first}]`;
            const span = sqlSpans.get(k) ?? { n: 0, ms: 0 };
            span.n++;
            span.ms += performance.now() - t;
            sqlSpans.set(k, span);
          });
      },
      close: () => opened.close(),
    }
  : opened;
if (db.kind === 'postgres') {
  for (const s of ['ingest', 'ledger', 'inspection', 'migrations', 'bench_baseline'])
    await db.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
}
const clock = new ManualClock(new Date('2026-11-29T10:00:00+08:00'));
const apiKeys = new ApiKeys('bench-secret-bench-secret-bench-secret-0123');
const system = await createEmbeddedSystem({
  db,
  clock,
  logger: createLogger({ level: 'warn' }),
  apiKeys,
  secrets: new SecretBox(randomBytes(32)),
});
if (!process.env.BENCH_NO_BUS) system.start();
const base = await system.app.listen({ port: 0, host: '127.0.0.1' });
const key = (role: Parameters<ApiKeys['issue']>[0], scope = {}) => apiKeys.issue(role, scope).key;
const admin = key('admin');
const pm = key('project-manager', { projectIds: city.projects.map((p) => p.projectId) });
const banks = new Map(city.banks.map((b) => [b.bankCode, key('bank', { bankCode: b.bankCode })]));

async function post(k: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 400) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
}
async function inParallel<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

console.log(
  `Wagewatch embedded bench: ${counts.workers} workers in ${counts.projects} projects, ${records} records, ${db.kind}` +
    // As `pnpm start` runs the embedded default (services/standalone/package.json, docs/adr/0027).
    `, MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? "glibc's default"}`,
);
const phases: [string, number][] = [];
// Opening the database and the system (on a new data folder: initdb) is reported on its own.
// --warm: swept once before the ingest, as a running system's sweep timer has (its first run is
// at the start). The month then arrives late, all at once, on an evaluation clock past its due
// dates: a project evaluated after its sheet and before its transfers raises a finding for every
// worker, resolved when the transfers come (bench/README.md). By default the evaluations of the
// ingest wait for the first sweep after the drain, which evaluates every project once.
if (values.warm) {
  await system.ledger.sweep(clock.now());
  await system.drain();
}
const startupPeakRss = Math.max(peakRss, process.memoryUsage().rss);
peakRss = 0;
const t0 = performance.now();
let tPhase = t0;
const phase = (name: string) => {
  const t = performance.now();
  phases.push([name, t - tPhase]);
  tPhase = t;
};
for (const p of city.projects) await post(admin, '/v1/projects', p);
phase('projects');
await inParallel(city.workers, 4, (w) => post(pm, `/v1/projects/${w.projectId}/workers`, w.body));
phase('workers');
await inParallel(city.payrolls, 4, (s) => post(pm, `/v1/projects/${s.projectId}/payrolls`, s.body));
phase('payrolls');
await inParallel(city.transfers, 4, (t) => post(banks.get(t.bankCode)!, '/v1/bank/transfers', t.body));
phase('transfers');
if (values.statements === 'single') {
  await inParallel(city.statements, 8, (s) => post(banks.get(s.bankCode)!, '/v1/bank/statements', s.body));
} else {
  // As a bank sends its end of day: one request per bank and day with all its accounts' statements.
  const days = new Map<
    string,
    { bankCode: string; statements: (typeof city.statements)[number]['body'][] }
  >();
  for (const s of city.statements) {
    const key = `${s.bankCode}|${s.body.date}`;
    const day = days.get(key) ?? { bankCode: s.bankCode, statements: [] };
    day.statements.push(s.body);
    days.set(key, day);
  }
  await inParallel([...days.values()], 4, (d) =>
    post(banks.get(d.bankCode)!, '/v1/bank/statements/batch', { statements: d.statements }),
  );
}
phase('statements');
const tIngested = performance.now();
await system.drain();
phase('drain');
const tApplied = performance.now();
// BENCH_MARKS=1: the sweep's start and end in microseconds of the monotonic clock, the time base
// of `node --cpu-prof` profiles (to sum one phase of a profile).
const sweepStart = process.hrtime.bigint();
if (process.env.BENCH_TRACE_SWEEP) sqlSpans.clear();
await system.ledger.sweep(clock.now());
if (process.env.BENCH_MARKS)
  console.log(`MARK sweep ${sweepStart / 1000n} ${process.hrtime.bigint() / 1000n}`);
await system.drain();
phase('sweep');
const tFindings = performance.now();
console.log(`phases: ${phases.map(([n, ms]) => `${n} ${secs(ms)}`).join(', ')}`);
const [found] = await db.query<{ n: bigint }>(
  "SELECT count(*) AS n FROM inspection.findings WHERE status = 'open'",
);

// Baseline: the same rows straight into tables of the same shape, bulk SQL, one transaction each.
await db.query('CREATE SCHEMA IF NOT EXISTS bench_baseline');
for (const t of ['workers', 'payroll_lines', 'bank_transfers', 'bank_statements']) {
  await db.query(
    `CREATE TABLE IF NOT EXISTS bench_baseline.${t} (LIKE ingest.${t} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
  );
}
const b0 = performance.now();
const now = new Date();
for (const w of city.workers) {
  const ws = w.body.workers;
  await db.query(
    'INSERT INTO bench_baseline.workers (project_id, id_number, name, account_no, record, updated_at) SELECT $1::text, u.*, $6::timestamptz FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[]) AS u',
    [
      w.projectId,
      ws.map((x) => x.idNumber),
      ws.map((x) => x.name),
      ws.map((x) => x.accountNo),
      ws.map((x) => JSON.stringify(x)),
      now,
    ],
  );
}
for (const [i, s] of city.payrolls.entries()) {
  const ls = s.body.lines;
  await db.query(
    'INSERT INTO bench_baseline.payroll_lines (sheet_id, source_row, id_number, name, days_worked, amount_due_fen, gross_fen, signed) SELECT gen_random_uuid(), u.* FROM unnest($1::int[], $2::text[], $3::text[], $4::numeric[], $5::bigint[], $6::bigint[], $7::boolean[]) AS u',
    [
      ls.map((_, j) => j + 1 + i * 0),
      ls.map((l) => l.idNumber),
      ls.map((l) => l.name),
      ls.map((l) => l.daysWorked),
      ls.map((l) => Math.round(Number(l.amountDue) * 100)),
      ls.map(() => null),
      ls.map((l) => l.signed),
    ],
  );
}
for (const t of city.transfers) {
  const rs = t.body.records;
  await db.query(
    'INSERT INTO bench_baseline.bank_transfers (bank_code, bank_ref, project_id, account_no, record, received_at) SELECT $1::text, u.*, $6::timestamptz FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[]) AS u',
    [
      t.bankCode,
      rs.map((r) => r.bankRef),
      rs.map(() => 'p'),
      rs.map((r) => r.accountNo),
      rs.map((r) => JSON.stringify(r)),
      now,
    ],
  );
}
for (let i = 0; i < city.statements.length; i += 1000) {
  const ss = city.statements.slice(i, i + 1000);
  await db.query(
    'INSERT INTO bench_baseline.bank_statements (bank_code, account_no, statement_date, fingerprint, record, received_at) SELECT u.*, $6::timestamptz FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::jsonb[]) AS u',
    [
      ss.map((s) => s.bankCode),
      ss.map((s) => s.body.accountNo),
      ss.map((s) => s.body.date),
      ss.map(() => 'x'),
      ss.map((s) => JSON.stringify(s.body)),
      now,
    ],
  );
}
const b1 = performance.now();
clearInterval(sampler);

const ingestMs = tIngested - t0;
const baselineMs = b1 - b0;
const rows = [
  ['records', String(records), JSON.stringify(counts)],
  ['HTTP ingest', secs(ingestMs), `${Math.round(records / (ingestMs / 1000))} records/s`],
  ['events applied (ledger + inspection)', secs(tApplied - t0), 'from the first request'],
  ['time to the last finding', secs(tFindings - t0), `${found?.n ?? 0n} open findings after the sweep`],
  [
    'baseline: bulk SQL, same rows, same database',
    secs(baselineMs),
    `${Math.round(records / (baselineMs / 1000))} records/s`,
  ],
  [
    'HTTP ingest vs baseline',
    `${(ingestMs / baselineMs).toFixed(1)}x slower`,
    'validation, auth, history, outbox events',
  ],
  [
    'peak RSS from the first request',
    mb(peakRss),
    `startup (database created, system built): ${mb(startupPeakRss)}`,
  ],
];
for (const [a, b, c] of rows) console.log(`${a!.padEnd(46)} ${b!.padStart(12)}  ${c}`);
if (sqlSpans.size) {
  const top = [...sqlSpans].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40);
  for (const [k, v] of top) console.log(`${secs(v.ms).padStart(9)} ${String(v.n).padStart(7)}  ${k}`);
}
await system.stop();
await db.close();
rm(dataDir);
function rm(d: string) {
  rmSync(d, { recursive: true, force: true });
}
