/**
 * `pnpm --filter @wagewatch/bench bench:city-day` (issue 13, goal 5): one day of a city's bank
 * feeds through the distributed mode — ingest, N ledger processes and inspection as separate OS
 * processes over the Kafka wire-protocol test broker, this machine's PostgreSQL and Redis.
 *
 * The city is seeded in bulk SQL into the schemas of ingest, the ledger and inspection, as their
 * intake and consumers would have stored it (`--accounts` projects (6,975), each with its
 * dedicated wage account, at `--banks` banks (27), and the workers paid that day); then every bank
 * pushes its day over the ingest HTTP API concurrently, as a bank would: its transfers in batches
 * of `--batch` (500) records in booking order (per project: the owner's labour-cost credit at
 * 09:00, then the payroll run's debits, one per worker), then one end-of-day statement per
 * account that reconciles with them. `--transfers` (200,000) records in all.
 *
 * Printed per `--ledgers` (1,2: the first is the baseline of the same run): the HTTP push, when
 * ingest's relay published its last event, when the ledger and inspection applied their last
 * event, when every deferred evaluation was done (end to end), records/s end to end, and the
 * p50/p99 latency from a record's arrival at ingest (`received_at`) to its application by the
 * ledger (`inbox.applied_at`, the consumer transaction's start).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from '@wagewatch/db';
import { generateBenchMonth, type ProjectBody, type TransferBody } from '@wagewatch/demo';
import { formatFen, residentIdWithCheckDigit } from '@wagewatch/domain';
import {
  keysFor,
  type RunningService,
  startService,
  stopService,
  waitForQuiescence,
} from '@wagewatch/standalone/testing';
import { createPostgresDatabase, resolveServices, startTestKafka } from '@wagewatch/testkit';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '6975' },
    banks: { type: 'string', default: '27' },
    transfers: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '500' },
    /** Statements a request (POST /v1/bank/statements/batch); 1: one POST /v1/bank/statements each. */
    'statement-batch': { type: 'string', default: '500' },
    ledgers: { type: 'string', default: '1,2' },
    day: { type: 'string', default: '2026-11-25' },
    'relay-batch': { type: 'string' },
    /**
     * Records a second over all banks, open loop (0: as fast as ingest accepts). Each bank's
     * requests are due at fixed instants (its share of the rate); a late request is sent as soon
     * as the one before it returns, and its records' latency counts from when it was due.
     */
    rate: { type: 'string', default: '0' },
    /** WAGEWATCH_CONSUMER_IDLE_MAX_DEFER_MS of every consumer process (default 2000). */
    'idle-defer': { type: 'string' },
    /** A folder: every service process writes a V8 CPU profile there when it stops. */
    'cpu-prof': { type: 'string' },
  },
});
const accounts = Number(values.accounts);
const bankCount = Number(values.banks);
const transferCount = Number(values.transfers);
const batchSize = Number(values.batch);
const statementBatch = Math.max(1, Number(values['statement-batch']));
const rate = Number(values.rate);
const DAY = values.day!;
const MONTH = DAY.slice(0, 7);
if (transferCount < 2 * accounts) throw new RangeError('--transfers must be at least twice --accounts');

// --- The city, generated in memory (deterministic) ---------------------------------------------

type CityProject = { body: ProjectBody; bankCode: string; workers: CityWorker[] };
type CityWorker = { idNumber: string; name: string; accountNo: string; fen: bigint };

