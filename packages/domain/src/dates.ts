/**
 * Calendar dates and months as the law counts them: in Asia/Shanghai.
 *
 * A `LocalDate` is a plain 'YYYY-MM-DD' string and a `Period` a 'YYYY-MM' string: no time, no
 * zone, comparable as strings. All arithmetic is done on UTC-midnight instants internally, where
 * no DST or offset can shift a day. An instant becomes a calendar date only through
 * `shanghaiDate`, which makes the time zone explicit.
 */

/** A calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;
/** A calendar month, 'YYYY-MM' (the month a payroll covers). */
export type Period = string;

export const TIME_ZONE = 'Asia/Shanghai';

const DAY_MS = 86_400_000;
/**
 * China Standard Time is UTC+8 all year: no daylight saving time since 1991. A fixed offset is
 * therefore exact for every date this system handles, and plain arithmetic on the epoch is both
 * simpler and faster than Intl, whose output also depends on the ICU data the runtime ships.
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PERIOD_RE = /^(\d{4})-(\d{2})$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a real calendar date in 'YYYY-MM-DD' form (2026-02-30 is not). */
export function isLocalDate(s: string): boolean {
  const m = LOCAL_DATE_RE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for 'YYYY-MM' with a month 01-12. */
export function isPeriod(s: string): boolean {
  const m = PERIOD_RE.exec(s);
  if (!m) return false;
  const month = Number(m[2]);
  return month >= 1 && month <= 12;
}

function parts(d: LocalDate): [number, number, number] {
  const m = LOCAL_DATE_RE.exec(d);
  if (!m || !isLocalDate(d)) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(d)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function periodParts(p: Period): [number, number] {
  const m = PERIOD_RE.exec(p);
  if (!m || !isPeriod(p)) throw new RangeError(`not a period (YYYY-MM): ${JSON.stringify(p)}`);
  return [Number(m[1]), Number(m[2])];
}

/** Days since 1970-01-01 for a local date. */
function toEpochDay(d: LocalDate): number {
  const [y, m, day] = parts(d);
  return Date.UTC(y, m - 1, day) / DAY_MS;
}

function fromUtcMs(ms: number): LocalDate {
  const u = new Date(ms);
  return `${pad4(u.getUTCFullYear())}-${pad2(u.getUTCMonth() + 1)}-${pad2(u.getUTCDate())}`;
}

function fromEpochDay(n: number): LocalDate {
  return fromUtcMs(n * DAY_MS);
}

/** The calendar date of an instant in Asia/Shanghai (UTC+8, see SHANGHAI_OFFSET_MS). */
export function shanghaiDate(instant: Date): LocalDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return fromUtcMs(ms + SHANGHAI_OFFSET_MS);
}

/** The instant of 00:00 +08:00 on that date. */
export function startOfShanghaiDay(d: LocalDate): Date {
  return new Date(toEpochDay(d) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** The instant of the next day's 00:00 +08:00: the exclusive end of that date. */
export function endOfShanghaiDay(d: LocalDate): Date {
  return new Date((toEpochDay(d) + 1) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(d: LocalDate): number {
  // 1970-01-01 was a Thursday (4).
  return (((toEpochDay(d) + 4) % 7) + 7) % 7;
}

/** Saturday or Sunday. */
export function isWeekend(d: LocalDate): boolean {
  const w = dayOfWeek(d);
  return w === 0 || w === 6;
}

export function addDays(d: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`addDays needs an integer, got ${n}`);
  return fromEpochDay(toEpochDay(d) + n);
}

/** Negative if a is before b, 0 if equal, positive if after. */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return Math.sign(toEpochDay(a) - toEpochDay(b));
}

/** Number of days from a to b (b − a): daysBetween('2026-01-01', '2026-01-31') = 30. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

export function minDate(first: LocalDate, ...rest: LocalDate[]): LocalDate {
  return rest.reduce((acc, d) => (compareDates(d, acc) < 0 ? d : acc), first);
}

export function maxDate(first: LocalDate, ...rest: LocalDate[]): LocalDate {
  return rest.reduce((acc, d) => (compareDates(d, acc) > 0 ? d : acc), first);
}

/** The year of a date or period. */
export function yearOf(d: LocalDate | Period): number {
  return Number(d.slice(0, 4));
}

export function periodOf(d: LocalDate): Period {
  const [y, m] = parts(d);
  return `${pad4(y)}-${pad2(m)}`;
}

export function addMonths(p: Period, n: number): Period {
  if (!Number.isInteger(n)) throw new RangeError(`addMonths needs an integer, got ${n}`);
  const [y, m] = periodParts(p);
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${pad4(year)}-${pad2(month)}`;
}

export function firstDayOf(p: Period): LocalDate {
  periodParts(p);
  return `${p}-01`;
}

export function lastDayOf(p: Period): LocalDate {
  const [y, m] = periodParts(p);
  return `${p}-${pad2(daysInMonth(y, m))}`;
}

/** Negative if a is before b, 0 if equal, positive if after. */
export function comparePeriods(a: Period, b: Period): number {
  const [ay, am] = periodParts(a);
  const [by, bm] = periodParts(b);
  const diff = ay * 12 + am - (by * 12 + bm);
  return diff === 0 ? 0 : diff < 0 ? -1 : 1;
}

/** Every period from a to b, both included; empty when b is before a. */
export function periodsBetween(a: Period, b: Period): Period[] {
  const out: Period[] = [];
  for (let p = a; comparePeriods(p, b) <= 0; p = addMonths(p, 1)) out.push(p);
  return out;
}

/** Day `day` of month p, clamped to the month's last day (31 in February → 28 or 29). */
export function dateInMonth(p: Period, day: number): LocalDate {
  if (!Number.isInteger(day) || day < 1) throw new RangeError(`day must be an integer ≥ 1, got ${day}`);
  const [y, m] = periodParts(p);
  return `${p}-${pad2(Math.min(day, daysInMonth(y, m)))}`;
}

const INSTANT_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/i;

/**
 * An ISO 8601 instant with an explicit offset or Z ('2026-11-15T10:00:00+08:00'). Without an
 * offset the string names no instant (its zone would be guessed), so it yields undefined, as
 * does any malformed or impossible value.
 */
export function parseInstant(s: string): Date | undefined {
  const m = INSTANT_RE.exec(s.trim());
  if (!m) return undefined;
  const [, date, hh, mi, ss, frac, zone, oh, om] = m;
  if (!date || !isLocalDate(date)) return undefined;
  const hour = Number(hh);
  const minute = Number(mi);
  const second = ss === undefined ? 0 : Number(ss);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const h = Number(oh);
    const mm = Number(om);
    if (h > 23 || mm > 59) return undefined;
    offsetMin = (h * 60 + mm) * (zone.startsWith('-') ? -1 : 1);
  }
  const ms = frac === undefined ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  const epoch = toEpochDay(date) * DAY_MS + ((hour * 60 + minute - offsetMin) * 60 + second) * 1000 + ms;
  return new Date(epoch);
}
