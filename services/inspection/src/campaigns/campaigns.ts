import { createHash } from 'node:crypto';
import { type AuditRaised, RULES, type ScreeningCompleted, type WinterProgress } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  CASE_LEVEL_ORDER,
  type CampaignConfig,
  DEFAULT_CAMPAIGN_CONFIG,
  holidayAuditReason,
  holidayAuditsDue,
  type LocalDate,
  lastWorkingDayBefore,
  quarterEnd,
  shanghaiDate,
  startOfShanghaiDay,
  type WorkingDayCalendar,
  winterProgressDue,
  workingDaysAfter,
} from '@wagewatch/domain';
import { type Emit, raiseAlert } from '../alerts/repository.ts';
import type { InspectionContext } from '../context.ts';
import { openTask } from '../tasks/repository.ts';

export type CampaignContext = InspectionContext & { campaigns?: CampaignConfig };
export type CampaignRunResult = { ran: string[]; warnings: string[] };
export type ReportKind = 'holiday-audit' | 'winter-progress' | 'screening';

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 20);
export const reportIdOf = (occurrence: string, district: string) => `R-${hash(`${occurrence}|${district}`)}`;
const HIGH_RISK = ['C', 'D'];

/**
 * Runs the campaign occurrences due as of an instant: holiday-period audits, the winter
 * campaign's weekly progress and the quarterly screening. Each occurrence is claimed in the
 * transaction that records its reports, alerts and tasks (its key is the primary key of
 * campaign_runs), so a rerun, a second instance or a retried job raises nothing twice.
 */
export async function runCampaigns(ctx: CampaignContext, asOf: Date): Promise<CampaignRunResult> {
  const config = ctx.campaigns ?? DEFAULT_CAMPAIGN_CONFIG;
  const result: CampaignRunResult = { ran: [], warnings: [] };
  const today = shanghaiDate(asOf);
  const warn = (w: string[]) => result.warnings.push(...w);
  const claim = (occurrence: string, kind: ReportKind, body: (tx: Sql, emit: Emit) => Promise<unknown>) =>
    ctx.outbox.unitOfWork(ctx.db, async (tx, emit) => {
      const [row] = await tx.query(
        `INSERT INTO inspection.campaign_runs (occurrence, kind, as_of, ran_at) VALUES ($1,$2,$3,$4)
         ON CONFLICT (occurrence) DO NOTHING RETURNING occurrence`,
        [occurrence, kind, asOf, ctx.clock.now()],
      );
      if (!row) return;
      const detail = await body(tx, emit);
      await tx.query('UPDATE inspection.campaign_runs SET detail = $2 WHERE occurrence = $1', [
        occurrence,
        JSON.stringify(detail ?? null),
      ]);
      result.ran.push(occurrence);
    });

  const audits = holidayAuditsDue(today, ctx.calendar, config);
  result.warnings.push(...audits.warnings);
  for (const audit of audits.due) {
    await claim(audit.key, 'holiday-audit', (tx, emit) =>
      holidayAudit(
        tx,
        emit,
        ctx.calendar,
        asOf,
        {
          occurrence: audit.key,
          holiday: audit.name,
          auditOn: audit.auditOn,
          holidayStarts: audit.firstDay,
        },
        warn,
      ),
    );
  }

  const winter = winterProgressDue(today, ctx.calendar, config);
  if (winter) {
    await claim(winter.key, 'winter-progress', (tx, emit) => winterProgress(tx, emit, asOf, winter));
  }

  const quarter = quarterEnd(today);
  if (quarter)
    await claim(quarter.key, 'screening', (tx, emit) =>
      screening(tx, emit, ctx.calendar, asOf, { occurrence: quarter.key, ...quarter }, warn),
    );
  return result;
}

async function districtsOf(tx: Sql): Promise<string[]> {
  const rows = await tx.query<{ district: string }>(
    `SELECT DISTINCT district FROM inspection.projects WHERE district <> '' ORDER BY district`,
  );
  return rows.map((r) => r.district);
}

async function report(
  tx: Sql,
  r: { kind: ReportKind; occurrence: string; district: string; title: string; at: Date; data: unknown },
): Promise<string> {
  const reportId = reportIdOf(r.occurrence, r.district);
  await tx.query(
    `INSERT INTO inspection.campaign_reports (report_id, kind, occurrence, district, title, created_at, data)
     VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (report_id) DO NOTHING`,
    [reportId, r.kind, r.occurrence, r.district, r.title, r.at, JSON.stringify(r.data)],
  );
  return reportId;
}

