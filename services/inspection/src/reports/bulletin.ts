import type { Sql } from '@wagewatch/db';
import {
  addDays,
  formatFen,
  type ReportPeriod,
  RULE_DEFINITIONS,
  type RuleCode,
  shanghaiDate,
} from '@wagewatch/domain';

/**
 * 月度/季度通报: what the bureau reports for a month or a quarter, for one district or the city.
 * Counted from inspection's own records by their instants, in [from, to) and as they stood at
 * `to` (a finding open at the end is one raised before it and not resolved before it; a case is
 * open at the end when its last opening or closing before it was an opening), so a bulletin of a
 * past period is the same whenever it is asked for.
 */
export type Bulletin = {
  period: string;
  label: string;
  /** null: the city. */
  district: string | null;
  scope: string;
  from: string;
  to: string;
  /** The period has not ended yet: the figures are as of `asOf` and will still change. */
  provisional: boolean;
  asOf: string;
  projects: number;
  /** Workers on the real-name registry of the district's projects during the period (each once). */
  registeredWorkers: number;
  projectsWithFindings: number;
  findingsRaised: number;
  findingsOpenAtEnd: number;
  byRule: { rule: string; name: string; raised: number; openAtEnd: number }[];
  workersConcerned: number;
  /** Wages owed by the findings of unpaid and short-paid wages open at the end. */
  owedOpenAtEnd: string;
  /** 追发: net pay paid in full only after its due date, in the period, and to how many workers. */
  recovered: string;
  workersHelped: number;
  casesOpened: number;
  casesReopened: number;
  casesClosed: number;
  casesOpenAtEnd: number;
  casesCritical: number;
  ordersIssued: number;
  policeReferrals: number;
  /** Wage-guarantee deposits drawn (动用) in the period, as the banks reported them, and their amount. */
  depositsDrawn: number;
  depositsDrawnAmount: string;
  /** The city's bulletin: the same figures per district. */
  districts?: Omit<Bulletin, 'districts' | 'byRule'>[];
};

const WAGE_OWED_RULES = ['wages-missed', 'wages-short'];
const OPENINGS = ['opened', 'reopened', 'reopened-by-person'];
const CLOSINGS = ['closed', 'closed-by-person'];
const WORKER_KEY = `coalesce(snapshot->'worker'->>'idNumberMasked', '') || '|' || coalesce(snapshot->'worker'->>'name', '')`;
const RESOLVED_BEFORE_END = `(snapshot->>'resolvedAt' IS NOT NULL AND (snapshot->>'resolvedAt')::timestamptz < $2)`;

