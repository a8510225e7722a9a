import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  compareDates,
  comparePeriods,
  dateInMonth,
  dayOfWeek,
  daysBetween,
  endOfShanghaiDay,
  firstDayOf,
  isLocalDate,
  isPeriod,
  lastDayOf,
  maxDate,
  minDate,
  parseInstant,
  periodOf,
  periodsBetween,
  shanghaiDate,
  startOfShanghaiDay,
  TIME_ZONE,
} from './dates.ts';

describe('local dates and periods', () => {
  it('given strings, when checked as dates, then only real calendar dates pass', () => {
    expect(isLocalDate('2026-02-28')).toBe(true);
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-02-30')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-1-1')).toBe(false);
    expect(isLocalDate('2026-01-01T00:00')).toBe(false);
    expect(isLocalDate('')).toBe(false);
  });

  it('given strings, when checked as periods, then YYYY-MM with month 01-12 passes', () => {
    expect(isPeriod('2026-01')).toBe(true);
    expect(isPeriod('2026-12')).toBe(true);
    expect(isPeriod('2026-00')).toBe(false);
    expect(isPeriod('2026-13')).toBe(false);
    expect(isPeriod('2026-1')).toBe(false);
    expect(isPeriod('2026-01-01')).toBe(false);
  });

  it('given a date, when days are added, then months and years roll over', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-01-15', 0)).toBe('2026-01-15');
    expect(addDays('2026-01-01', 365)).toBe('2027-01-01');
  });

  it('given two dates, when compared, then order and distance follow the calendar', () => {
    expect(compareDates('2026-01-02', '2026-01-10')).toBe(-1);
    expect(compareDates('2026-01-10', '2026-01-10')).toBe(0);
    expect(compareDates('2027-01-01', '2026-12-31')).toBe(1);
    expect(daysBetween('2026-01-01', '2026-01-31')).toBe(30);
    expect(daysBetween('2026-03-01', '2026-02-01')).toBe(-28);
    expect(minDate('2026-05-01', '2026-01-09', '2026-03-03')).toBe('2026-01-09');
    expect(maxDate('2026-05-01', '2026-01-09', '2026-03-03')).toBe('2026-05-01');
    expect(dayOfWeek('2026-11-15')).toBe(0);
    expect(dayOfWeek('2026-02-14')).toBe(6);
  });

  it('given periods, when shifted and bounded, then months and years roll over', () => {
    expect(periodOf('2026-11-15')).toBe('2026-11');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-01', -13)).toBe('2024-12');
    expect(addMonths('2026-05', 24)).toBe('2028-05');
    expect(firstDayOf('2026-02')).toBe('2026-02-01');
    expect(lastDayOf('2026-02')).toBe('2026-02-28');
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
    expect(lastDayOf('2026-04')).toBe('2026-04-30');
    expect(comparePeriods('2026-02', '2026-10')).toBe(-1);
    expect(comparePeriods('2027-01', '2026-12')).toBe(1);
    expect(comparePeriods('2026-01', '2026-01')).toBe(0);
    expect(periodsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(periodsBetween('2026-02', '2026-02')).toEqual(['2026-02']);
    expect(periodsBetween('2026-03', '2026-02')).toEqual([]);
  });

  it('given a pay day past the end of a month, when placed in the month, then it is the last day', () => {
    expect(dateInMonth('2026-02', 31)).toBe('2026-02-28');
    expect(dateInMonth('2028-02', 30)).toBe('2028-02-29');
    expect(dateInMonth('2026-04', 31)).toBe('2026-04-30');
    expect(dateInMonth('2026-11', 15)).toBe('2026-11-15');
    expect(() => dateInMonth('2026-11', 0)).toThrow(RangeError);
  });

  it('given invalid input, when used in arithmetic, then it throws rather than guessing', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addMonths('2026-13', 1)).toThrow(RangeError);
    expect(() => addDays('2026-01-01', 1.5)).toThrow(RangeError);
  });
});

describe('instants in Asia/Shanghai', () => {
  it('names its time zone', () => {
    expect(TIME_ZONE).toBe('Asia/Shanghai');
  });

  it('given an instant late in the UTC evening, when dated, then it is already the next day in Shanghai', () => {
    expect(shanghaiDate(new Date('2026-01-31T16:00:00Z'))).toBe('2026-02-01');
    expect(shanghaiDate(new Date('2026-01-31T15:59:59.999Z'))).toBe('2026-01-31');
    expect(shanghaiDate(new Date('2026-12-31T23:30:00+08:00'))).toBe('2026-12-31');
  });

  it('given a date, when bounded, then the day runs from 00:00 +08:00 to the next 00:00 +08:00', () => {
    expect(startOfShanghaiDay('2026-11-15').toISOString()).toBe('2026-11-14T16:00:00.000Z');
    expect(endOfShanghaiDay('2026-11-15').toISOString()).toBe('2026-11-15T16:00:00.000Z');
    expect(endOfShanghaiDay('2026-12-31').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(shanghaiDate(startOfShanghaiDay('2026-11-15'))).toBe('2026-11-15');
    expect(shanghaiDate(new Date(endOfShanghaiDay('2026-11-15').getTime() - 1))).toBe('2026-11-15');
  });

  it('given ISO strings, when parsed, then only those with an explicit offset or Z name an instant', () => {
    expect(parseInstant('2026-11-15T10:00:00+08:00')?.toISOString()).toBe('2026-11-15T02:00:00.000Z');
    expect(parseInstant('2026-11-15T02:00:00Z')?.toISOString()).toBe('2026-11-15T02:00:00.000Z');
    expect(parseInstant('2026-11-15T02:00:00.250Z')?.toISOString()).toBe('2026-11-15T02:00:00.250Z');
    expect(parseInstant('2026-11-15T10:00+0800')?.toISOString()).toBe('2026-11-15T02:00:00.000Z');
    expect(parseInstant('2026-11-14T21:00:00-05:00')?.toISOString()).toBe('2026-11-15T02:00:00.000Z');
    expect(parseInstant('2026-11-15T10:00:00')).toBeUndefined();
    expect(parseInstant('2026-11-15')).toBeUndefined();
    expect(parseInstant('2026-02-30T10:00:00Z')).toBeUndefined();
    expect(parseInstant('2026-11-15T25:00:00Z')).toBeUndefined();
    expect(parseInstant('not a date')).toBeUndefined();
  });
});