/** The project's open case most advanced on the ladder: the one a campaign task joins. */
async function caseForTask(tx: Sql, projectId: string) {
  const [c] = await tx.query<{ case_id: string; project_id: string; district: string }>(
    `SELECT case_id, project_id, district FROM inspection.cases WHERE project_id = $1 AND status = 'open'
     ORDER BY array_position($2::text[], level) DESC, opened_at, case_id LIMIT 1`,
    [projectId, [...CASE_LEVEL_ORDER]],
  );
  return c;
}

/** Working days the tasks of a quarterly screening are due in. */
export const SCREENING_TASK_WORKING_DAYS = 10;

type ProjectFindings = {
  project_id: string;
  name: string;
  district: string;
  sector: string;
  grade: string | null;
  rules: string[];
  finding_ids: string[];
};

async function projectsWithOpenFindings(tx: Sql): Promise<ProjectFindings[]> {
  return tx.query<ProjectFindings>(
    `SELECT p.project_id, p.name, p.district, p.sector, rg.grade,
       coalesce(array_agg(f.rule ORDER BY f.rule) FILTER (WHERE f.finding_id IS NOT NULL), '{}') AS rules,
       coalesce(array_agg(f.finding_id ORDER BY f.rule) FILTER (WHERE f.finding_id IS NOT NULL), '{}') AS finding_ids
     FROM inspection.projects p
     LEFT JOIN inspection.findings f ON f.project_id = p.project_id AND f.status = 'open'
     LEFT JOIN inspection.risk_grades rg ON rg.subject_kind = 'project' AND rg.subject_id = p.project_id
     GROUP BY p.project_id, p.name, p.district, p.sector, rg.grade ORDER BY p.district, p.project_id`,
  );
}

/**
 * A holiday-period audit: per district, every project with open wage findings, an open
 * balance-short or a deposit problem, and an inspection task for each high-risk one (C or D),
 * due the last working day before the holiday.
 */
async function holidayAudit(
  tx: Sql,
  emit: Emit,
  calendar: WorkingDayCalendar,
  at: Date,
  o: { occurrence: string; holiday: string; auditOn: LocalDate; holidayStarts: LocalDate },
  warn: (w: string[]) => void,
) {
  const projects = await projectsWithOpenFindings(tx);
  const deadline = lastWorkingDayBefore(calendar, o.holidayStarts);
  const due = deadline.dueOn;
  const warnings = deadline.warning ? [deadline.warning] : [];
  warn(warnings);
  const summary: Record<string, number> = {};
  for (const district of await districtsOf(tx)) {
    const listed: AuditRaised['projects'] = [];
    for (const p of projects.filter((x) => x.district === district)) {
      const hits = p.rules.filter((r) => holidayAuditReason(r));
      if (!hits.length) continue;
      let taskId: string | null = null;
      if (p.grade && HIGH_RISK.includes(p.grade)) {
        const c = await caseForTask(tx, p.project_id);
        if (c) {
          taskId = await openTask(
            tx,
            c,
            `${o.occurrence}:${p.project_id}`,
            due,
            `holiday-period audit before ${o.holiday} (${o.holidayStarts}): risk grade ${p.grade}; due ${due}${warnings.map((w) => `; ${w}`).join('')}`,
            { at, emit },
          );
        }
      }
      listed.push({
        projectId: p.project_id,
        name: p.name,
        sector: p.sector,
        riskGrade: p.grade,
        reasons: [...new Set(hits.map((r) => holidayAuditReason(r)!))].sort(),
        rules: [...new Set(hits)],
        openFindings: hits.length,
        taskId,
      });
    }
    const reportId = reportIdOf(o.occurrence, district);
    const data: AuditRaised = { ...o, reportId, district, projects: listed };
    await report(tx, {
      kind: 'holiday-audit',
      occurrence: o.occurrence,
      district,
      title: `Holiday-period audit before ${o.holiday} (${o.holidayStarts}), ${district}`,
      at,
      data: warnings.length ? { ...data, warnings } : data,
    });
    await raiseAlert(tx, emit, {
      type: 'audit.raised',
      district,
      occurrence: o.occurrence,
      key: district,
      data,
      at,
    });
    summary[district] = listed.length;
  }
  return { projectsListed: summary };
}