const banks = Array.from({ length: bankCount }, (_, b) => `BJ${String(b + 1).padStart(2, '0')}`);
// Project shapes (districts, sectors, parties) from the bench generator; ids, accounts and terms ours.
const templateCity = generateBenchMonth({ workers: 24, projects: 24, period: MONTH });
const templates = templateCity.projects;
const debits = transferCount - accounts; // one labour-cost credit per account, the rest wage debits
const projects: CityProject[] = [];
let workerNo = 0;
for (let i = 0; i < accounts; i++) {
  const t = templates[i % templates.length]!;
  const bankCode = banks[i % bankCount]!;
  const id = `CITY-${String(i + 1).padStart(5, '0')}`;
  const body: ProjectBody = {
    ...t,
    projectId: id,
    name: `${t.name.replace(/（第\d+标段）$/, '')}（城市第${i + 1}标段）`,
    wageAccount: {
      bankCode,
      accountNo: `11${String(i % bankCount).padStart(2, '0')}${String(i).padStart(12, '0')}`,
    },
    permitDate: `${MONTH}-01`,
    startDate: `${MONTH}-01`,
    payDay: 15,
    payMonthOffset: 1,
  };
  const n = Math.floor(debits / accounts) + (i < debits % accounts ? 1 : 0);
  const workers: CityWorker[] = [];
  for (let j = 0; j < n; j++, workerNo++) {
    workers.push({
      idNumber: residentId(workerNo),
      name: `工人${i + 1}-${j + 1}`,
      accountNo: `6222${String(workerNo).padStart(15, '0')}`,
      fen: 500_000n + BigInt((workerNo * 7919) % 400_000),
    });
  }
  projects.push({ body, bankCode, workers });
}

/** A valid, unique 18-character resident ID per worker: born 1965-1999, serial from the number. */
function residentId(n: number): string {
  const p = (v: number, w: number) => String(v).padStart(w, '0');
  const birth = `${1965 + (n % 35)}${p(1 + (Math.floor(n / 35) % 12), 2)}${p(1 + (Math.floor(n / 420) % 28), 2)}`;
  return residentIdWithCheckDigit(`110101${birth}${p(Math.floor(n / 11_760) % 1000, 3)}`);
}

