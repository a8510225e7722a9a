/**
 * The system side of `bench:embedded` (embedded.ts forks this file): the embedded system on one
 * database, in a process of its own, as `pnpm start` runs it, so that the peak RSS it reports is
 * the system's and not also the load generator's (the generated month, the HTTP client's buffers;
 * docs/adr/0028). The generator drives it by messages: `init` (the keys for the month's projects
 * and banks), `window` (the peak RSS is counted again from now), `drain`, `sweep`, `peak` (the
 * peak since `window`), `baseline` (the same rows by bulk SQL into the same database: generated
 * here again, seeded, after the measured window), `stop`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Database,
  openPglite,
  openPgliteThread,
  openPostgres,
  type PgliteThreadMemory,
  type Sql,
} from '@wagewatch/db';
import { ApiKeys, createLogger, ManualClock, SecretBox } from '@wagewatch/runtime';
import { tuneEmbeddedHeap } from '@wagewatch/standalone/heap';
import { createEmbeddedSystem } from '@wagewatch/standalone/system';
import { benchCity, peakRssOf, resetPeakRss, secs } from './embedded-city.ts';

type Message = { id: number; op: string; [k: string]: unknown };
type Options = { database: string; sharedBuffers?: string; warm: boolean };

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
// As `pnpm start` runs it (services/standalone/src/main.ts).
tuneEmbeddedHeap();

// Sampled as well as the kernel's count: where /proc is missing, and to check one by the other.
// At the highest sample, what held it: the main JS heap and, on PGlite's thread, its JS heap
// and PostgreSQL's WASM heap (asked for then, answered a moment later).
let sampledPeak = 0;
let atPeak: { mainHeapBytes: number; thread?: PgliteThreadMemory } | undefined;
let threadMemory: (() => Promise<PgliteThreadMemory>) | undefined;
const sampler = setInterval(() => {
  const { rss, heapTotal } = process.memoryUsage();
  if (rss <= sampledPeak) return;
  sampledPeak = rss;
  const sample: NonNullable<typeof atPeak> = { mainHeapBytes: heapTotal };
  atPeak = sample;
  threadMemory?.().then(
    (m) => (sample.thread = m),
    () => {},
  );
}, 50);

const dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-bench-'));
const opened: Database =
  options.database === 'postgres'
    ? openPostgres({
        connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      })
    : options.database === 'pglite-inline'
      ? await openPglite({ dataDir: join(dataDir, 'pglite') })
      : await openPgliteThread({
          dataDir: join(dataDir, 'pglite'),
          ...(options.sharedBuffers ? { sharedBuffers: options.sharedBuffers } : {}),
        });
if ('memory' in opened) threadMemory = opened.memory as () => Promise<PgliteThreadMemory>;
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
  ...(process.env.BENCH_DELIVERY_YIELD_MS
    ? { deliveryYieldMaxMs: Number(process.env.BENCH_DELIVERY_YIELD_MS) }
    : {}),
});
if (!process.env.BENCH_NO_BUS) system.start();
const base = await system.app.listen({ port: 0, host: '127.0.0.1' });
// --warm: swept once before the ingest, as a running system's sweep timer has (its first run is
// at the start). The month then arrives late, all at once, on an evaluation clock past its due
// dates: a project evaluated after its sheet and before its transfers raises a finding for every
// worker, resolved when the transfers come (bench/README.md). By default the evaluations of the
// ingest wait for the first sweep after the drain, which evaluates every project once.
if (options.warm) {
  await system.ledger.sweep(clock.now());
  await system.drain();
}
const startupPeak = Math.max(peakRssOf('self') ?? 0, sampledPeak);

const handlers: Record<string, (m: Message) => Promise<Record<string, unknown>>> = {
  async init(m) {
    const key = (role: Parameters<ApiKeys['issue']>[0], scope = {}) => apiKeys.issue(role, scope).key;
    const banks = Object.fromEntries((m.bankCodes as string[]).map((b) => [b, key('bank', { bankCode: b })]));
    return {
      base,
      kind: db.kind,
      startupPeak,
      keys: { admin: key('admin'), pm: key('project-manager', { projectIds: m.projectIds }), banks },
    };
  },
  async window() {
    if (process.env.BENCH_MARKS) console.log(`MARK window ${process.hrtime.bigint() / 1000n}`);
    const kernel = resetPeakRss();
    sampledPeak = process.memoryUsage().rss;
    atPeak = undefined;
    return { kernel };
  },
  async drain() {
    await system.drain();
    return {};
  },
  async sweep() {
    // BENCH_MARKS=1: the sweep's start and end in microseconds of the monotonic clock, the time
    // base of `node --cpu-prof` profiles (to sum one phase of a profile).
    const sweepStart = process.hrtime.bigint();
    if (process.env.BENCH_TRACE_SWEEP) sqlSpans.clear();
    await system.ledger.sweep(clock.now());
    if (process.env.BENCH_MARKS)
      console.log(`MARK sweep ${sweepStart / 1000n} ${process.hrtime.bigint() / 1000n}`);
    await system.drain();
    const [found] = await db.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM inspection.findings WHERE status = 'open'",
    );
    return { openFindings: Number(found?.n ?? 0n) };
  },
  async peak() {
    if (process.env.BENCH_MARKS) console.log(`MARK window-end ${process.hrtime.bigint() / 1000n}`);
    const kernel = peakRssOf('self');
    return { kernel, sampled: Math.max(sampledPeak, process.memoryUsage().rss), atPeak };
  },
  async baseline(m) {
    return { ms: await baseline(m.workers as number, m.missedEvery as number) };
  },
  async stop() {
    clearInterval(sampler);
    if (sqlSpans.size) {
      const top = [...sqlSpans].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40);
      for (const [k, v] of top) console.log(`${secs(v.ms).padStart(9)} ${String(v.n).padStart(7)}  ${k}`);
    }
    await system.stop();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
    return {};
  },
};

process.on('message', (m: Message) => {
  const handler = handlers[m.op];
  if (!handler) {
    process.send?.({ id: m.id, error: `unknown op ${m.op}` });
    return;
  }
  handler(m).then(
    (result) => process.send?.({ id: m.id, result }, () => (m.op === 'stop' ? process.exit(0) : undefined)),
    (err: Error) => process.send?.({ id: m.id, error: err.stack ?? String(err) }),
  );
});
process.send?.({ ready: true });

/** The same rows straight into tables of the same shape, bulk SQL, one statement each request. */
async function baseline(workers: number, missedEvery: number): Promise<number> {
  const { city } = benchCity(workers, missedEvery);
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
  return performance.now() - b0;
}
