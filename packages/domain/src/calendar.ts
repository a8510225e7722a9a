/**
 * The working-day calendar of the State Council's yearly holiday notices, make-up working days
 * (调休) included: a Saturday declared a working day is a working day, and a weekday inside a
 * holiday block is not. Wages falling due on a rest day are due on the nearest working day before.
 *
 * Data: `chinese-days`' JSON (`dist/chinese-days.json`, 2004 onwards), imported directly: the
 * package declares no `exports` map, so the subpath resolves under Node, tsx, vitest and
 * TypeScript's NodeNext alike. It is then corrected or extended by `calendar-overrides.ts`.
 */
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import {
  CALENDAR_OVERRIDES,
  type CalendarOverrides,
  type DayOverride,
  type MajorHolidayKey,
} from './calendar-overrides.ts';
import {
  addDays,
  addMonths,
  compareDates,
  comparePeriods,
  dateInMonth,
  isLocalDate,
  isWeekend,
  type LocalDate,
  type Period,
  periodOf,
  yearOf,
} from './dates.ts';

export {
  CALENDAR_OVERRIDES,
  type CalendarOverrides,
  type DayOverride,
  type HolidayBlock,
  type HolidayNotice,
  type MajorHolidayKey,
  type MakeUpWorkday,
  type YearOverride,
} from './calendar-overrides.ts';

export class CalendarCoverageError extends Error {
  readonly code = 'CALENDAR_NOT_COVERED';
  readonly year: number;
  constructor(year: number, covered?: { from: number; to: number }) {
    const range = covered ? ` (it covers ${covered.from}–${covered.to})` : '';
    super(
      `The holiday calendar does not cover ${year}${range}: add the State Council's holiday notice for ${year} ` +
        'to the calendar overrides (packages/domain/src/calendar-overrides.ts).',
    );
    this.name = 'CalendarCoverageError';
    this.year = year;
  }
}

export interface MajorHoliday {
  key: MajorHolidayKey;
  name: string;
  firstDay: LocalDate;
  lastDay: LocalDate;
}

export interface WorkingDayCalendar {
  /** The contiguous range of years the calendar knows in full. */
  coveredYears(): { from: number; to: number };
  covers(d: LocalDate): boolean;
  /** Throws CalendarCoverageError outside coverage. */
  isWorkingDay(d: LocalDate): boolean;
  /** The holiday a day off belongs to; undefined for any other day or outside coverage. */
  holidayName(d: LocalDate): string | undefined;
  previousWorkingDayOnOrBefore(d: LocalDate): LocalDate;
  nextWorkingDayOnOrAfter(d: LocalDate): LocalDate;
  /** The n-th working day after d (before it when n < 0), d itself not counted; n = 0 returns d. */
  addWorkingDays(d: LocalDate, n: number): LocalDate;
  /** Working days in (a, b]; negative when b is before a. */
  workingDaysBetween(a: LocalDate, b: LocalDate): number;
  /**
   * The holiday blocks of a year's notice, in date order. A block merging two festivals (Mid-Autumn
   * with National Day) is reported once per key, each over the merged block.
   */
  majorHolidays(year: number): MajorHoliday[];
}

export interface CreateCalendarOptions {
  /** Replaces the built-in override table (CALENDAR_OVERRIDES). */
  overrides?: CalendarOverrides;
  /** Added on top of the overrides, winning year by year: notices for years the data lacks. */
  extraYears?: CalendarOverrides;
}

type DayEntry =
  | { type: 'holiday'; name: string; keys: readonly MajorHolidayKey[] }
  | { type: 'workday'; name?: string }
  | { type: 'ordinary' };

/** Festival names, English (as chinese-days spells them) and Chinese, to keys. */
const KEY_BY_NAME: ReadonlyArray<[RegExp, MajorHolidayKey]> = [
  [/spring festival|春节/i, 'spring-festival'],
  [/labou?r day|劳动节/i, 'labour-day'],
  [/mid-?autumn|中秋/i, 'mid-autumn'],
  [/national day|国庆/i, 'national-day'],
  [/new year|元旦/i, 'new-year'],
  [/tomb-?sweeping|qingming|清明/i, 'qingming'],
  [/dragon boat|端午/i, 'dragon-boat'],
];

function keysFromName(name: string): MajorHolidayKey[] {
  return KEY_BY_NAME.filter(([re]) => re.test(name)).map(([, key]) => key);
}

type RawData = { holidays: Record<string, string>; workdays: Record<string, string> };

/** 'Spring Festival,春节,4' → 'Spring Festival'. */
function englishName(value: string): string {
  return value.split(',')[0] ?? value;
}

function fromPackage(raw: RawData): Map<LocalDate, DayEntry> {
  const days = new Map<LocalDate, DayEntry>();
  for (const [date, value] of Object.entries(raw.holidays)) {
    const name = englishName(value);
    days.set(date, { type: 'holiday', name, keys: keysFromName(name) });
  }
  for (const [date, value] of Object.entries(raw.workdays)) {
    days.set(date, { type: 'workday', name: englishName(value) });
  }
  return days;
}

