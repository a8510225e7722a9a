/**
 * `pnpm --filter @wagewatch/bench bench:sweep`: what one ledger sweep costs (issue 13, goal 1),
 * today's sweep evaluating every project with its whole history, as the city grows in projects
 * and in months. For each `--months` M (default 3,12): a fresh embedded system (`--database`
 * postgres by default, as the issue measures it; pglite too), --projects N (default 100)
 * generated projects with --workers W (default 50) each, M complete payroll months ending
 * 2026-10 written in bulk SQL as the ledger's consumer writes them (sheets, a debit per line paid
 * before its due date, the owner's labour-cost credit on the 1st, an end-of-day statement per
 * account and day), evaluated once (its findings recorded), then swept --runs (5) times as of
 * the same instant: sweeps that raise and resolve nothing, the minute timer's steady state.
 * Printed per M, each the median of --runs sweeps in the same run on the same data: every project
 * due (the due index emptied: today's sweep before docs/adr/0022, and the first sweep of a day),
 * the same without the index on ledger.transfers(account_no) (migration 0004, its baseline), and
 * the minute timer's sweep inside a day (nothing due), with its ratio to the full sweep.
 *
 * `--closed` (docs/adr/0023): also one project's evaluation itself (its state read and the rules
 * run, in a transaction, the median of --runs passes over every project, per project), reading
 * the whole history against reading the open months with the summary of the closed ones that the
 * first sweep wrote; run with `--months 1,12` for the "12 months within 2× of 1 month".
 * The "all due" sweep already reads open months (its evaluations wrote the summaries).
 */
import { parseArgs } from 'node:util';
import { defaultCalendar, evaluateProject } from '@wagewatch/domain';
// The ledger's own loader, by path: the bench times the read the evaluation does, not a copy of it.
import { loadProjectState } from '../../services/ledger/src/state.ts';
import { monthsBack, type Started, seedLedgerHistory, startBenchSystem } from './system.ts';

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '100' },
    workers: { type: 'string', default: '50' },
    months: { type: 'string', default: '3,12' },
    runs: { type: 'string', default: '5' },
    database: { type: 'string', default: 'postgres' },
    closed: { type: 'boolean', default: false },
  },
});
const projects = Number(values.projects);
const workers = Number(values.workers);
const runs = Number(values.runs);
const monthCounts = (values.months ?? '3,12').split(',').map(Number);
/** Sunday 29 November 2026: October's wages were due in November, November's are not yet. */
const NOW = new Date('2026-11-29T10:00:00+08:00');
const LAST = '2026-10';

async function seed(s: Started, months: number): Promise<Record<string, number>> {
  return seedLedgerHistory(s, {
    projects,
    workers,
    first: monthsBack(LAST, months - 1),
    last: LAST,
    now: NOW,
  });
}

const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? Number.NaN;

/**
 * The median of --runs sweeps as of the same instant, after a warm-up: `everything` empties the
 * due index first (every project evaluated: today's sweep before the index, the first sweep of a
 * day), else the index stands (the minute timer's sweep inside a day: nothing due).
 */
async function sweeps(s: Started, everything: boolean): Promise<{ ms: number; projects: number }> {
  const once = async () => {
    if (everything) await s.db.query('DELETE FROM ledger.evaluation_due');
    const t0 = performance.now();
    const r = await s.system.ledger.sweep(NOW);
    const ms = performance.now() - t0;
    if (r.results.length) throw new Error(`a steady-state sweep changed ${r.results.length} project(s)`);
    return { ms, projects: r.projects };
  };
  await once();
  const all: { ms: number; projects: number }[] = [];
  for (let i = 0; i < runs; i++) all.push(await once());
  return { ms: median(all.map((x) => x.ms)), projects: all[0]?.projects ?? 0 };
}

/**
 * One project's evaluation (state read + rules, in a transaction): the median over --runs passes
 * of each pass's mean per project, after a warm-up pass; `open` reads the open months only.
 */