const bookedAt = (second: number) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAY}T${p(Math.floor(second / 3600))}:${p(Math.floor(second / 60) % 60)}:${p(second % 60)}+08:00`;
};

/** Per bank: its transfer batches (booking order) and its statements. */
function bankDay(bankCode: string) {
  const records: TransferBody[] = [];
  const statements: unknown[] = [];
  let ref = 0;
  const nextRef = () => `${bankCode}${DAY.replaceAll('-', '')}${String(++ref).padStart(7, '0')}`;
  for (const p of projects) {
    if (p.bankCode !== bankCode) continue;
    const owed = p.workers.reduce((s, w) => s + w.fen, 0n);
    const credit = ((owed * 105n) / 100n / 10_000n + 1n) * 10_000n; // the sheet + 5 %, whole hundreds of yuan
    records.push({
      bankRef: nextRef(),
      accountNo: p.body.wageAccount.accountNo,
      direction: 'credit',
      amount: formatFen(credit),
      counterpartyAccountNo: `9558${p.body.wageAccount.accountNo.slice(-15)}`,
      counterpartyName: p.body.owner.name,
      bookedAt: bookedAt(9 * 3600),
      status: 'booked',
      purpose: '人工费拨付',
    });
    for (const [j, w] of p.workers.entries()) {
      records.push({
        bankRef: nextRef(),
        accountNo: p.body.wageAccount.accountNo,
        direction: 'debit',
        amount: formatFen(w.fen),
        counterpartyAccountNo: w.accountNo,
        counterpartyName: w.name,
        counterpartyIdNumber: w.idNumber,
        bookedAt: bookedAt(10 * 3600 + j),
        status: 'booked',
        purpose: '工资',
      });
    }
    statements.push({
      accountNo: p.body.wageAccount.accountNo,
      date: DAY,
      openingBalance: '0.00',
      closingBalance: formatFen(credit - owed),
      debitCount: p.workers.length,
      debitTotal: formatFen(owed),
      creditCount: 1,
      creditTotal: formatFen(credit),
    });
  }
  const batches: { records: TransferBody[] }[] = [];
  for (let i = 0; i < records.length; i += batchSize)
    batches.push({ records: records.slice(i, i + batchSize) });
  return { bankCode, batches, statements, records: records.length };
}
const feeds = banks.map(bankDay);
const records = feeds.reduce((s, f) => s + f.records + f.statements.length, 0);

// --- Seeding: what ingest, the ledger and inspection hold before the day -----------------------

async function seed(db: Database): Promise<void> {
  const registeredAt = `${MONTH}-01T09:00:00+08:00`;
  const regs = projects.map((p) =>
    JSON.stringify({ ...p.body, registeredAt: new Date(registeredAt).toISOString() }),
  );
  await db.query(
    `INSERT INTO ingest.projects (project_id, name, district, sector, bank_code, account_no, start_date, registration, registered_at)
     SELECT r->>'projectId', r->>'name', r->>'district', r->>'sector', r->'wageAccount'->>'bankCode',
       r->'wageAccount'->>'accountNo', (r->>'startDate')::date, r, $2::timestamptz
     FROM unnest($1::jsonb[]) r`,
    [regs, registeredAt],
  );
  await db.query(
    `INSERT INTO ledger.projects (project_id, district, bank_code, account_no, terms, event_id)
     SELECT r->>'projectId', r->>'district', r->'wageAccount'->>'bankCode', r->'wageAccount'->>'accountNo', r,
       gen_random_uuid()
     FROM unnest($1::jsonb[]) r`,
    [regs],
  );
  await db.query(
    `INSERT INTO inspection.projects (project_id, name, district, sector, registration)
     SELECT r->>'projectId', r->>'name', r->>'district', r->>'sector', r FROM unnest($1::jsonb[]) r`,
    [regs],
  );
  const all = projects.flatMap((p) => p.workers.map((w) => ({ p: p.body.projectId, w })));
  for (let i = 0; i < all.length; i += 50_000) {
    const part = all.slice(i, i + 50_000);
    const cols = [
      part.map((x) => x.p),
      part.map((x) => x.w.idNumber),
      part.map((x) => x.w.name),
      part.map((x) => x.w.accountNo),
    ];
    await db.query(
      `INSERT INTO ingest.workers (project_id, id_number, name, account_no, record, updated_at)
       SELECT p, i, n, a, jsonb_build_object('idNumber', i, 'name', n, 'accountNo', a, 'enrolledOn', $5::text), $6::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(p, i, n, a)`,
      [...cols, `${MONTH}-01`, registeredAt],
    );
    await db.query(
      `INSERT INTO ledger.workers (project_id, id_number, name, account_no, enrolled_on, left_on)
       SELECT p, i, n, a, $5::date, NULL FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(p, i, n, a)`,
      [...cols, `${MONTH}-01`],
    );
  }
  await db.query('ANALYZE');
}

// --- The day over HTTP, every bank concurrently -------------------------------------------------

const keys = keysFor(templateCity); // the services' test key secret
async function post(base: string, key: string, path: string, body: unknown): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status === 503 && attempt < 20) {
      await new Promise((r) => setTimeout(r, 100 * attempt)); // load shed: a bank retries
      continue;
    }
    if (res.status >= 400) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
    return;
  }
}

/** When each request was due (open loop, --rate) and was answered: ms since the push began. */
type Sent = { bankCode: string; due: number; answered: number; refs?: string[]; accountNos?: string[] };

/** Every bank's day over HTTP at once; `startedAt` (epoch ms) is the origin of each `due`. */
async function pushDay(base: string): Promise<{ sent: Sent[]; startedAt: number }> {
  const sent: Sent[] = [];
  const startedAt = Date.now();
  const t0 = performance.now();
  await Promise.all(
    feeds.map(async (f, bank) => {
      const key = keys.bank(f.bankCode);
      const share = rate > 0 ? (rate * (f.records + f.statements.length)) / records : 0;
      // This bank's records in the requests before this one; the banks' schedules are staggered
      // (bank i starts i / banks of its request interval later), so that they do not all send at once.
      let before = (bank / feeds.length) * batchSize;
      const send = async (path: string, body: unknown, n: number, ids: Partial<Sent>) => {
        const due = share > 0 ? (before / share) * 1000 : performance.now() - t0;
        before += n;
        const wait = due - (performance.now() - t0);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await post(base, key, path, body);
        sent.push({ bankCode: f.bankCode, due, answered: performance.now() - t0, ...ids });
      };
      for (const b of f.batches)
        await send('/v1/bank/transfers', b, b.records.length, { refs: b.records.map((r) => r.bankRef) });
      // A bank's day-end job: its accounts' statements in batches (or one request each).
      for (let i = 0; i < f.statements.length; i += statementBatch) {
        const part = f.statements.slice(i, i + statementBatch) as { accountNo: string }[];
        const accountNos = part.map((s) => s.accountNo);
        if (statementBatch === 1) await send('/v1/bank/statements', part[0], 1, { accountNos });
        else await send('/v1/bank/statements/batch', { statements: part }, part.length, { accountNos });
      }
    }),
  );
  return { sent, startedAt };
}

/**
 * Latency from when each record was due to be sent (the open loop's schedule) to its application
 * by the ledger: the bank's view, waits before ingest answers included (no coordinated omission).
 */
async function dueToApplied(db: Database, sent: Sent[], pushStartedAt: number) {
  await db.query(
    'CREATE TEMP TABLE IF NOT EXISTS bench_due (bank_code text, ref text, account_no text, due timestamptz)',
  );
  await db.query('TRUNCATE bench_due');
  const rows = sent.flatMap((s) => {
    const due = new Date(pushStartedAt + s.due).toISOString();
    return [
      ...(s.refs ?? []).map((ref) => [s.bankCode, ref, null, due] as const),
      ...(s.accountNos ?? []).map((a) => [s.bankCode, null, a, due] as const),
    ];
  });
  for (let i = 0; i < rows.length; i += 50_000) {
    const part = rows.slice(i, i + 50_000);
    await db.query(
      'INSERT INTO bench_due SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])',
      [part.map((r) => r[0]), part.map((r) => r[1]), part.map((r) => r[2]), part.map((r) => r[3])],
    );
  }
  const [r] = await db.query<{ p50: number; p99: number; max: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
     FROM (SELECT extract(epoch FROM i.applied_at - d.due) * 1000 AS ms
           FROM bench_due d JOIN ledger.transfers t ON t.bank_code = d.bank_code AND t.bank_ref = d.ref
           JOIN ledger.inbox i ON i.event_id = t.event_id
           UNION ALL
           SELECT extract(epoch FROM i.applied_at - d.due) * 1000
           FROM bench_due d JOIN ledger.statements s ON s.account_no = d.account_no AND s.statement_date = $1::date
           JOIN ledger.inbox i ON i.event_id = s.event_id) x`,
    [DAY],
  );
  const answered = sent.map((s) => s.answered - s.due).sort((a, b) => a - b);
  const q = (p: number) => answered[Math.min(answered.length - 1, Math.floor(p * answered.length))] ?? 0;
  return { ...r, answered50: q(0.5), answered99: q(0.99) };
}

