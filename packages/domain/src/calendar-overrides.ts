/**
 * Corrections and additions to the holiday data shipped by `chinese-days`.
 *
 * The State Council publishes the next year's holiday notice (国务院办公厅关于××年部分节假日安排的通知)
 * each November. Until a `chinese-days` release carries it, add it here, so that due dates in that
 * year stop raising "holiday calendar does not cover …" warnings. To add year Y:
 *
 *   1. Under the key Y, write `notice` with one entry per holiday block exactly as the notice
 *      declares it (first and last day of the block, weekends inside it included) and every
 *      make-up working day (调休上班, usually a Saturday or Sunday).
 *   2. A block that merges two festivals (Mid-Autumn with National Day) is one entry with both
 *      keys: `keys: ['national-day', 'mid-autumn']`.
 *   3. Run the calendar tests; once `chinese-days` ships the year, the entry can be removed (a
 *      `notice` replaces the package's data for that year, so leaving it is harmless).
 *
 *   2027: {
 *     notice: {
 *       holidays: [
 *         { keys: ['new-year'], name: "New Year's Day", firstDay: '2027-01-01', lastDay: '2027-01-03' },
 *         // …
 *       ],
 *       makeUpWorkdays: [{ date: '2027-02-20', name: 'Spring Festival' }],
 *     },
 *   },
 *
 * To correct a single day the package has wrong, use `days` under that day's year:
 *
 *   2026: { days: { '2026-10-08': { type: 'holiday', name: 'National Day' } } },
 *
 * where `type` is 'holiday' (a day off), 'workday' (a make-up working day) or 'ordinary' (neither:
 * a weekday works, a weekend day rests).
 */
import type { LocalDate } from './dates.ts';

export type MajorHolidayKey =
  | 'spring-festival'
  | 'labour-day'
  | 'mid-autumn'
  | 'national-day'
  | 'new-year'
  | 'qingming'
  | 'dragon-boat';

export interface HolidayBlock {
  /** Which festivals the block is for; derived from `name` when omitted. */
  keys?: readonly MajorHolidayKey[];
  /** As the notice names it, e.g. 'Spring Festival' or '春节'. */
  name: string;
  firstDay: LocalDate;
  lastDay: LocalDate;
}

export interface MakeUpWorkday {
  date: LocalDate;
  /** The holiday it makes up for. */
  name?: string;
}

/** One year's notice in full. */
export interface HolidayNotice {
  holidays: readonly HolidayBlock[];
  makeUpWorkdays: readonly MakeUpWorkday[];
}

export type DayOverride =
  | { type: 'holiday'; name: string; keys?: readonly MajorHolidayKey[] }
  | { type: 'workday'; name?: string }
  | { type: 'ordinary' };

export interface YearOverride {
  /** The year's whole notice: replaces the package's data for the year, or adds a year it lacks. */
  notice?: HolidayNotice;
  /** Single-day corrections, applied last. */
  days?: Readonly<Record<LocalDate, DayOverride>>;
}

/** Keyed by year. */
export type CalendarOverrides = Readonly<Record<number, YearOverride>>;

/** The overrides every calendar applies unless told otherwise. None needed yet. */
export const CALENDAR_OVERRIDES: CalendarOverrides = {};