async function evaluations(s: Started, open: boolean): Promise<{ ms: number; rows: number; closed: string }> {
  const ids = (await s.db.query<{ project_id: string }>('SELECT project_id FROM ledger.projects')).map(
    (r) => r.project_id,
  );
  let rowsRead = 0;
  let closed = '';
  const pass = async () => {
    const t0 = performance.now();
    rowsRead = 0;
    for (const id of ids)
      await s.db.transaction(async (tx) => {
        const loaded = await loadProjectState(tx, id, open ? { openMonthsAsOf: NOW } : {});
        if (!loaded) throw new Error(`no project ${id}`);
        if (open && !loaded.state.closed) throw new Error(`project ${id} has no closed months`);
        closed = loaded.state.closed?.through ?? '';
        rowsRead += loaded.state.transfers.length + loaded.state.statements.length;
        evaluateProject(loaded.state, NOW, defaultCalendar);
      });
    return (performance.now() - t0) / ids.length;
  };
  await pass();
  const all: number[] = [];
  for (let i = 0; i < runs; i++) all.push(await pass());
  return { ms: median(all), rows: Math.round(rowsRead / ids.length), closed };
}

const rows: string[] = [];
const closedRows: string[] = [];
for (const months of monthCounts) {
  const s = await startBenchSystem(`sweep-${months}`, values.database ?? 'postgres', NOW);
  try {
    const t0 = performance.now();
    const counts = await seed(s, months);
    const first = await s.system.ledger.sweep(NOW); // records the findings of the seeded history
    console.log(
      `${months} months: seeded ${JSON.stringify(counts)} in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
        `the first sweep changed ${first.results.length} project(s)`,
    );
    // The account index's baseline first (dropped), then with it; each after a warm-up sweep.
    await s.db.query('DROP INDEX ledger.ledger_transfers_account_idx');
    await s.db.query('ANALYZE ledger.transfers');
    const bare = await sweeps(s, true);
    await s.db.query(
      'CREATE INDEX ledger_transfers_account_idx ON ledger.transfers USING btree (account_no, booked_at)',
    );
    await s.db.query('ANALYZE ledger.transfers');
    const full = await sweeps(s, true);
    const idle = await sweeps(s, false);
    if (values.closed) {
      const whole = await evaluations(s, false);
      const open = await evaluations(s, true);
      closedRows.push(
        [
          String(months).padStart(6),
          `${whole.ms.toFixed(2)} ms (${whole.rows})`.padStart(18),
          `${open.ms.toFixed(2)} ms (${open.rows})`.padStart(18),
          open.closed.padStart(9),
        ].join(' '),
      );
    }
    rows.push(
      [
        String(projects).padStart(8),
        String(months).padStart(6),
        String(counts.transfers).padStart(10),
        `${bare.ms.toFixed(0)} ms`.padStart(14),
        `${full.ms.toFixed(0)} ms`.padStart(12),
        `${(full.ms / projects).toFixed(1)} ms`.padStart(10),
        `${idle.ms.toFixed(1)} ms (${idle.projects})`.padStart(16),
        `${(idle.ms / full.ms).toFixed(4)}`.padStart(8),
      ].join(' '),
    );
  } finally {
    await s.close();
  }
}
console.log(
  `\nledger sweep that raises and resolves nothing (${values.database}, ${workers} workers a project, median of ${runs})`,
);
console.log(
  ' projects months  transfers  no acct index    all due  a project   nothing due (n)  nothing/all',
);
for (const r of rows) console.log(r);
if (closedRows.length) {
  console.log(
    `\none project's evaluation, state read + rules (${values.database}, ${workers} workers, median of ${runs} passes over ${projects} projects; transfers + statements read)`,
  );
  console.log('months      whole history         open months   through');
  for (const r of closedRows) console.log(r);
}