function checkDate(d: LocalDate, where: string): void {
  if (!isLocalDate(d)) throw new RangeError(`calendar override ${where}: ${JSON.stringify(d)} is not a date`);
}

function toEntry(o: DayOverride): DayEntry {
  if (o.type === 'holiday') return { type: 'holiday', name: o.name, keys: o.keys ?? keysFromName(o.name) };
  return o;
}

function applyOverrides(
  days: Map<LocalDate, DayEntry>,
  years: Set<number>,
  overrides: CalendarOverrides,
): void {
  const entries = Object.entries(overrides).map(([y, o]) => [Number(y), o] as const);
  for (const [year, override] of entries) {
    const notice = override.notice;
    if (!notice) continue;
    for (const d of [...days.keys()]) if (yearOf(d) === year) days.delete(d);
    for (const block of notice.holidays) {
      checkDate(block.firstDay, `${year} ${block.name}`);
      checkDate(block.lastDay, `${year} ${block.name}`);
      if (compareDates(block.firstDay, block.lastDay) > 0) {
        throw new RangeError(`calendar override ${year} ${block.name}: firstDay is after lastDay`);
      }
      const keys = block.keys ?? keysFromName(block.name);
      for (let d = block.firstDay; compareDates(d, block.lastDay) <= 0; d = addDays(d, 1)) {
        days.set(d, { type: 'holiday', name: block.name, keys });
      }
    }
    for (const w of notice.makeUpWorkdays) {
      checkDate(w.date, `${year} make-up working day`);
      days.set(w.date, w.name === undefined ? { type: 'workday' } : { type: 'workday', name: w.name });
    }
    years.add(year);
  }
  for (const [year, override] of entries) {
    for (const [date, o] of Object.entries(override.days ?? {})) {
      checkDate(date, `${year} day`);
      days.set(date, toEntry(o));
    }
  }
}

function contiguousRange(years: Set<number>): { from: number; to: number } {
  const sorted = [...years].sort((a, b) => a - b);
  const from = sorted[0] ?? 0;
  let to = from;
  while (years.has(to + 1)) to++;
  return { from, to };
}

