import type { WinterCampaign } from '../campaigns/index.ts';
import {
  addDays,
  addMonths,
  firstDayOf,
  type LocalDate,
  type Period,
  periodOf,
  startOfShanghaiDay,
} from '../dates.ts';

/**
 * A bulletin's period (通报): a month `2026-11` or a quarter `2026-Q4`, from its first day to the
 * first day of the next (exclusive), in Asia/Shanghai. A bulletin counts what happened in
 * [from, to) and what stood at `to`: computed after its end, it no longer changes.
 */
export type ReportPeriod = {
  key: string;
  kind: 'month' | 'quarter' | 'winter';
  /** 2026年11月, 2026年第四季度. */
  label: string;
  firstDay: LocalDate;
  /** The first day after the period. */
  nextDay: LocalDate;
  from: Date;
  to: Date;
};

const QUARTER_ZH = ['一', '二', '三', '四'];

export function reportPeriod(key: string): ReportPeriod | undefined {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (month) {
    const p = key as Period;
    const next = firstDayOf(addMonths(p, 1));
    return {
      key,
      kind: 'month',
      label: `${month[1]}年${Number(month[2])}月`,
      firstDay: firstDayOf(p),
      nextDay: next,
      from: startOfShanghaiDay(firstDayOf(p)),
      to: startOfShanghaiDay(next),
    };
  }
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key);
  if (quarter) {
    const q = Number(quarter[2]);
    const first = `${quarter[1]}-${String(q * 3 - 2).padStart(2, '0')}` as Period;
    const next = firstDayOf(addMonths(first, 3));
    return {
      key,
      kind: 'quarter',
      label: `${quarter[1]}年第${QUARTER_ZH[q - 1]}季度`,
      firstDay: firstDayOf(first),
      nextDay: next,
      from: startOfShanghaiDay(firstDayOf(first)),
      to: startOfShanghaiDay(next),
    };
  }
  return undefined;
}

/** The last period of a kind that has ended by `today` (the default bulletin). */
export function lastEndedPeriod(kind: 'month' | 'quarter', today: LocalDate): string {
  if (kind === 'month') return addMonths(periodOf(today), -1);
  const [y, m] = today.split('-').map(Number) as [number, number];
  const quarterStart = `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}` as Period;
  const [py, pm] = addMonths(quarterStart, -3).split('-').map(Number) as [number, number];
  return `${py}-Q${Math.ceil(pm / 3)}`;
}

/** A winter campaign's report period: `winter-2026-27`, the season as the campaign names it. */
export const WINTER_PERIOD = /^winter-(\d{4})-(\d{2})$/;

/**
 * The winter campaign (根治欠薪冬季专项行动) as a report period: from its first day to the eve of
 * the Spring Festival, its last day (inclusive). Asked during the campaign it is its progress
 * report (provisional, as of now); after the eve, its closing report, the same whenever asked.
 * Undefined when the calendar cannot place the campaign's end.
 */
export function winterReportPeriod(c: WinterCampaign): ReportPeriod | undefined {
  if (!c.season || !c.start || !c.eve) return undefined;
  const startYear = Number(c.start.slice(0, 4));
  const nextDay = addDays(c.eve, 1);
  return {
    key: `winter-${c.season}`,
    kind: 'winter',
    label: `${startYear}—${startYear + 1}年度冬季根治欠薪专项行动`,
    firstDay: c.start,
    nextDay,
    from: startOfShanghaiDay(c.start),
    to: startOfShanghaiDay(nextDay),
  };
}
