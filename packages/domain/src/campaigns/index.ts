import { CalendarCoverageError, type MajorHolidayKey, type WorkingDayCalendar } from '../calendar.ts';
import {
  addDays,
  compareDates,
  dayOfWeek,
  daysBetween as daysBetweenDates,
  type LocalDate,
  shanghaiDate,
  yearOf,
} from '../dates.ts';
import type { Severity } from '../payments/model.ts';
import type { RuleCode } from '../rules.ts';

/**
 * Campaigns (DOMAIN.md "Campaigns"): holiday-period audits, the winter campaign and quarterly
 * screening, as occurrences with stable keys. A service records the keys it has run, so running
 * the same occurrence twice raises nothing twice. Everything here is pure: an instant, the
 * holiday-aware calendar and a configuration in; occurrences (and warnings) out.
 */
export type CampaignConfig = {
  holidayAudit: {
    /** Working days before the first day of a holiday block the audit falls due (default 5). */
    workingDaysBefore: number;
    /** The major holidays audited; Labour Day is a local option. */
    holidays: readonly MajorHolidayKey[];
  };
  winter: {
    /** The first day of the campaign as MM-DD (default 11-01). */
    startMonthDay: string;
  };
};

export const DEFAULT_CAMPAIGN_CONFIG: CampaignConfig = {
  holidayAudit: { workingDaysBefore: 5, holidays: ['spring-festival', 'mid-autumn', 'national-day'] },
  winter: { startMonthDay: '11-01' },
};

/** With Labour Day audited too (a local option). */
export function withLabourDay(config: CampaignConfig = DEFAULT_CAMPAIGN_CONFIG): CampaignConfig {
  const holidays = config.holidayAudit.holidays.includes('labour-day')
    ? config.holidayAudit.holidays
    : [...config.holidayAudit.holidays, 'labour-day' as const];
  return { ...config, holidayAudit: { ...config.holidayAudit, holidays } };
}

export type HolidayAuditOccurrence = {
  /** e.g. `holiday-audit:national-day:2026`; merged blocks join their keys (`mid-autumn+national-day`). */
  key: string;
  holidays: MajorHolidayKey[];
  name: string;
  /** The day the audit falls due: the configured working days before the block. */
  auditOn: LocalDate;
  firstDay: LocalDate;
  lastDay: LocalDate;
};

const today = (asOf: Date | LocalDate): LocalDate => (typeof asOf === 'string' ? asOf : shanghaiDate(asOf));

/**
 * The holiday audits due as of an instant: those whose audit day has come and whose holiday
 * block has not begun (a sweep any day in that window runs it; its key makes it once). Years
 * the calendar does not cover give a warning, not an audit.
 */
export function holidayAuditsDue(
  asOf: Date | LocalDate,
  calendar: WorkingDayCalendar,
  config: CampaignConfig = DEFAULT_CAMPAIGN_CONFIG,
): { due: HolidayAuditOccurrence[]; warnings: string[] } {
  const day = today(asOf);
  const due: HolidayAuditOccurrence[] = [];
  const warnings: string[] = [];
  const wanted = new Set(config.holidayAudit.holidays);
  for (const year of [yearOf(day), yearOf(day) + 1]) {
    let blocks: ReturnType<WorkingDayCalendar['majorHolidays']>;
    try {
      blocks = calendar.majorHolidays(year);
    } catch (e) {
      if (!(e instanceof CalendarCoverageError)) throw e;
      // Next year's holidays matter only when they could fall due within the window.
      if (year === yearOf(day)) warnings.push(e.message);
      continue;
    }
    const byBlock = new Map<string, typeof blocks>();
    for (const b of blocks) {
      if (!wanted.has(b.key)) continue;
      byBlock.set(b.firstDay, [...(byBlock.get(b.firstDay) ?? []), b]);
    }
    for (const [firstDay, bs] of byBlock) {
      if (compareDates(day, firstDay) >= 0) continue;
      let auditOn: LocalDate;
      try {
        auditOn = calendar.addWorkingDays(firstDay, -config.holidayAudit.workingDaysBefore);
      } catch (e) {
        if (!(e instanceof CalendarCoverageError)) throw e;
        warnings.push(e.message);
        continue;
      }
      if (compareDates(day, auditOn) < 0) continue;
      const keys = bs.map((b) => b.key);
      due.push({
        key: `holiday-audit:${keys.join('+')}:${year}`,
        holidays: keys,
        name: bs.map((b) => b.name).join(' / '),
        auditOn,
        firstDay,
        lastDay: bs[0]!.lastDay,
      });
    }
  }
  return { due, warnings };
}

export type WinterCampaign = {
  active: boolean;
  /** The season, e.g. `2026-27`; undefined when the calendar cannot place its end. */
  season?: string;
  start?: LocalDate;
  /** The eve of the Spring Festival: the last day of the campaign and every open case's deadline. */
  eve?: LocalDate;
  /** The first day of the Spring Festival's holiday block. */
  festival?: LocalDate;
  warnings: string[];
};

/**
 * The winter campaign (根治欠薪冬季专项行动) as of an instant: from the configured start (1
 * November) to the eve of the Spring Festival, the day before its holiday block in the next
 * year's calendar. When the calendar does not cover that year, the campaign is inactive with a
 * warning (its end cannot be known).
 */