/** The winter campaign's weekly progress per district: cases opened, closed and still open since it began. */
async function winterProgress(
  tx: Sql,
  emit: Emit,
  at: Date,
  w: NonNullable<ReturnType<typeof winterProgressDue>>,
) {
  const since = w.campaign.start!;
  const rows = await tx.query<{ district: string; opened: bigint; closed: bigint; still_open: bigint }>(
    `SELECT d.district,
       (SELECT count(*) FROM inspection.cases c WHERE c.district = d.district AND (c.opened_at >= $1 OR c.reopened_at >= $1)) AS opened,
       (SELECT count(*) FROM inspection.cases c WHERE c.district = d.district AND c.status = 'closed' AND c.closed_at >= $1) AS closed,
       (SELECT count(*) FROM inspection.cases c WHERE c.district = d.district AND c.status = 'open') AS still_open
     FROM (SELECT DISTINCT district FROM inspection.projects WHERE district <> '') d ORDER BY d.district`,
    [startOfShanghaiDay(since)],
  );
  for (const r of rows) {
    const reportId = reportIdOf(w.key, r.district);
    const data: WinterProgress = {
      occurrence: w.key,
      reportId,
      district: r.district,
      season: w.campaign.season!,
      week: w.week,
      since,
      eve: w.campaign.eve!,
      opened: Number(r.opened),
      closed: Number(r.closed),
      stillOpen: Number(r.still_open),
    };
    await report(tx, {
      kind: 'winter-progress',
      occurrence: w.key,
      district: r.district,
      title: `Winter campaign ${data.season}, week ${w.week}, ${r.district}`,
      at,
      data,
    });
    await raiseAlert(tx, emit, {
      type: 'winter.progress',
      district: r.district,
      occurrence: w.key,
      key: r.district,
      data,
      at,
    });
  }
  return { districts: rows.length };
}

/**
 * The quarterly screening: every active project (started by the quarter's end) against the rule
 * checklist, each rule pass or fail with its open findings as of the run; a task for each
 * project that fails, due in 10 working days.
 */
async function screening(
  tx: Sql,
  emit: Emit,
  calendar: WorkingDayCalendar,
  at: Date,
  q: { occurrence: string; quarter: string; firstDay: LocalDate; lastDay: LocalDate },
  warn: (w: string[]) => void,
) {
  const all = await projectsWithOpenFindings(tx);
  const started = await tx.query<{ project_id: string }>(
    `SELECT project_id FROM inspection.projects WHERE coalesce(registration->>'startDate', '0000-00-00') <= $1`,
    [q.lastDay],
  );
  const active = new Set(started.map((s) => s.project_id));
  const deadline = workingDaysAfter(calendar, shanghaiDate(at), SCREENING_TASK_WORKING_DAYS);
  const due = deadline.dueOn;
  const warnings = deadline.warning ? [deadline.warning] : [];
  warn(warnings);
  const summary: Record<string, { projects: number; failing: number }> = {};
  for (const district of await districtsOf(tx)) {
    const projects = [];
    for (const p of all.filter((x) => x.district === district && active.has(x.project_id))) {
      const checklist = RULES.map((rule) => {
        const open = p.finding_ids.filter((_, i) => p.rules[i] === rule);
        return { rule, result: open.length ? ('fail' as const) : ('pass' as const), openFindings: open };
      });
      const failing = checklist.some((c) => c.result === 'fail');
      let taskId: string | null = null;
      if (failing) {
        const c = await caseForTask(tx, p.project_id);
        if (c) {
          taskId = await openTask(
            tx,
            c,
            `${q.occurrence}:${p.project_id}`,
            due,
            `quarterly screening ${q.quarter}: ${checklist
              .filter((x) => x.result === 'fail')
              .map((x) => x.rule)
              .join(', ')}; due ${due}${warnings.map((w) => `; ${w}`).join('')}`,
            { at, emit },
          );
        }
      }
      projects.push({
        projectId: p.project_id,
        name: p.name,
        sector: p.sector,
        riskGrade: p.grade,
        result: failing ? 'fail' : 'pass',
        taskId,
        checklist,
      });
    }
    const reportId = reportIdOf(q.occurrence, district);
    const failingCount = projects.filter((p) => p.result === 'fail').length;
    await report(tx, {
      kind: 'screening',
      occurrence: q.occurrence,
      district,
      title: `Quarterly screening ${q.quarter}, ${district}`,
      at,
      data: {
        occurrence: q.occurrence,
        reportId,
        district,
        quarter: q.quarter,
        asOf: at.toISOString(),
        projects,
        ...(warnings.length ? { warnings } : {}),
      },
    });
    const data: ScreeningCompleted = {
      occurrence: q.occurrence,
      reportId,
      district,
      quarter: q.quarter,
      projects: projects.length,
      failing: failingCount,
    };
    await raiseAlert(tx, emit, {
      type: 'screening.completed',
      district,
      occurrence: q.occurrence,
      key: district,
      data,
      at,
    });
    summary[district] = { projects: projects.length, failing: failingCount };
  }
  return summary;
}