// --- One run per ledger count --------------------------------------------------------------------

/** A consumer process's time applying chunks and in its deferred work (its /metrics counters). */
async function consumerBusy(s: RunningService): Promise<[string, string] | undefined> {
  const text = await (await fetch(`${s.base}/metrics`)).text();
  const read = (name: string, work: string) =>
    Number(
      new RegExp(`^${name}\\{group="${s.name}",work="${work}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN,
    );
  const apply = read('wagewatch_consumer_busy_seconds_total', 'apply');
  if (Number.isNaN(apply)) return undefined;
  const idle = read('wagewatch_consumer_busy_seconds_total', 'idle');
  return [
    `${apply.toFixed(1)} / ${(idle || 0).toFixed(1)} s`,
    `${read('wagewatch_consumer_runs_total', 'apply')} chunks, ${read('wagewatch_consumer_runs_total', 'idle') || 0} evaluation runs`,
  ];
}

/** The tables a day's feed writes to (autoanalyze visits only tables that changed; printSizes' sizing). */
const GROWING = [
  'ingest.bank_transfers',
  'ingest.bank_statements',
  'ingest.outbox',
  'ledger.transfers',
  'ledger.statements',
  'ledger.inbox',
  'ledger.dirty_projects',
  'ledger.outbox',
];

/**
 * This machine's PostgreSQL runs with autovacuum off, so nothing would refresh the planner's
 * statistics while the day's tables grow from empty to 200,000 rows (the evaluation's queries then
 * plan as if the tables were empty: a sequential scan of every transfer per project evaluation,
 * 87 ms instead of 0.35 ms measured here). A production server's autoanalyze does it after 10 %
 * of a table changed; with autovacuum off the bench does the same itself: every 3 s it analyzes the
 * tables the day writes to (GROWING), as autoanalyze visits only tables that changed.
 */
async function autoanalyze(db: Database): Promise<{ stop(): Promise<void> }> {
  const [row] = await db.query<{ autovacuum: string }>('SHOW autovacuum');
  if (row?.autovacuum === 'on') return { stop: async () => {} };
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, 3000));
      if (running) await db.query(`ANALYZE ${GROWING.join(', ')}`).catch(() => {});
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Rows and bytes (heap, TOAST and indexes) of the tables a day's feed grows: docs/scaling.md's sizing. */
async function printSizes(db: Database): Promise<void> {
  const tables = [...GROWING, 'inspection.inbox', 'ingest.workers', 'ledger.workers'];
  await db.query('VACUUM ANALYZE');
  console.log('\nsizes after the day (rows, bytes with indexes, bytes a row):');
  for (const t of tables) {
    const [r] = await db.query<{ n: number; bytes: number }>(
      `SELECT (SELECT count(*)::int FROM ${t}) AS n, pg_total_relation_size('${t}')::float8 AS bytes`,
    );
    const n = r?.n ?? 0;
    const bytes = r?.bytes ?? 0;
    console.log(
      `  ${t.padEnd(26)} ${String(n).padStart(8)} ${`${(bytes / 1048576).toFixed(1)} MiB`.padStart(11)} ${String(n ? Math.round(bytes / n) : 0).padStart(6)} B`,
    );
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const at = async (db: Database, sql: string) =>
  Number((await db.query<{ t: string | null }>(sql))[0]?.t ?? Number.NaN);

console.log(
  `Wagewatch city-day bench: ${accounts} accounts at ${bankCount} banks, ${transferCount} transfers ` +
    `(${debits} wage debits) and ${accounts} statements = ${records} records, ${feeds.reduce((s, f) => s + f.batches.length, 0)} ` +
    `transfer batches of ≤ ${batchSize}, statements ${statementBatch === 1 ? 'one a request' : `in batches of ≤ ${statementBatch}`}; ` +
    'test broker + PostgreSQL + Redis',
);
const ledgerCounts = values.ledgers!.split(',').map(Number);
for (const ledgers of ledgerCounts) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-bench-city-'));
  const broker = await startTestKafka({ dataDir });
  const pg = await createPostgresDatabase('city');
  const { redisUrl } = await resolveServices();
  const env: Record<string, string> = {
    DATABASE_URL: pg.url!,
    KAFKA_BROKERS: broker.brokers,
    REDIS_URL: redisUrl,
    WAGEWATCH_REDIS_PREFIX: `wwcity-${Date.now()}`,
    WAGEWATCH_SWEEP_INTERVAL_SECONDS: '0',
    DATABASE_POOL_SIZE: '6',
    KAFKA_SESSION_TIMEOUT_MS: '10000',
    // A bench loads as fast as it can: the load-shedding guard and the rate limits off.
    WAGEWATCH_MAX_EVENT_LOOP_DELAY_MS: '0',
    WAGEWATCH_RATE_LIMIT_PER_KEY: '1000000000',
    WAGEWATCH_RATE_LIMIT_PER_ADDRESS: '1000000000',
    ...(values['relay-batch'] ? { WAGEWATCH_RELAY_BATCH_SIZE: values['relay-batch'] } : {}),
    ...(values['idle-defer'] ? { WAGEWATCH_CONSUMER_IDLE_MAX_DEFER_MS: values['idle-defer'] } : {}),
    ...(values['cpu-prof']
      ? {
          NODE_OPTIONS: `--import ${new URL('./cpu-profile.mjs', import.meta.url).pathname}`,
          WAGEWATCH_CPU_PROFILE_DIR: values['cpu-prof'],
        }
      : {}),
  };
  const services: RunningService[] = [];
  // Each process is kept as soon as it is up, so that a failed start still stops the others.
  const start = async (name: 'ingest' | 'ledger' | 'inspection') => {
    const s = await startService(name, env);
    services.push(s);
    return s;
  };
  try {
    const ingest = await start('ingest');
    const started = await Promise.allSettled([
      ...Array.from({ length: ledgers }, () => start('ledger')),
      start('inspection'),
    ]);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    const s0 = Date.now();
    await seed(pg.db);
    console.log(
      `${ledgers} ledger process(es): seeded ${accounts} projects and ${debits} workers in ${secs(Date.now() - s0)}`,
    );
    const analyzer = await autoanalyze(pg.db);
    const t0 = Date.now();
    const { sent, startedAt } = await pushDay(ingest.base);
    const tPushed = Date.now();
    const tApplied = await waitForQuiescence(pg.db, 900_000, 2000);
    await analyzer.stop();
    const epochMs = (col: string) => `SELECT (extract(epoch FROM ${col}) * 1000)::float8 AS t`;
    const published = await at(pg.db, `${epochMs('max(published_at)')} FROM ingest.outbox`);
    const ledgerApplied = await at(pg.db, `${epochMs('max(applied_at)')} FROM ledger.inbox`);
    const inspectionApplied = await at(pg.db, `${epochMs('max(applied_at)')} FROM inspection.inbox`);
    const [counts] = await pg.db.query<{
      events: number;
      findings: number;
      ledger_events: number;
      transfers: number;
      statements: number;
    }>(
      `SELECT (SELECT count(*)::int FROM ingest.outbox) AS events,
              (SELECT count(*)::int FROM ledger.transfers) AS transfers,
              (SELECT count(*)::int FROM ledger.statements) AS statements,
              (SELECT count(*)::int FROM ledger.outbox) AS ledger_events,
              (SELECT count(*)::int FROM inspection.findings WHERE status = 'open') AS findings`,
    );
    const [lat] = await pg.db.query<{ p50: number; p99: number; max: number; n: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
              max(ms) AS max, count(*)::int AS n
       FROM (SELECT extract(epoch FROM i.applied_at - b.received_at) * 1000 AS ms
             FROM ingest.bank_transfers b JOIN ledger.transfers t ON t.bank_code = b.bank_code AND t.bank_ref = b.bank_ref
             JOIN ledger.inbox i ON i.event_id = t.event_id
             UNION ALL
             SELECT extract(epoch FROM i.applied_at - b.received_at) * 1000
             FROM ingest.bank_statements b JOIN ledger.statements s ON s.account_no = b.account_no AND s.statement_date = b.statement_date
             JOIN ledger.inbox i ON i.event_id = s.event_id) x`,
    );
    // Where an event's latency goes: ingest's commit → the relay's round (published_at is that
    // round's transaction start), and the relay → the ledger's apply (its transaction start).
    const [stage] = await pg.db.query<Record<'r50' | 'r99' | 'c50' | 'c99', number>>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY relay) AS r50, percentile_cont(0.99) WITHIN GROUP (ORDER BY relay) AS r99,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY consume) AS c50, percentile_cont(0.99) WITHIN GROUP (ORDER BY consume) AS c99
       FROM (SELECT extract(epoch FROM o.published_at - o.occurred_at) * 1000 AS relay,
                    extract(epoch FROM i.applied_at - o.published_at) * 1000 AS consume
             FROM ingest.outbox o JOIN ledger.inbox i ON i.event_id = o.event_id) x`,
    );
    const due = await dueToApplied(pg.db, sent, startedAt);
    // The relay's rounds: each marks its rows with its transaction's start (published_at).
    const [rounds] = await pg.db.query<{ n: number; gap50: number; gap99: number; size50: number }>(
      `SELECT count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS gap50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY gap) AS gap99,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY size) AS size50
       FROM (SELECT count(*) AS size,
                    extract(epoch FROM published_at - lag(published_at) OVER (ORDER BY published_at)) * 1000 AS gap
             FROM ingest.outbox GROUP BY published_at) r`,
    );
    const rows: [string, string, string][] = [
      [
        `  HTTP ingest (every bank concurrently${rate > 0 ? `, open loop at ${rate} records/s` : ''})`,
        secs(tPushed - t0),
        `${Math.round(records / ((tPushed - t0) / 1000))} records/s accepted`,
      ],
      [
        "  ingest's relay: last event published",
        secs(published - t0),
        `${counts?.events ?? 0} events (${(records / (counts?.events || 1)).toFixed(1)} records an event)`,
      ],
      [
        '  ledger: last event applied',
        secs(ledgerApplied - t0),
        `${counts?.transfers ?? 0} transfers, ${counts?.statements ?? 0} statements stored`,
      ],
      [
        '  inspection: last event applied',
        // It applies registrations and findings only (consumer.types): a day of feeds may bring none.
        Number.isNaN(inspectionApplied) ? '—' : secs(inspectionApplied - t0),
        `${counts?.ledger_events ?? 0} ledger events (the feeds it passes over, docs/adr/0025)`,
      ],
      [
        '  end to end (every evaluation done)',
        secs(tApplied - t0),
        `${Math.round(records / ((tApplied - t0) / 1000))} records/s end to end; ${counts?.findings ?? 0} open findings`,
      ],
      [
        '  arrival at ingest → applied by the ledger',
        `p50 ${Math.round(lat?.p50 ?? 0)} ms`,
        `p99 ${Math.round(lat?.p99 ?? 0)} ms, max ${Math.round(lat?.max ?? 0)} ms over ${lat?.n ?? 0} records`,
      ],
      [
        '    of which received → published (relay)',
        `p50 ${Math.round(stage?.r50 ?? 0)} ms`,
        `p99 ${Math.round(stage?.r99 ?? 0)} ms (per event); ${rounds?.n ?? 0} rounds ${Math.round(rounds?.gap50 ?? 0)} / ${Math.round(rounds?.gap99 ?? 0)} ms apart (p50 / p99), ${Math.round(rounds?.size50 ?? 0)} events a round`,
      ],
      [
        '    of which published → applied (broker, ledger)',
        `p50 ${Math.round(stage?.c50 ?? 0)} ms`,
        `p99 ${Math.round(stage?.c99 ?? 0)} ms (per event)`,
      ],
      [
        "  due to be sent → applied (the bank's view)",
        `p50 ${Math.round(due.p50 ?? 0)} ms`,
        `p99 ${Math.round(due.p99 ?? 0)} ms, max ${Math.round(due.max ?? 0)} ms; due → answered p50 ${Math.round(due.answered50)} / p99 ${Math.round(due.answered99)} ms`,
      ],
    ];
    for (const s of services.slice(1)) {
      const busy = await consumerBusy(s);
      if (busy) rows.push([`  ${s.name} :${s.port}: busy applying / evaluating`, ...busy]);
    }
    for (const [a, b, c] of rows) console.log(`${a.padEnd(46)} ${b.padStart(14)}  ${c}`);
    if (ledgers === ledgerCounts[ledgerCounts.length - 1]) await printSizes(pg.db);
  } finally {
    for (const s of services) await stopService(s).catch(() => {});
    await broker.stop();
    await pg.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