async function figures(
  tx: Sql,
  period: ReportPeriod,
  district: string | null,
  asOf: Date,
): Promise<Omit<Bulletin, 'districts'>> {
  const to = asOf < period.to ? asOf : period.to;
  const params = [period.from, to, district];
  const endDay = to < period.to ? addDays(shanghaiDate(to), 1) : period.nextDay;
  const inDistrict = (col = 'district') => `($3::text IS NULL OR ${col} = $3)`;
  const [projects] = await tx.query<{ n: bigint }>(
    // Projects under construction by the end: started before it (the registration's startDate, a
    // Shanghai date), whenever they were registered (a registration may come after the start).
    `SELECT count(*) AS n FROM inspection.projects WHERE ($2::text IS NULL OR district = $2)
       AND (registration->>'startDate' IS NULL OR (registration->>'startDate')::date < $1::date)`,
    [endDay, district],
  );
  const [registered] = await tx.query<{ n: bigint }>(
    // Enrolled before the end and not gone before the start (left_on is the last day on the project).
    `SELECT count(DISTINCT w.worker_key) AS n FROM inspection.registered_workers w
       JOIN inspection.projects p ON p.project_id = w.project_id
      WHERE ($3::text IS NULL OR p.district = $3) AND w.enrolled_on < $2::date
        AND (w.left_on IS NULL OR w.left_on >= $1::date)`,
    [period.firstDay, endDay, district],
  );
  const [draws] = await tx.query<{ n: bigint; fen: string | null }>(
    `SELECT count(*) AS n, sum(d.amount_fen) AS fen FROM inspection.deposit_draws d
       JOIN inspection.projects p ON p.project_id = d.project_id
      WHERE d.occurred_at >= $1 AND d.occurred_at < $2 AND ($3::text IS NULL OR p.district = $3)`,
    params,
  );
  const rules = await tx.query<{ rule: string; raised: bigint; open_at_end: bigint }>(
    `SELECT rule,
            count(*) FILTER (WHERE raised_at >= $1) AS raised,
            count(*) FILTER (WHERE rule <> 'wages-late' AND NOT ${RESOLVED_BEFORE_END}) AS open_at_end
       FROM inspection.findings WHERE raised_at < $2 AND ${inDistrict()}
      GROUP BY rule ORDER BY rule`,
    params,
  );
  const [f] = await tx.query<{
    projects: bigint;
    workers: bigint;
    owed: string | null;
    recovered: string | null;
    helped: bigint;
  }>(
    `SELECT count(DISTINCT project_id) FILTER (WHERE raised_at >= $1 AND rule <> 'wages-late') AS projects,
            count(DISTINCT ${WORKER_KEY}) FILTER (WHERE raised_at >= $1 AND rule <> 'wages-late' AND snapshot->'worker' IS NOT NULL) AS workers,
            sum(round((snapshot->>'amountOwed')::numeric * 100))
              FILTER (WHERE rule = ANY($4::text[]) AND NOT ${RESOLVED_BEFORE_END}) AS owed,
            sum(round((snapshot->>'amountOwed')::numeric * 100)) FILTER (WHERE rule = 'wages-late' AND raised_at >= $1) AS recovered,
            count(DISTINCT ${WORKER_KEY}) FILTER (WHERE rule = 'wages-late' AND raised_at >= $1) AS helped
       FROM inspection.findings WHERE raised_at < $2 AND ${inDistrict()}`,
    [...params, WAGE_OWED_RULES],
  );
  const [c] = await tx.query<{ opened: bigint; reopened: bigint; closed: bigint; critical: bigint }>(
    `SELECT count(*) FILTER (WHERE h.action = 'opened') AS opened,
            count(*) FILTER (WHERE h.action IN ('reopened', 'reopened-by-person')) AS reopened,
            count(*) FILTER (WHERE h.action = ANY($4::text[])) AS closed,
            count(*) FILTER (WHERE h.action = 'escalated:critical') AS critical
       FROM inspection.case_history h JOIN inspection.cases c ON c.case_id = h.case_id
      WHERE h.at >= $1 AND h.at < $2 AND ${inDistrict('c.district')}`,
    [...params, CLOSINGS],
  );
  const [open] = await tx.query<{ n: bigint }>(
    `SELECT count(*) AS n FROM (
       SELECT DISTINCT ON (h.case_id) h.action
         FROM inspection.case_history h JOIN inspection.cases c ON c.case_id = h.case_id
        WHERE $1::timestamptz IS NOT NULL AND h.at < $2 AND h.action = ANY($4::text[]) AND ${inDistrict('c.district')}
        ORDER BY h.case_id, h.at DESC, h.id DESC) last
      WHERE last.action <> ALL($5::text[])`,
    [...params, [...OPENINGS, ...CLOSINGS], CLOSINGS],
  );
  const [o] = await tx.query<{ orders: bigint; referrals: bigint }>(
    `SELECT count(*) FILTER (WHERE kind = 'correction') AS orders, count(*) FILTER (WHERE kind = 'police-referral') AS referrals
       FROM inspection.case_orders WHERE issued_at >= $1 AND issued_at < $2 AND ${inDistrict()}`,
    params,
  );
  const byRule = rules.map((r) => ({
    rule: r.rule,
    name: RULE_DEFINITIONS[r.rule as RuleCode]?.nameZh ?? r.rule,
    raised: Number(r.raised),
    openAtEnd: Number(r.open_at_end),
  }));
  const fen = (s: string | null) => formatFen(BigInt(s ?? '0'));
  return {
    period: period.key,
    label: period.label,
    district,
    scope: district ?? '全市',
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    provisional: asOf < period.to,
    asOf: to.toISOString(),
    projects: Number(projects?.n ?? 0n),
    registeredWorkers: Number(registered?.n ?? 0n),
    projectsWithFindings: Number(f?.projects ?? 0n),
    findingsRaised: byRule.filter((r) => r.rule !== 'wages-late').reduce((s, r) => s + r.raised, 0),
    findingsOpenAtEnd: byRule.reduce((s, r) => s + r.openAtEnd, 0),
    byRule,
    workersConcerned: Number(f?.workers ?? 0n),
    owedOpenAtEnd: fen(f?.owed ?? null),
    recovered: fen(f?.recovered ?? null),
    workersHelped: Number(f?.helped ?? 0n),
    casesOpened: Number(c?.opened ?? 0n),
    casesReopened: Number(c?.reopened ?? 0n),
    casesClosed: Number(c?.closed ?? 0n),
    casesOpenAtEnd: Number(open?.n ?? 0n),
    casesCritical: Number(c?.critical ?? 0n),
    ordersIssued: Number(o?.orders ?? 0n),
    policeReferrals: Number(o?.referrals ?? 0n),
    depositsDrawn: Number(draws?.n ?? 0n),
    depositsDrawnAmount: fen(draws?.fen ?? null),
  };
}