export function winterCampaign(
  asOf: Date | LocalDate,
  calendar: WorkingDayCalendar,
  config: CampaignConfig = DEFAULT_CAMPAIGN_CONFIG,
): WinterCampaign {
  const day = today(asOf);
  const y = yearOf(day);
  const startThisYear = `${y}-${config.winter.startMonthDay}`;
  const startYear = compareDates(day, startThisYear) >= 0 ? y : y - 1;
  const start = `${startYear}-${config.winter.startMonthDay}`;
  const season = `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
  let festival: LocalDate | undefined;
  try {
    festival = calendar.majorHolidays(startYear + 1).find((h) => h.key === 'spring-festival')?.firstDay;
  } catch (e) {
    if (!(e instanceof CalendarCoverageError)) throw e;
    return {
      active: false,
      warnings: [
        `winter campaign ${season}: its end (the eve of the Spring Festival) is unknown: ${e.message}`,
      ],
    };
  }
  if (!festival) {
    return { active: false, warnings: [`winter campaign ${season}: no Spring Festival in ${startYear + 1}`] };
  }
  const eve = addDays(festival, -1);
  const active = compareDates(day, start) >= 0 && compareDates(day, eve) <= 0;
  return { active, season, start, eve, festival, warnings: [] };
}

/** ISO week of a date, e.g. `2026-W48` (the winter campaign's weekly progress occurrence). */
export function isoWeekOf(d: LocalDate): string {
  const dow = dayOfWeek(d) === 0 ? 7 : dayOfWeek(d); // Monday 1 … Sunday 7
  const thursday = addDays(d, 4 - dow);
  const year = yearOf(thursday);
  const jan1 = `${year}-01-01`;
  const week =
    Math.floor((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${jan1}T00:00:00Z`)) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The weekly progress occurrence of an active winter campaign as of an instant; none outside it. */
export function winterProgressDue(
  asOf: Date | LocalDate,
  calendar: WorkingDayCalendar,
  config: CampaignConfig = DEFAULT_CAMPAIGN_CONFIG,
): { key: string; week: string; campaign: WinterCampaign } | undefined {
  const campaign = winterCampaign(asOf, calendar, config);
  if (!campaign.active || !campaign.season) return undefined;
  const week = isoWeekOf(today(asOf));
  return { key: `winter-progress:${campaign.season}:${week}`, week, campaign };
}

export type QuarterOccurrence = { key: string; quarter: string; firstDay: LocalDate; lastDay: LocalDate };

/**
 * The quarterly screening due as of an instant: the quarter that has just ended, from the day
 * after its last day for a catch-up window of `windowDays` (default 10) — a sweep in that window
 * runs it once; outside it there is nothing to run (a later sweep does not screen a stale
 * quarter). `screening:2026-Q3` is due from 2026-10-01 to 2026-10-10.
 */
export function quarterEnd(asOf: Date | LocalDate, windowDays = 10): QuarterOccurrence | undefined {
  const day = today(asOf);
  const q = lastQuarterEnded(day);
  const since = daysBetweenDates(q.lastDay, day);
  return since >= 1 && since <= windowDays ? q : undefined;
}

/** The latest quarter whose last day is before the day. */
export function lastQuarterEnded(asOf: Date | LocalDate): QuarterOccurrence {
  const day = today(asOf);
  let year = yearOf(day);
  let q = Math.floor((Number(day.slice(5, 7)) - 1) / 3); // the quarter before the current one
  if (q === 0) {
    q = 4;
    year -= 1;
  }
  const lastDay = q === 4 ? `${year}-12-31` : addDays(`${year}-${String(q * 3 + 1).padStart(2, '0')}-01`, -1);
  const quarter = `${year}-Q${q}`;
  return {
    key: `screening:${quarter}`,
    quarter,
    firstDay: `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`,
    lastDay,
  };
}

/** Rules about wages themselves: the winter campaign raises their severity (codes checked against RULE_CODES). */
export const WAGE_FINDING_RULES: ReadonlySet<string> = new Set<RuleCode>([
  'wages-missed',
  'wages-late',
  'wages-short',
  'arrears-growing',
  'worker-complaint',
]);

const SEVERITY_STEPS: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** One step up: low → medium → high → critical (critical stays). */
export function raiseSeverity(s: Severity): Severity {
  return SEVERITY_STEPS[Math.min(SEVERITY_STEPS.indexOf(s) + 1, SEVERITY_STEPS.length - 1)] ?? s;
}

/** A finding's severity as shown during the winter campaign: wage findings one step higher. */
export function winterSeverity(rule: string, severity: Severity, winterActive: boolean): Severity {
  return winterActive && WAGE_FINDING_RULES.has(rule) ? raiseSeverity(severity) : severity;
}

/** Rules a holiday-period audit lists a project for: open wage findings, balance-short, deposit problems. */
export function holidayAuditReason(rule: string): 'wages' | 'balance-short' | 'deposit' | undefined {
  if (rule.startsWith('wages-') || rule === 'arrears-growing' || rule === 'worker-complaint') return 'wages';
  if (rule === 'balance-short') return 'balance-short';
  if (rule.startsWith('deposit-') || rule === 'guarantee-expiring') return 'deposit';
  return undefined;
}
