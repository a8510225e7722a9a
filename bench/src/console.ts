/**
 * `pnpm --filter @wagewatch/bench bench:console`: the cockpit's three dashboard answers
 * (GET /v1/dashboard from inspection, /v1/dashboard/deposits from deposits, /v1/dashboard/payments
 * from the ledger: docs/adr/0018), over real HTTP as an inspector of all districts, for
 *   1. the demo city (10 projects, three months: `loadDemo`, as `pnpm start` loads it), and
 *   2. a generated city of --projects N (default 2,000) projects: the testkit generator's
 *      projects (`generateBenchMonth`), whose read models are seeded in bulk SQL — 12 findings
 *      per project over 16 weeks (a third resolved), 2 cases with a task each, a risk grade, a
 *      deposit finding in three projects of four — because loading 2,000 projects' payroll and
 *      feeds over HTTP takes far longer than the answers measured (50 projects: ~140 s here);
 * beside two floors measured in the same run on the same system: `GET /health` over HTTP (the
 * request path with no work) and the findings-by-rule `GROUP BY` alone in SQL (no HTTP, auth,
 * schemas). Prints the median and p95 of --runs requests each, and the composed cockpit (the
 * three in parallel, as the console asks). Issue 12's floor: < 200 ms demo, < 1 s at 2,000.
 */
import { parseArgs } from 'node:util';
import { generateBenchMonth } from '@wagewatch/demo';
import { ManualClock } from '@wagewatch/runtime';
import { loadDemo } from '@wagewatch/standalone/demo';
import { benchLogger as logger, type Started, seedStatements, startBenchSystem } from './system.ts';

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '2000' },
    workers: { type: 'string' },
    database: { type: 'string', default: 'pglite' },
    runs: { type: 'string', default: '20' },
    'ledger-workers': { type: 'string', default: '25' },
  },
});
const projects = Number(values.projects);
const workers = Number(values.workers ?? projects);
const runs = Number(values.runs);
/** Workers per project in the ledger's seeded tables of the generated city. */
const ledgerWorkers = Number(values['ledger-workers']);
const NOW = new Date('2026-11-29T10:00:00+08:00');
const COCKPIT = ['/v1/dashboard', '/v1/dashboard/deposits', '/v1/dashboard/payments'];

const start = (label: string) => startBenchSystem(label, values.database ?? 'pglite', NOW);

async function get(base: string, key: string, path: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  await res.text();
  return { status: res.status, ms: performance.now() - t0 };
}

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95) };
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function measure(label: string, s: Started): Promise<void> {
  const key = s.apiKeys.issue('inspector', { districts: 'all' }).key;
  const rows: [string, string, string][] = [];
  const time = async (name: string, once: () => Promise<number | undefined>) => {
    const ms: number[] = [];
    for (let i = 0; i < 2; i++) await once(); // warm-up
    for (let i = 0; i < runs; i++) {
      const m = await once();
      if (m === undefined) return rows.push([name, 'not served', '']);
      ms.push(m);
    }
    const { median, p95 } = stats(ms);
    return rows.push([name, fmt(median), `p95 ${fmt(p95)}`]);
  };
  for (const path of COCKPIT) {
    await time(`GET ${path}`, async () => {
      const r = await get(s.base, key, path);
      return r.status === 200 ? r.ms : undefined;
    });
  }
  await time('cockpit: the three in parallel', async () => {
    const t0 = performance.now();
    const all = await Promise.all(COCKPIT.map((p) => get(s.base, key, p)));
    return all.some((r) => r.status === 404) ? undefined : performance.now() - t0;
  });
  await time('cockpit: the served ones in parallel', async () => {
    const t0 = performance.now();
    await Promise.all(COCKPIT.map((p) => get(s.base, key, p)));
    return performance.now() - t0;
  });
  // Not the cockpit, but the console's next page: the list, sorted by what is owed.
  await time('GET /v1/projects?sort=amountOwed&order=desc', async () => {
    const r = await get(s.base, key, '/v1/projects?sort=amountOwed&order=desc');
    return r.status === 200 ? r.ms : undefined;
  });
  await time('floor: GET /health over HTTP', async () => (await get(s.base, key, '/health')).ms);
  await time('floor: findings by rule, SQL only', async () => {
    const t0 = performance.now();
    await s.db.query("SELECT rule, count(*) FROM inspection.findings WHERE status = 'open' GROUP BY rule");
    return performance.now() - t0;
  });
  const [c] = await s.db.query<{ p: number; f: number; cs: number; t: number }>(
    `SELECT (SELECT count(*)::int FROM inspection.projects) AS p,
            (SELECT count(*)::int FROM inspection.findings WHERE status = 'open') AS f,
            (SELECT count(*)::int FROM inspection.cases) AS cs,
            (SELECT count(*)::int FROM inspection.tasks) AS t`,
  );
  console.log(
    `\n${label}: ${c?.p} projects, ${c?.f} open findings, ${c?.cs} cases, ${c?.t} tasks (${s.db.kind}, ${runs} runs each)`,
  );
  for (const [a, b, x] of rows) console.log(`  ${a.padEnd(42)} ${b.padStart(12)}  ${x}`);
}