export function createCalendar(options: CreateCalendarOptions = {}): WorkingDayCalendar {
  const raw = data as unknown as RawData;
  const days = fromPackage(raw);
  const years = new Set<number>(Object.keys(raw.holidays).map(yearOf));
  applyOverrides(days, years, {
    ...(options.overrides ?? CALENDAR_OVERRIDES),
    ...(options.extraYears ?? {}),
  });
  const range = contiguousRange(years);

  const covers = (d: LocalDate): boolean => isLocalDate(d) && years.has(yearOf(d));

  const requireCovered = (d: LocalDate): void => {
    if (!isLocalDate(d)) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(d)}`);
    if (!years.has(yearOf(d))) throw new CalendarCoverageError(yearOf(d), range);
  };

  const isWorkingDay = (d: LocalDate): boolean => {
    requireCovered(d);
    const entry = days.get(d);
    if (entry?.type === 'holiday') return false;
    if (entry?.type === 'workday') return true;
    return !isWeekend(d);
  };

  const step = (d: LocalDate, direction: 1 | -1): LocalDate => {
    let day = d;
    while (!isWorkingDay(day)) day = addDays(day, direction);
    return day;
  };

  const addWorkingDays = (d: LocalDate, n: number): LocalDate => {
    if (!Number.isInteger(n)) throw new RangeError(`addWorkingDays needs an integer, got ${n}`);
    requireCovered(d);
    const direction = n < 0 ? -1 : 1;
    let day = d;
    for (let left = Math.abs(n); left > 0; ) {
      day = addDays(day, direction);
      if (isWorkingDay(day)) left--;
    }
    return day;
  };

  const workingDaysBetween = (a: LocalDate, b: LocalDate): number => {
    const order = compareDates(a, b);
    if (order > 0) return -workingDaysBetween(b, a);
    requireCovered(a);
    let count = 0;
    for (let d = addDays(a, 1); compareDates(d, b) <= 0; d = addDays(d, 1)) if (isWorkingDay(d)) count++;
    return count;
  };

  const majorHolidays = (year: number): MajorHoliday[] => {
    if (!years.has(year)) throw new CalendarCoverageError(year, range);
    const out: MajorHoliday[] = [];
    // A New Year block may start in the previous December; a block belongs to its last day's year.
    const end = `${String(year).padStart(4, '0')}-12-31`;
    let d = addDays(`${String(year).padStart(4, '0')}-01-01`, -7);
    while (compareDates(d, end) <= 0) {
      const entry = days.get(d);
      if (entry?.type !== 'holiday') {
        d = addDays(d, 1);
        continue;
      }
      const firstDay = d;
      const names = new Map<MajorHolidayKey, string>();
      let lastDay = d;
      for (let e = days.get(d); e?.type === 'holiday'; e = days.get(d)) {
        for (const key of e.keys) if (!names.has(key)) names.set(key, e.name);
        lastDay = d;
        d = addDays(d, 1);
      }
      if (yearOf(lastDay) !== year) continue;
      for (const [key, name] of names) out.push({ key, name, firstDay, lastDay });
    }
    return out;
  };

  return {
    coveredYears: () => ({ ...range }),
    covers,
    isWorkingDay,
    holidayName: (d) => {
      if (!covers(d)) return undefined;
      const entry = days.get(d);
      return entry?.type === 'holiday' ? entry.name : undefined;
    },
    previousWorkingDayOnOrBefore: (d) => step(d, -1),
    nextWorkingDayOnOrAfter: (d) => step(d, 1),
    addWorkingDays,
    workingDaysBetween,
    majorHolidays,
  };
}

/** The calendar of the package's data and the built-in overrides. */
export const defaultCalendar: WorkingDayCalendar = createCalendar();

export interface DueDateInput {
  /** The month the wages are for. */
  period: Period;
  /** Agreed day of the month; past the month's end it means the month's last day. */
  payDay: number;
  /** 0: paid in the same month; 1: paid in the following month (wages for October by 15 November). */
  payMonthOffset: number;
}

export interface DueDate {
  /** The agreed date itself. */
  nominal: LocalDate;
  /** When the wages are due: the nominal date, or the nearest working day before it. */
  due: LocalDate;
  warnings: string[];
}

/**
 * When wages for `period` are due (工资支付暂行规定 Art 7; Decree 724 Art 14): on `payDay` of
 * month `period + payMonthOffset`, or, if that is a statutory holiday or rest day, on the
 * nearest working day before it. In a year the calendar does not cover, the search falls back
 * to weekends only and says so in `warnings` instead of throwing or guessing silently.
 */
export function dueDateFor(input: DueDateInput, calendar: WorkingDayCalendar = defaultCalendar): DueDate {
  const { period, payDay, payMonthOffset } = input;
  if (!Number.isInteger(payDay) || payDay < 1 || payDay > 31) {
    throw new RangeError(`payDay must be a day of the month (1-31), got ${payDay}`);
  }
  const nominal = dateInMonth(addMonths(period, payMonthOffset), payDay);
  const uncovered = new Set<number>();
  let due = nominal;
  for (;;) {
    if (calendar.covers(due)) {
      if (calendar.isWorkingDay(due)) break;
    } else {
      uncovered.add(yearOf(due));
      if (!isWeekend(due)) break;
    }
    due = addDays(due, -1);
  }
  const warnings = [...uncovered].map(
    (year) =>
      `holiday calendar does not cover ${year}: due date ${due} (agreed date ${nominal}) assumed from weekends only; ` +
      `add the State Council notice for ${year} to the calendar overrides`,
  );
  return { nominal, due, warnings };
}

/** A project's pay-date terms, as its registration states them. */
export type PayDateTerms = { payDay: number; payMonthOffset: number; startDate: LocalDate };

/** The next pay date of a project: the month it pays, the agreed date and the working day it is due. */
export type NextPayDate = {
  period: Period;
  nominal: LocalDate;
  due: LocalDate;
  movedForward: boolean;
  warnings: string[];
};

/**
 * The first due date on or after `today`, with the month it pays (the public notice board and
 * the inspectors' project page show the same date).
 */
export function nextPayDate(
  today: LocalDate,
  terms: PayDateTerms,
  calendar: WorkingDayCalendar,
): NextPayDate {
  const earliest = addMonths(periodOf(today), -terms.payMonthOffset - 1);
  const start = periodOf(terms.startDate);
  let period = comparePeriods(start, earliest) > 0 ? start : earliest;
  for (;;) {
    const d = dueDateFor({ period, payDay: terms.payDay, payMonthOffset: terms.payMonthOffset }, calendar);
    if (d.due >= today)
      return {
        period,
        nominal: d.nominal,
        due: d.due,
        movedForward: d.due !== d.nominal,
        warnings: d.warnings,
      };
    period = addMonths(period, 1);
  }
}

const MONTH_OF_OFFSET = ['当月', '上月', '上上月'] as const;
const MONTH_OF_OFFSET_EN = ['the same month', 'the previous month', 'the month before last'] as const;

/** '每月15日支付上月工资；遇法定节假日或休息日提前至最近的工作日', and its English. */
export function payDateRule(payDay: number, payMonthOffset: number): { zh: string; en: string } {
  const month = MONTH_OF_OFFSET[payMonthOffset] ?? `${payMonthOffset}个月前`;
  const monthEn = MONTH_OF_OFFSET_EN[payMonthOffset] ?? `${payMonthOffset} months earlier`;
  const day = payDay > 28 ? `${payDay}日（当月无此日的为月末最后一日）` : `${payDay}日`;
  return {
    zh: `每月${day}支付${month}工资；遇法定节假日或休息日提前至最近的工作日`,
    en: `Wages for ${monthEn} are paid on day ${payDay} of each month${payDay > 28 ? ' (or its last day)' : ''}; on a public holiday or rest day, on the nearest working day before it.`,
  };
}
