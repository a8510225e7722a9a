import { localDateString, totalYuanString, yuanString } from '@wagewatch/contracts';
import type { Database } from '@wagewatch/db';
import {
  addDays,
  addMonths,
  DEFAULT_PAYMENT_RULES_CONFIG,
  dueDateFor,
  endOfShanghaiDay,
  evaluateProject,
  formatFen,
  isPeriod,
  type LocalDate,
  maskIdNumber,
  type ObligationOutcome,
  type PayDateOutlook,
  type Period,
  periodOf,
  shanghaiDate,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import {
  type Clock,
  canSeeProject,
  ForbiddenError,
  NotFoundError,
  type Principal,
  principalOf,
  problemSchema,
  requireRole,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evaluatePayDateOutlooks } from './outlooks.ts';
import { loadProjectState } from './state.ts';
import { readEvaluationInstant } from './sweep.ts';

/**
 * The console's reads of the ledger (issue 12): the cockpit's payment figures, a project's
 * payments per worker and month, and the banks' feed status per account. Figures are SQL
 * aggregates over the ledger's own tables; due dates, payment allocation and the balance-short
 * window come from the pure rules of packages/domain, never re-derived here.
 */

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
/** The findings of rules 1-3 (any status: a late payment stays on record). */
const WAGE_RULES = ['wages-missed', 'wages-short', 'wages-late'] as const;

/** A card or account number as the console shows it (contract of issue 12): `**** 1234`. */
export const maskCard = (accountNo: string): string => `**** ${accountNo.replace(/[\s-]/g, '').slice(-4)}`;

type Scope = { districts: string[] | null; projectIds: string[] | null; bankCode: string | null };

/**
 * Which projects a reader sees, as SQL filters: admin all, inspector their districts, project
 * manager their projects, bank (feed status only) the accounts it holds. A `district` asked for
 * must be within the reader's districts (403 otherwise).
 */
function scopeOf(principal: Principal, district: string | undefined, allowBank: boolean): Scope {
  const scope: Scope = { districts: district ? [district] : null, projectIds: null, bankCode: null };
  switch (principal.role) {
    case 'admin':
      return scope;
    case 'inspector':
      if (principal.districts === 'all') return scope;
      if (district && !principal.districts.includes(district))
        throw new ForbiddenError(`your key does not cover district ${district}`);
      return { ...scope, districts: district ? [district] : principal.districts };
    case 'project-manager':
      return { ...scope, projectIds: principal.projectIds };
    case 'bank':
      if (!allowBank) throw new ForbiddenError('banks read only the feed status of their own accounts');
      return { ...scope, bankCode: principal.bankCode };
  }
}

const SCOPE_SQL = `($1::text[] IS NULL OR p.district = ANY($1::text[]))
  AND ($2::text[] IS NULL OR p.project_id = ANY($2::text[]))
  AND ($3::text IS NULL OR p.bank_code = $3::text)`;
const scopeParams = (s: Scope) => [s.districts, s.projectIds, s.bankCode];

type ProjectRow = {
  project_id: string;
  name: string;
  district: string;
  bank_code: string;
  account_no: string;
  pay_day: number;
  pay_month_offset: number;
};

async function projectsIn(db: Database, scope: Scope): Promise<ProjectRow[]> {
  return db.query<ProjectRow>(
    `SELECT p.project_id, p.terms->>'name' AS name, p.district, p.bank_code, p.account_no,
            (p.terms->>'payDay')::int AS pay_day, (p.terms->>'payMonthOffset')::int AS pay_month_offset
     FROM ledger.projects p WHERE ${SCOPE_SQL} ORDER BY p.project_id`,
    scopeParams(scope),
  );
}

/** The periods of a project whose due date (holiday-aware, domain's dueDateFor) falls in [from, to]. */
function periodsDueBetween(
  p: ProjectRow,
  from: LocalDate,
  to: LocalDate,
  calendar: WorkingDayCalendar,
): { period: Period; due: LocalDate }[] {
  const out: { period: Period; due: LocalDate }[] = [];
  const first = addMonths(periodOf(from), -p.pay_month_offset - 1);
  for (
    let period = first;
    period <= addMonths(periodOf(to), 1 - p.pay_month_offset);
    period = addMonths(period, 1)
  ) {
    const { due } = dueDateFor({ period, payDay: p.pay_day, payMonthOffset: p.pay_month_offset }, calendar);
    if (due >= from && due <= to) out.push({ period, due });
  }
  return out;
}

const worker = z.object({
  idNumber: z.string().describe('masked: the first 6 and the last 4 characters'),
  name: z.string(),
  accountNo: z
    .string()
    .nullable()
    .describe('the registered card, masked to its last 4; null when not registered'),
});

export const PAYMENT_STATUSES = ['paid', 'late', 'short', 'missed', 'pending', 'awaiting-bank'] as const;
export const FEED_STATUSES = ['ok', 'late', 'incomplete'] as const;

export function ledgerReadRoutes(deps: {
  db: Database;
  clock: Clock;
  calendar: WorkingDayCalendar;
}): FastifyPluginAsync {
  const { db, clock, calendar } = deps;
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/v1/dashboard/payments',
      {
        schema: {
          tags: ['dashboard'],
          summary:
            "The cockpit's payment figures for a month, this month by default (admin, inspector, project manager; scoped)",
          description:
            'month: the current month in Asia/Shanghai (injected clock). The payroll due this month is every in-effect payroll ' +
            "sheet (the highest complete version the ledger holds) whose due date, by the project's pay-date rule and the " +
            'holiday-aware calendar, falls in that month. workersOnPayroll: distinct workers on those sheets. payrollDue: the sum ' +
            'of their lines. shareOnTimeInFull (按时足额发放率) is per worker line, over the lines of those sheets with an amount ' +
            "above zero whose due date has passed as of the ledger's last evaluation and whose due date's end-of-day bank statement " +
            'has arrived (rules 1-3 wait for it, DOMAIN.md): the share with no finding of rules 1-3 (wages-missed, wages-short, ' +
            'wages-late, open or resolved) on record; null when no line is judged yet. upcomingPayDates: the pay dates within the ' +
            "balance-short window (rule 8: from 5 working days before the due date to the due date), with rule 8's own figures: " +
            'due is what is still owed (the sheet, or the previous month’s before the sheet is submitted; null when no sheet tells), ' +
            'balance the latest statement plus the movements since (null before any statement), short = balance below due. ' +
            "These are as of the ledger's last evaluation (evaluatedAsOf, as stored by it: docs/adr/0021), not as of now: movements " +
            'booked after that instant, and pay dates entering the window since, show after the next sweep; pay dates already ' +
            'past today are left out. Before the first evaluation (evaluatedAsOf null) they are evaluated as of now. ' +
            'feedsIncomplete: banks with accounts that have an open feed-incomplete finding (rule 14).',
          querystring: z.object({
            district: z.string().min(1).optional(),
            month: z
              .string()
              .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM')
              .optional()
              .describe(
                'a month up to the current one (default the current month): a past month gives its final figures; upcomingPayDates is about today and is empty for any month but the current',
              ),
          }),
          response: {
            200: z.object({
              month: z.string(),
              asOf: z.string().describe('the instant of the figures (now)'),
              evaluatedAsOf: z.string().nullable().describe("the ledger's last evaluation instant"),
              workersOnPayroll: z.number(),
              payrollDue: totalYuanString,
              linesJudged: z.number().describe('the denominator of shareOnTimeInFull'),
              shareOnTimeInFull: z.number().min(0).max(1).nullable(),
              upcomingPayDates: z.array(
                z.object({
                  projectId: z.string(),
                  name: z.string(),
                  period: z.string(),
                  payDate: localDateString,
                  due: totalYuanString.nullable(),
                  balance: totalYuanString.nullable(),
                  short: z.boolean(),
                }),
              ),
              feedsIncomplete: z.array(z.object({ bankCode: z.string(), accounts: z.number() })),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const scope = scopeOf(principalOf(req), req.query.district, false);
        const now = clock.now();
        const today = shanghaiDate(now);
        const current = periodOf(today);
        const month = req.query.month ?? current;
        if (month > current) {
          throw new ValidationError(`month ${month} is after the current month ${current}`, [
            { field: 'month', message: `at most ${current}` },
          ]);
        }
        const evaluated = await readEvaluationInstant(db);
        const projects = await projectsIn(db, scope);

        const due: { projectId: string; period: Period; due: LocalDate; passed: boolean }[] = [];
        for (const p of projects)
          for (const d of periodsDueBetween(
            p,
            `${month}-01`,
            addDays(`${addMonths(month, 1)}-01`, -1),
            calendar,
          ))
            due.push({
              projectId: p.project_id,
              ...d,
              passed: endOfShanghaiDay(d.due).getTime() <= evaluated.getTime(),
            });
        const [totals] = await db.query<{
          workers: bigint | number;
          fen: string;
          judged: bigint | number;
          on_time: bigint | number;
        }>(
          // The statement test once per sheet (MATERIALIZED: inlined, the planner ran it twice per
          // line), the findings test as one hash join (not three index probes per line), the distinct
          // workers counted under the byte-wise "C" collation (the same set; the locale's comparison
          // was most of the sort): the same predicates as per line, city scale (bench/README.md).
          `WITH due AS (SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::boolean[]) AS d(project_id, period, due_date, passed)),
           eff AS (
             SELECT DISTINCT ON (s.project_id, s.period) s.sheet_id, d.*
             FROM ledger.payroll_sheets s JOIN due d ON d.project_id = s.project_id AND d.period = s.period
             WHERE s.parts_received >= s.parts ORDER BY s.project_id, s.period, s.version DESC),
           covered AS MATERIALIZED (
             SELECT e.*, e.passed AND EXISTS (
                 SELECT 1 FROM ledger.statements st JOIN ledger.projects p ON p.account_no = st.account_no
                 WHERE p.project_id = e.project_id AND st.statement_date = e.due_date) AS statement_in
             FROM eff e),
           flagged AS (
             SELECT DISTINCT f.project_id, substr(f.key, strpos(f.key, ':') + 1) AS rest
             FROM ledger.findings f WHERE split_part(f.key, ':', 1) IN ('wages-missed', 'wages-short', 'wages-late')),
           lines AS (
             SELECT e.project_id, e.period, l.id_number, l.amount_due_fen,
               e.statement_in AND l.amount_due_fen > 0 AS judged, fl.rest IS NOT NULL AS flagged
             FROM covered e JOIN ledger.payroll_lines l ON l.sheet_id = e.sheet_id
               LEFT JOIN flagged fl ON fl.project_id = e.project_id AND fl.rest = e.period || ':' || l.id_number)
           SELECT count(DISTINCT (project_id || ':' || id_number) COLLATE "C") AS workers,
                  coalesce(sum(amount_due_fen), 0)::text AS fen,
                  count(*) FILTER (WHERE judged) AS judged,
                  count(*) FILTER (WHERE judged AND NOT flagged) AS on_time
           FROM lines`,
          [
            due.map((d) => d.projectId),
            due.map((d) => d.period),
            due.map((d) => d.due),
            due.map((d) => d.passed),
          ],
        );
        const judged = Number(totals?.judged ?? 0);

        // Rule 8's own figures for the pay dates in its window (the domain's evaluation, observed).
        const upcoming: {
          projectId: string;
          name: string;
          period: string;
          payDate: string;
          due: string | null;
          balance: string | null;
          short: boolean;
        }[] = [];
        // Only the projects with a pay date in rule 8's window are read (the same test as the
        // domain's; 16 calendar days hold 5 working days even around the longest holiday block).
        const warnDays = DEFAULT_PAYMENT_RULES_CONFIG.balanceWarningWorkingDays;
        const inWindow = (due: LocalDate) => {
          try {
            return today >= calendar.addWorkingDays(due, -warnDays);
          } catch {
            return true; // outside the calendar's years: let the domain decide (it warns)
          }
        };
        const windowed = projects.filter(
          (p) =>
            month === current &&
            periodsDueBetween(p, today, addDays(today, 16), calendar).some((d) => inWindow(d.due)),
        );
        // Rule 8's outlooks as of the ledger's last evaluation, stored by it per project
        // (ledger.pay_date_outlooks, docs/adr/0021): read, not re-evaluated per request. Before the
        // first evaluation there is none to read: the windowed projects are evaluated at now.
        const windowedIds = new Set(windowed.map((p) => p.project_id));
        const names = new Map(windowed.map((p) => [p.project_id, p.name]));
        const outlooks: { projectId: string; o: Omit<PayDateOutlook, 'statementDate' | 'basis'> }[] = [];
        if (evaluated.getTime() === 0) {
          const live = await evaluatePayDateOutlooks(db, [...windowedIds], now, calendar);
          for (const p of windowed)
            for (const o of live.get(p.project_id) ?? []) outlooks.push({ projectId: p.project_id, o });
        } else {
          const rows = await db.query<{
            project_id: string;
            period: Period;
            due_date: LocalDate;
            owed_fen: string | null;
            balance_fen: string | null;
          }>(
            `SELECT o.project_id, o.period, to_char(o.due_date, 'YYYY-MM-DD') AS due_date, o.owed_fen::text AS owed_fen,
                    o.balance_fen::text AS balance_fen
             FROM ledger.pay_date_outlooks o WHERE o.project_id = ANY($1::text[]) AND o.due_date BETWEEN $2::date AND $3::date
             ORDER BY o.project_id, o.period`,
            [[...windowedIds], today, addDays(today, 16)],
          );
          for (const r of rows)
            if (inWindow(r.due_date))
              outlooks.push({
                projectId: r.project_id,
                o: {
                  period: r.period,
                  dueDate: r.due_date,
                  owed: r.owed_fen === null ? null : BigInt(r.owed_fen),
                  balance: r.balance_fen === null ? null : BigInt(r.balance_fen),
                },
              });
        }
        for (const { projectId, o } of outlooks)
          upcoming.push({
            projectId,
            name: names.get(projectId) ?? '',
            period: o.period,
            payDate: o.dueDate,
            due: o.owed === null ? null : formatFen(o.owed),
            balance: o.balance === null ? null : formatFen(o.balance),
            short: o.owed !== null && o.balance !== null && o.owed > 0n && o.balance < o.owed,
          });
        upcoming.sort((a, b) => a.payDate.localeCompare(b.payDate) || a.projectId.localeCompare(b.projectId));

        const feeds = await db.query<{ bank_code: string; accounts: bigint | number }>(
          `SELECT p.bank_code, count(DISTINCT p.account_no) AS accounts
           FROM ledger.projects p WHERE ${SCOPE_SQL}
             AND EXISTS (SELECT 1 FROM ledger.findings f WHERE f.project_id = p.project_id AND f.rule = 'feed-incomplete' AND f.status = 'open')
           GROUP BY p.bank_code ORDER BY p.bank_code`,
          scopeParams(scope),
        );
        return {
          month,
          asOf: now.toISOString(),
          evaluatedAsOf: evaluated.getTime() === 0 ? null : evaluated.toISOString(),
          workersOnPayroll: Number(totals?.workers ?? 0),
          payrollDue: formatFen(BigInt(totals?.fen ?? '0')),
          linesJudged: judged,
          shareOnTimeInFull: judged === 0 ? null : Number(totals?.on_time ?? 0) / judged,
          upcomingPayDates: upcoming,
          feedsIncomplete: feeds.map((f) => ({ bankCode: f.bank_code, accounts: Number(f.accounts) })),
        };
      },
    );

    app.get(
      '/v1/projects/:projectId/payments',
      {
        schema: {
          tags: ['projects'],
          summary:
            "A project's payments of one month per worker (admin, inspector of the district, its project manager)",
          description:
            "Every line of the month's in-effect payroll sheet with what the ledger allocated to it (payments go to the oldest " +
            'unpaid month first, DOMAIN.md rules 1-3). status: missed / short (an open finding of that rule), late (a wages-late ' +
            'finding on record), paid (in full, on time), pending (due date not passed, not yet paid in full), awaiting-bank (due ' +
            "date passed, not paid in full, no finding yet: the rules wait for the bank's statement of the due date or the next sweep). " +
            'ID numbers masked to the first 6 and last 4, cards to the last 4.',
          params: z.object({ projectId: z.string() }),
          querystring: z.object({
            period: z
              .string()
              .optional()
              .describe(
                'YYYY-MM; default: the latest month with a payroll sheet in effect (the current month when there is none)',
              ),
          }),
          response: {
            200: z.object({
              projectId: z.string(),
              period: z.string(),
              dueDate: localDateString,
              sheetVersion: z
                .number()
                .nullable()
                .describe('the version in effect; null when the ledger has no sheet'),
              items: z.array(
                z.object({
                  worker,
                  due: yuanString,
                  paid: yuanString,
                  paidOn: localDateString
                    .nullable()
                    .describe('the day (Asia/Shanghai) of the last payment allocated'),
                  status: z.enum(PAYMENT_STATUSES),
                }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'admin', 'inspector', 'project-manager');
        const { projectId } = req.params;
        // Scope before anything else: out of scope is 403 whatever the query (docs/adr/0010).
        if (principal.role === 'project-manager' && !principal.projectIds.includes(projectId))
          throw new ForbiddenError(`your key does not cover project ${projectId}`);
        const loaded = await loadProjectState(db, projectId);
        if (!loaded) throw new NotFoundError(`project ${projectId} is not known to the ledger`);
        if (!canSeeProject(principal, { projectId, district: loaded.district }))
          throw new ForbiddenError(`your key does not cover project ${projectId}`);
        const { state } = loaded;
        const now = clock.now();
        const latest = state.sheets
          .map((s) => s.period)
          .sort()
          .at(-1);
        const period = req.query.period ?? latest ?? periodOf(shanghaiDate(now));
        if (!isPeriod(period))
          throw new ValidationError(`period "${period}" must be a month YYYY-MM`, [
            { field: 'period', message: 'must be YYYY-MM' },
          ]);
        const outcomes: ObligationOutcome[] = [];
        evaluateProject(state, now, calendar, DEFAULT_PAYMENT_RULES_CONFIG, {
          obligation: (o) => {
            if (o.period === period) outcomes.push(o);
          },
        });
        const { due } = dueDateFor(
          { period, payDay: state.project.payDay, payMonthOffset: state.project.payMonthOffset },
          calendar,
        );
        const sheet = state.sheets.find((s) => s.period === period);
        const findings = await db.query<{ key: string; rule: string; status: string }>(
          `SELECT key, rule, status FROM ledger.findings
           WHERE project_id = $1 AND rule = ANY($2::text[]) AND record->>'period' = $3`,
          [projectId, [...WAGE_RULES], period],
        );
        const onRecord = new Map(findings.map((f) => [f.key, f.status]));
        const duePassed = endOfShanghaiDay(due).getTime() <= now.getTime();
        const cards = new Map(state.workers.map((w) => [w.idNumber, w.accountNo]));
        const order = new Map(sheet?.lines.map((l, i) => [l.idNumber, i]) ?? []);
        outcomes.sort((a, b) => (order.get(a.idNumber) ?? 0) - (order.get(b.idNumber) ?? 0));
        return {
          projectId,
          period,
          dueDate: due,
          sheetVersion: sheet?.version ?? null,
          items: outcomes.map((o) => {
            const key = (rule: string) => `${rule}:${period}:${o.idNumber}`;
            const inFull = o.paid >= o.amountDue;
            const status: (typeof PAYMENT_STATUSES)[number] =
              onRecord.get(key('wages-missed')) === 'open'
                ? 'missed'
                : onRecord.get(key('wages-short')) === 'open'
                  ? 'short'
                  : onRecord.has(key('wages-late'))
                    ? 'late'
                    : inFull
                      ? 'paid'
                      : duePassed
                        ? 'awaiting-bank'
                        : 'pending';
            const card = cards.get(o.idNumber);
            return {
              worker: {
                idNumber: maskIdNumber(o.idNumber),
                name: o.name,
                accountNo: card ? maskCard(card) : null,
              },
              due: formatFen(o.amountDue),
              paid: formatFen(o.paid),
              paidOn: o.paid > 0n && o.lastPaidAt ? shanghaiDate(o.lastPaidAt) : null,
              status,
            };
          }),
        };
      },
    );

    app.get(
      '/v1/accounts/feed-status',
      {
        schema: {
          tags: ['bank'],
          summary:
            "The banks' daily statement feed per dedicated wage account (admin all, bank own, inspector district)",
          description:
            'lastStatementDate: the latest end-of-day statement received. gaps: the days between the first and the latest ' +
            'statement with no statement (the most recent 62; gapCount counts all). status: incomplete when there is a gap or ' +
            'an open feed-incomplete finding (rule 14: a statement missing for a due date or a day with movements, or totals ' +
            'that disagree); late when the latest statement is older than the latest day whose statement is overdue (a day’s ' +
            'statement is due by the end of the next working day); ok otherwise.',
          querystring: z.object({ district: z.string().min(1).optional() }),
          response: {
            200: z.object({
              expectedThrough: localDateString.describe('the latest day whose statement is overdue now'),
              items: z.array(
                z.object({
                  bankCode: z.string(),
                  accountNo: z.string().describe('masked to its last 4'),
                  projectId: z.string(),
                  district: z.string(),
                  lastStatementDate: localDateString.nullable(),
                  gaps: z.array(localDateString),
                  gapCount: z.number(),
                  openFeedFindings: z.number(),
                  status: z.enum(FEED_STATUSES),
                }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const scope = scopeOf(principalOf(req), req.query.district, true);
        const today = shanghaiDate(clock.now());
        let expectedThrough: LocalDate;
        try {
          expectedThrough = addDays(calendar.previousWorkingDayOnOrBefore(addDays(today, -1)), -1);
        } catch {
          expectedThrough = addDays(today, -2); // outside the calendar's years: weekends unknown, the warning is rule 14's
        }
        const rows = await db.query<{
          project_id: string;
          district: string;
          bank_code: string;
          account_no: string;
          last: string | null;
          gaps: string[] | null;
          gap_count: bigint | number;
          open_findings: bigint | number;
        }>(
          `WITH acc AS (SELECT p.project_id, p.district, p.bank_code, p.account_no FROM ledger.projects p WHERE ${SCOPE_SQL}),
           span AS (SELECT s.account_no, min(s.statement_date) AS lo, max(s.statement_date) AS hi
                    FROM ledger.statements s JOIN acc USING (account_no) GROUP BY s.account_no),
           gap AS (SELECT span.account_no, g.d::date AS d
                   FROM span, generate_series(span.lo, span.hi, interval '1 day') AS g(d)
                   WHERE NOT EXISTS (SELECT 1 FROM ledger.statements s WHERE s.account_no = span.account_no AND s.statement_date = g.d::date))
           SELECT acc.*, span.hi::text AS last,
             (SELECT array_agg(x.d::text ORDER BY x.d) FROM (SELECT d FROM gap WHERE gap.account_no = acc.account_no ORDER BY d DESC LIMIT 62) x) AS gaps,
             (SELECT count(*) FROM gap WHERE gap.account_no = acc.account_no) AS gap_count,
             (SELECT count(*) FROM ledger.findings f WHERE f.project_id = acc.project_id AND f.rule = 'feed-incomplete' AND f.status = 'open') AS open_findings
           FROM acc LEFT JOIN span USING (account_no) ORDER BY acc.bank_code, acc.project_id`,
          scopeParams(scope),
        );
        return {
          expectedThrough,
          items: rows.map((r) => {
            const gapCount = Number(r.gap_count);
            const open = Number(r.open_findings);
            const status: (typeof FEED_STATUSES)[number] =
              gapCount > 0 || open > 0
                ? 'incomplete'
                : r.last === null || r.last < expectedThrough
                  ? 'late'
                  : 'ok';
            return {
              bankCode: r.bank_code,
              accountNo: maskCard(r.account_no),
              projectId: r.project_id,
              district: r.district,
              lastStatementDate: r.last,
              gaps: r.gaps ?? [],
              gapCount,
              openFeedFindings: open,
              status,
            };
          }),
        };
      },
    );
  };
}