// 1. The demo city.
{
  const t0 = performance.now();
  const s = await start('demo');
  await loadDemo(s.system, s.apiKeys, new ManualClock(NOW), logger);
  console.log(`demo city loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await measure('demo city (攀枝花)', s);
  await s.close();
}

// 2. A generated city of N projects: the generator's projects, their read models seeded in bulk SQL.
{
  const t0 = performance.now();
  const city = generateBenchMonth({ workers, projects });
  const s = await start('city');
  const ps = city.projects;
  const registration = ps.map((p) => JSON.stringify({ ...p, registeredAt: NOW.toISOString() }));
  await s.db.query(
    `INSERT INTO inspection.projects (project_id, name, district, sector, registration)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
    [
      ps.map((p) => p.projectId),
      ps.map((p) => p.name),
      ps.map((p) => p.district),
      ps.map((p) => p.sector),
      registration,
    ],
  );
  await s.db.query(
    `INSERT INTO deposits.projects (project_id, district, contractor_code, contractor_name, contract_value_fen,
       permit_date, planned_end_date, registered_at, event_id)
     SELECT p.project_id, p.district, p.registration->'contractor'->>'creditCode', p.registration->'contractor'->>'name',
       round((p.registration->>'contractValue')::numeric * 100)::bigint, (p.registration->>'permitDate')::date,
       (p.registration->>'plannedEndDate')::date, $1::timestamptz, gen_random_uuid()
     FROM inspection.projects p`,
    [NOW],
  );
  // Per project: a risk grade, 12 findings over the last 16 weeks (a third resolved), 2 cases
  // on the ladder (one closed in four) with a task each, and a deposit finding in three of four.
  await s.db.query(
    `INSERT INTO inspection.risk_grades (subject_kind, subject_id, grade, score, computed_at, inputs, districts, project_ids)
     SELECT 'project', project_id, (ARRAY['A','B','C','D'])[1 + abs(hashtext(project_id)) % 4], 10, $1::timestamptz,
       '{"reasons": []}'::jsonb, ARRAY[district], ARRAY[project_id]
     FROM inspection.projects`,
    [NOW],
  );
  await s.db.query(
    `INSERT INTO inspection.findings (finding_id, project_id, district, rule, status, period, snapshot, raised_at, updated_at)
     SELECT f.id, f.project_id, f.district, f.rule, f.status, '2026-10',
       jsonb_build_object('findingId', f.id, 'rule', f.rule, 'severity', 'high', 'status', f.status, 'projectId', f.project_id,
         'amountOwed', to_char(f.fen / 100.0, 'FM999999990.00'), 'raisedAt', f.raised, 'evidence', '[]'::jsonb,
         'responsible', jsonb_build_object('kind', 'contractor', 'name', 'x', 'code', 'x'), 'legalBasis', '', 'detail', '')
         || CASE WHEN f.status = 'resolved' THEN jsonb_build_object('resolvedAt', f.raised + interval '5 days') ELSE '{}'::jsonb END,
       f.raised, f.raised
     FROM (
       SELECT p.project_id || '-F' || g AS id, p.project_id, p.district,
         (ARRAY['wages-missed','wages-short','payroll-missing','labour-cost-missing','wrong-payee','balance-short'])[1 + g % 6] AS rule,
         CASE WHEN g % 3 = 0 THEN 'resolved' ELSE 'open' END AS status,
         (100000 + abs(hashtext(p.project_id || g)) % 900000)::bigint AS fen,
         $1::timestamptz - (abs(hashtext(p.project_id || 'r' || g)) % (16 * 7 * 24)) * interval '1 hour' AS raised
       FROM inspection.projects p, generate_series(1, 12) g
     ) f`,
    [NOW],
  );
  await s.db.query(
    `INSERT INTO inspection.cases (case_id, case_key, project_id, employer_kind, employer_code, employer_name, district,
       sector, status, level, opened_at, updated_at)
     SELECT 'C-' || p.project_id || '-' || g, p.project_id || '|' || g, p.project_id, 'contractor', 'x', 'x', p.district,
       p.sector, CASE WHEN abs(hashtext(p.project_id || g)) % 4 = 0 THEN 'closed' ELSE 'open' END,
       (ARRAY['notice','warning','inspection-task','critical'])[1 + abs(hashtext(p.project_id || 'l' || g)) % 4],
       $1::timestamptz - interval '20 days', $1::timestamptz
     FROM inspection.projects p, generate_series(1, 2) g`,
    [NOW],
  );
  await s.db.query(
    `INSERT INTO inspection.tasks (task_id, case_id, project_id, district, kind, status, due_on, opened_at, updated_at)
     SELECT 'T-' || c.case_id, c.case_id, c.project_id, c.district, 'inspection',
       CASE WHEN c.status = 'closed' THEN 'closed' ELSE 'open' END,
       ($1::timestamptz)::date + (abs(hashtext(c.case_id)) % 21 - 10), $1::timestamptz, $1::timestamptz
     FROM inspection.cases c`,
    [NOW],
  );
  await s.db.query(
    `INSERT INTO deposits.findings (finding_id, project_id, key, rule, status, snapshot, record, updated_at)
     SELECT 'D-' || project_id, project_id, 'deposit', r.rule, 'open',
       jsonb_build_object('amountOwed', to_char(contract_value_fen * 0.02 / 100.0, 'FM999999999990.00')), '{}'::jsonb, $1::timestamptz
     FROM deposits.projects,
       LATERAL (SELECT (ARRAY['deposit-missing','deposit-short','guarantee-expiring', NULL])[1 + abs(hashtext(project_id)) % 4] AS rule) r
     WHERE r.rule IS NOT NULL`,
    [NOW],
  );
  // The ledger's tables, as its consumer writes them from ingest's events (services/ledger/src/consumer.ts):
  // a project row whose terms are the registration, --ledger-workers workers each, complete payroll
  // sheets for 2026-09 and 2026-10 (due in October and November: payMonthOffset 1), a debit per line on
  // its nominal pay date, the labour-cost credits that fund them, an end-of-day statement per account
  // and day from 1 October to 28 November, a resolved wages-late finding on one line in ten and an open
  // feed-incomplete finding in one project of fifty. One project in four is moved to pay day 1-4: its
  // 2026-11 pay date falls on 1-4 December, inside rule 8's 5-working-day window on 29 November, so the
  // route evaluates ~500 projects; half of those have submitted their 2026-11 sheet, and one in five is
  // funded short for it.
  await s.db.query(
    `UPDATE inspection.projects SET registration = jsonb_set(registration, '{payDay}', to_jsonb(1 + n % 4))
     FROM (SELECT project_id AS id, (row_number() OVER (ORDER BY project_id))::int AS n FROM inspection.projects) r
     WHERE project_id = r.id AND r.n % 4 = 0`,
  );
  await s.db.query(
    `INSERT INTO ledger.projects (project_id, district, bank_code, account_no, terms, event_id)
     SELECT project_id, district, registration->'wageAccount'->>'bankCode', registration->'wageAccount'->>'accountNo',
       registration, gen_random_uuid()
     FROM inspection.projects`,
  );
  await s.db.query(
    `INSERT INTO ledger.workers (project_id, id_number, name, account_no, enrolled_on, left_on)
     SELECT p.project_id, '510402199' || lpad((p.n * 1000 + g)::text, 9, '0'), '工人' || p.n || '-' || g,
       '6217' || lpad((p.n * 1000 + g)::text, 15, '0'), DATE '2026-09-01', NULL
     FROM (SELECT project_id, (row_number() OVER (ORDER BY project_id))::int AS n FROM ledger.projects) p,
       generate_series(1, $1::int) g`,
    [ledgerWorkers],
  );
  await s.db.query(
    `INSERT INTO ledger.payroll_sheets (sheet_id, project_id, period, version, parts, parts_received, submitted_at, event_ids)
     SELECT gen_random_uuid(), p.project_id, m.period, 1, 1, 1, m.submitted, ARRAY[gen_random_uuid()::text]
     FROM ledger.projects p,
       (VALUES ('2026-09', TIMESTAMPTZ '2026-10-01 09:00+08'), ('2026-10', TIMESTAMPTZ '2026-11-01 09:00+08'),
               ('2026-11', TIMESTAMPTZ '2026-11-27 09:00+08')) AS m(period, submitted)
     WHERE m.period <> '2026-11' OR ((p.terms->>'payDay')::int <= 4 AND abs(hashtext(p.project_id)) % 2 = 0)`,
  );
  await s.db.query(
    `INSERT INTO ledger.payroll_lines (sheet_id, id_number, name, amount_due_fen, signed)
     SELECT s.sheet_id, w.id_number, w.name, (500000 + abs(hashtext(w.id_number || s.period)) % 400000)::bigint, true
     FROM ledger.payroll_sheets s JOIN ledger.workers w ON w.project_id = s.project_id`,
  );
  // Debits: the 2026-09 and 2026-10 lines, paid at 10:00 on the nominal pay date of the next month.
  await s.db.query(
    `INSERT INTO ledger.transfers (bank_code, bank_ref, project_id, account_no, direction, amount_fen, counterparty_account_no,
       counterparty_name, counterparty_id_number, booked_at, status, original_bank_ref, purpose, event_id)
     SELECT p.bank_code, 'W-' || s.period || '-' || w.account_no, p.project_id, p.account_no, 'debit', l.amount_due_fen,
       w.account_no, w.name, w.id_number,
       (to_date(s.period, 'YYYY-MM') + interval '1 month' + ((p.terms->>'payDay')::int - 1) * interval '1 day'
         + interval '10 hours') AT TIME ZONE 'Asia/Shanghai',
       'booked', NULL, '工资', gen_random_uuid()
     FROM ledger.payroll_sheets s JOIN ledger.projects p USING (project_id)
       JOIN ledger.payroll_lines l ON l.sheet_id = s.sheet_id
       JOIN ledger.workers w ON w.project_id = s.project_id AND w.id_number = l.id_number
     WHERE s.period IN ('2026-09', '2026-10')`,
  );
  // Credits: each month's sheet plus 5 % on the 1st of the month it is paid in; the projects paying on
  // 1-4 December are funded on 25 November (one in five of them at 60 % only).
  await s.db.query(
    `INSERT INTO ledger.transfers (bank_code, bank_ref, project_id, account_no, direction, amount_fen, counterparty_account_no,
       counterparty_name, counterparty_id_number, booked_at, status, original_bank_ref, purpose, event_id)
     SELECT p.bank_code, 'L-' || c.period || '-' || p.account_no, p.project_id, p.account_no, 'credit',
       (c.share * (SELECT sum(l.amount_due_fen) FROM ledger.payroll_sheets s JOIN ledger.payroll_lines l USING (sheet_id)
                   WHERE s.project_id = p.project_id AND s.period = c.funds))::bigint,
       '9558' || lpad(abs(hashtext(p.project_id))::text, 15, '0'), p.terms->'contractor'->>'name', NULL,
       c.at, 'booked', NULL, '人工费拨付', gen_random_uuid()
     FROM ledger.projects p, LATERAL (VALUES
         ('2026-10', '2026-09', TIMESTAMPTZ '2026-10-01 09:00+08', 1.05),
         ('2026-11', '2026-10', TIMESTAMPTZ '2026-11-01 09:00+08', 1.05),
         ('2026-12', '2026-10', TIMESTAMPTZ '2026-11-25 09:00+08',
           CASE WHEN abs(hashtext(p.project_id || 'short')) % 5 = 0 THEN 0.6 ELSE 1.05 END)) AS c(period, funds, at, share)
     WHERE c.period <> '2026-12' OR (p.terms->>'payDay')::int <= 4`,
  );
  await seedStatements(s.db, '2026-10-01', '2026-11-28');
  await s.db.query(
    `INSERT INTO ledger.findings (finding_id, project_id, key, rule, status, snapshot, record, updated_at)
     SELECT 'L-' || md5(s.project_id || l.id_number || s.period), s.project_id, 'wages-late:' || s.period || ':' || l.id_number,
       'wages-late', 'resolved', jsonb_build_object('rule', 'wages-late', 'status', 'resolved', 'projectId', s.project_id),
       '{}'::jsonb, $1::timestamptz
     FROM ledger.payroll_sheets s JOIN ledger.payroll_lines l USING (sheet_id)
     WHERE s.period IN ('2026-09', '2026-10') AND abs(hashtext(l.id_number || s.period || 'late')) % 10 = 0`,
    [NOW],
  );
  await s.db.query(
    `INSERT INTO ledger.findings (finding_id, project_id, key, rule, status, snapshot, record, updated_at)
     SELECT 'FI-' || project_id, project_id, 'feed-incomplete:' || account_no, 'feed-incomplete', 'open',
       jsonb_build_object('rule', 'feed-incomplete', 'status', 'open', 'projectId', project_id), '{}'::jsonb, $1::timestamptz
     FROM ledger.projects WHERE abs(hashtext(project_id || 'feed')) % 50 = 0`,
    [NOW],
  );
  await s.db.query('INSERT INTO ledger.evaluation_clock (id, as_of) VALUES (1, $1)', [NOW]);
  // Rule 8's outlooks, as the ledger's evaluation stores them (docs/adr/0021), at that instant.
  const outlooks = await s.system.ledger.refreshPayDateOutlooks();
  const [lc] = await s.db.query<{ w: number; l: number; t: number; st: number }>(
    `SELECT (SELECT count(*)::int FROM ledger.workers) AS w, (SELECT count(*)::int FROM ledger.payroll_lines) AS l,
            (SELECT count(*)::int FROM ledger.transfers) AS t, (SELECT count(*)::int FROM ledger.statements) AS st`,
  );
  console.log(
    `ledger seeded: ${lc?.w} workers, ${lc?.l} payroll lines, ${lc?.t} transfers, ${lc?.st} statements, ${outlooks} pay-date outlooks`,
  );
  console.log(`generated city seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await measure(`generated city (${projects} projects; read models seeded in SQL)`, s);
  await s.close();
}
