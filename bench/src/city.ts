/**
 * `pnpm bench:city` (issue 13, goal 1): the sweeps of a city's day on this machine's PostgreSQL
 * (`--database pglite` too). `--projects` (2,000) projects with `--workers` (100) each and
 * `--months` (12) complete payroll months ending 2026-11, written in bulk SQL (bench/src/system.ts
 * `seedLedgerHistory`: sheets, a debit per line before its due date, the owner's credit, a
 * statement per account and day) and a lodged deposit per project; "now" is Thursday
 * 3 December 2026, 12:00 in Shanghai. One project in 100 is paid on the 3rd (its November wages
 * fall due today), the others on the 15th. Printed, each beside the same run's baseline:
 *
 * - today's full sweep (every project of the ledger and the deposits evaluated, as before
 *   docs/adr/0022: the due indexes emptied), once;
 * - the minute timer's sweep with nothing due (median of --runs), and the rows it wrote in every
 *   Wagewatch table (`xmin` newer than the sweep's start: zero is the floor);
 * - the first sweep after the end of 3 December, when 1 % of the obligations fall due;
 * - one project's evaluation at --months months against the same project at 1 month (a second,
 *   small city), median of --runs.
 */
import { parseArgs } from 'node:util';
import type { Database } from '@wagewatch/db';
import { monthsBack, type Started, seedLedgerHistory, startBenchSystem } from './system.ts';

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '100' },
    months: { type: 'string', default: '12' },
    runs: { type: 'string', default: '5' },
    database: { type: 'string', default: 'postgres' },
  },
});
const projects = Number(values.projects);
const workers = Number(values.workers);
const months = Number(values.months);
const runs = Number(values.runs);
const database = values.database ?? 'postgres';
const NOW = new Date('2026-12-03T12:00:00+08:00');
const DUE_DAY_ENDS = new Date('2026-12-04T00:00:00+08:00');
const LAST = '2026-11';
const SCHEMAS = ['ingest', 'ledger', 'deposits', 'inspection', 'auth'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function seedCity(s: Started, n: number, m: number): Promise<Record<string, number>> {
  const counts = await seedLedgerHistory(s, {
    projects: n,
    workers,
    first: monthsBack(LAST, m - 1),
    last: LAST,
    now: NOW,
    payDayOf: (i) => (i % 100 === 0 ? 3 : 15),
  });
  // The deposits service's projects, each with its required deposit lodged at the permit.
  await s.db.query(
    `INSERT INTO deposits.projects (project_id, district, contractor_code, contractor_name, contract_value_fen,
       permit_date, planned_end_date, registered_at, event_id)
     SELECT project_id, district, terms->'contractor'->>'creditCode', terms->'contractor'->>'name',
       round((terms->>'contractValue')::numeric * 100)::bigint, (terms->>'permitDate')::date,
       (terms->>'plannedEndDate')::date, $1::timestamptz, gen_random_uuid()
     FROM ledger.projects`,
    [NOW],
  );
  await s.db.query(
    `INSERT INTO deposits.deposit_events (bank_code, bank_ref, project_id, kind, occurred_at, record, event_id)
     SELECT 'ICBC-PZH', 'DEP-' || project_id, project_id, 'lodged', (permit_date + time '10:00') AT TIME ZONE 'Asia/Shanghai',
       jsonb_build_object('kind', 'lodged', 'bankRef', 'DEP-' || project_id, 'projectId', project_id,
         'occurredAt', to_char((permit_date + time '10:00') AT TIME ZONE 'Asia/Shanghai' AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         'amount', to_char(contract_value_fen / 10 / 100.0, 'FM99999999990.00')),
       gen_random_uuid()
     FROM deposits.projects`,
  );
  await s.db.query('ANALYZE');
  return counts;
}

/** Rows whose current version was written after `xid` in every Wagewatch table. */
async function rowsWrittenSince(db: Database, xid: bigint): Promise<Record<string, number>> {
  const tables = await db.query<{ schemaname: string; tablename: string }>(
    'SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY($1::text[]) ORDER BY 1, 2',
    [SCHEMAS],
  );
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [r] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${t.schemaname}"."${t.tablename}" WHERE xmin::text::bigint >= $1`,
      [xid % 4294967296n],
    );
    if (r?.n) out[`${t.schemaname}.${t.tablename}`] = r.n;
  }
  return out;
}
const currentXid = async (db: Database) =>
  (await db.query<{ x: bigint }>('SELECT txid_current() AS x'))[0]!.x;

async function timedSweep(s: Started, asOf: Date) {
  const t0 = performance.now();
  const r = await s.system.ledger.sweep(asOf);
  return { ms: performance.now() - t0, ledger: r.projects, changed: r.results.length + r.extra.length };
}