/** A district's bulletin, or the city's with a row per district. */
export async function bulletin(
  tx: Sql,
  period: ReportPeriod,
  district: string | null,
  asOf: Date,
): Promise<Bulletin> {
  const own = await figures(tx, period, district, asOf);
  if (district !== null) return own;
  const names = await tx.query<{ district: string }>(
    'SELECT DISTINCT district FROM inspection.projects ORDER BY district',
  );
  const districts = [];
  for (const { district: d } of names) {
    const { byRule: _, ...row } = await figures(tx, period, d, asOf);
    districts.push(row);
  }
  return { ...own, districts };
}

/** The figures a bulletin lists, in order, with their Chinese names (the A4 page and the XLSX). */
export const BULLETIN_FIGURES: {
  key: keyof Omit<Bulletin, 'districts' | 'byRule'>;
  name: string;
  money?: boolean;
}[] = [
  { key: 'projects', name: '在监项目数' },
  { key: 'registeredWorkers', name: '实名制登记劳动者人数' },
  { key: 'projectsWithFindings', name: '本期发现问题项目数' },
  { key: 'findingsRaised', name: '本期发现问题数' },
  { key: 'findingsOpenAtEnd', name: '期末未解决问题数' },
  { key: 'workersConcerned', name: '本期涉及劳动者人数' },
  { key: 'owedOpenAtEnd', name: '期末欠付工资（元）', money: true },
  { key: 'recovered', name: '追发工资（元）', money: true },
  { key: 'workersHelped', name: '追发涉及劳动者人数' },
  { key: 'casesOpened', name: '本期立案数' },
  { key: 'casesReopened', name: '本期重新立案数' },
  { key: 'casesClosed', name: '本期结案数' },
  { key: 'casesOpenAtEnd', name: '期末在办案件数' },
  { key: 'casesCritical', name: '本期升级为严重案件数' },
  { key: 'ordersIssued', name: '下达责令改正指令书数' },
  { key: 'policeReferrals', name: '移送公安机关案件数' },
  { key: 'depositsDrawn', name: '动用工资保证金次数' },
  { key: 'depositsDrawnAmount', name: '动用工资保证金金额（元）', money: true },
];