/** One project's evaluation: its due row removed, a sweep at the instant already reached (median of --runs). */
async function oneEvaluation(s: Started): Promise<number> {
  const ids = (
    await s.db.query<{ project_id: string }>('SELECT project_id FROM ledger.projects ORDER BY 1')
  ).map((r) => r.project_id);
  const ms: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const id = ids[(i * 7) % ids.length]!;
    await s.db.query('DELETE FROM ledger.evaluation_due WHERE project_id = $1', [id]);
    const t0 = performance.now();
    const r = await s.system.ledger.sweep(NOW);
    if (r.projects !== 1) throw new Error(`expected one project due, ${r.projects} were`);
    if (i > 0) ms.push(performance.now() - t0); // the first is a warm-up
  }
  return median(ms);
}

const s = await startBenchSystem('city', database, NOW);
let report: string[] = [];
try {
  const t0 = performance.now();
  const counts = await seedCity(s, projects, months);
  console.log(`seeded ${JSON.stringify(counts)} in ${seconds(performance.now() - t0)}`);
  const first = await timedSweep(s, NOW); // records the findings of the seeded history
  console.log(
    `the first sweep (every project, findings recorded): ${seconds(first.ms)}, ${first.changed} changed`,
  );
  // Today's sweep, before the due index: every project evaluated.
  await s.db.query('DELETE FROM ledger.evaluation_due');
  await s.db.query('DELETE FROM deposits.evaluation_due');
  const full = await timedSweep(s, NOW);
  console.log(`full sweep (due indexes emptied): ${seconds(full.ms)}, ${full.ledger} ledger projects`);
  // The minute timer inside the day: nothing due.
  const idle: number[] = [];
  let written: Record<string, number> = {};
  let idleProjects = 0;
  for (let i = 0; i <= runs; i++) {
    const xid = await currentXid(s.db);
    const r = await timedSweep(s, NOW);
    if (i === 0) continue; // warm-up
    idle.push(r.ms);
    idleProjects = Math.max(idleProjects, r.ledger);
    written = await rowsWrittenSince(s.db, xid + 1n);
  }
  // The day's end: 1 % of the projects' November wages fall due.
  const [dueCounts] = await s.db.query<{ ledger: number; deposits: number; cases: number }>(
    `SELECT (SELECT count(*)::int FROM ledger.evaluation_due WHERE due_at <= $1) AS ledger,
            (SELECT count(*)::int FROM deposits.evaluation_due WHERE due_at <= $1) AS deposits,
            (SELECT count(*)::int FROM inspection.cases WHERE status = 'open') AS cases`,
    [DUE_DAY_ENDS],
  );
  const dueXid = await currentXid(s.db);
  const day = await timedSweep(s, DUE_DAY_ENDS);
  const dueWrites = await rowsWrittenSince(s.db, dueXid + 1n);
  const twelve = await oneEvaluation(s);
  report = [
    `city: ${projects} projects, ${counts.workers} workers, ${months} months, ${counts.transfers} transfers, ${counts.statements} statements (${database})`,
    `  full sweep, every project (today's, before the due index) ${seconds(full.ms)}`,
    `  sweep with nothing due (median of ${runs})                  ${idle.length ? median(idle).toFixed(1) : '?'} ms, ${idleProjects} ledger projects evaluated, rows written: ${JSON.stringify(written)}; floor ≤ 100 ms and none`,
    `  nothing due ÷ full                                       ${(median(idle) / full.ms).toFixed(5)}`,
    `  the day 1 % fall due (${DUE_DAY_ENDS.toISOString()})     ${day.ms.toFixed(0)} ms, ${day.ledger} ledger projects evaluated (${dueCounts?.deposits} deposits projects due, ${dueCounts?.cases} open cases), rows written ${Object.values(dueWrites).reduce((a, b) => a + b, 0)}; floor ≤ 2 s`,
    `  one project's evaluation at ${months} months                   ${twelve.toFixed(1)} ms`,
  ];
} finally {
  await s.close();
}
// The same project at one month, in a small city of its own.
const small = await startBenchSystem('city-1', database, NOW);
try {
  await seedCity(small, 20, 1);
  await small.system.ledger.sweep(NOW);
  const one = await oneEvaluation(small);
  const twelve = Number(report.at(-1)?.match(/([\d.]+) ms$/)?.[1]);
  report.push(
    `  one project's evaluation at 1 month                      ${one.toFixed(1)} ms; ${months} ÷ 1 = ${(twelve / one).toFixed(2)} (floor ≤ 2)`,
  );
} finally {
  await small.close();
}
console.log(`\n${report.join('\n')}`);
