import { describe, expect, it } from 'vitest';
import {
  CalendarCoverageError,
  type CalendarOverrides,
  createCalendar,
  defaultCalendar,
  dueDateFor,
} from './calendar.ts';

const calendar = defaultCalendar;

/** A fictitious notice for 2027, the year the package does not cover yet. */
const NOTICE_2027: CalendarOverrides = {
  2027: {
    notice: {
      holidays: [
        { name: "New Year's Day", firstDay: '2027-01-01', lastDay: '2027-01-03' },
        { name: '春节', firstDay: '2027-02-06', lastDay: '2027-02-14' },
        {
          keys: ['national-day', 'mid-autumn'],
          name: 'National Day',
          firstDay: '2027-10-01',
          lastDay: '2027-10-08',
        },
      ],
      makeUpWorkdays: [
        { date: '2027-02-20', name: 'Spring Festival' },
        { date: '2027-10-09', name: 'National Day' },
      ],
    },
  },
};

describe('the working-day calendar', () => {
  it('given the package data, when asked its coverage, then 2004 to 2026', () => {
    expect(calendar.coveredYears()).toEqual({ from: 2004, to: 2026 });
    expect(calendar.covers('2026-12-31')).toBe(true);
    expect(calendar.covers('2027-01-01')).toBe(false);
    expect(calendar.covers('2003-12-31')).toBe(false);
  });

  it('given the 2026 Spring Festival, when days are checked, then make-up Saturdays work and the block rests', () => {
    expect(calendar.isWorkingDay('2026-02-13')).toBe(true); // Friday
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true); // Saturday, make-up
    for (const d of ['2026-02-15', '2026-02-16', '2026-02-20', '2026-02-23']) {
      expect(calendar.isWorkingDay(d)).toBe(false);
    }
    expect(calendar.isWorkingDay('2026-02-24')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-28')).toBe(true); // Saturday, make-up
    expect(calendar.isWorkingDay('2026-03-01')).toBe(false); // ordinary Sunday
    expect(calendar.holidayName('2026-02-20')).toBe('Spring Festival');
    expect(calendar.holidayName('2026-02-14')).toBeUndefined();
    expect(calendar.holidayName('2027-02-10')).toBeUndefined();
  });

  it('given a day outside coverage, when checked, then a CalendarCoverageError tells the operator what to add', () => {
    let error: unknown;
    try {
      calendar.isWorkingDay('2027-01-04');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarCoverageError);
    const coverage = error as CalendarCoverageError;
    expect(coverage.code).toBe('CALENDAR_NOT_COVERED');
    expect(coverage.year).toBe(2027);
    expect(coverage.message).toContain('does not cover 2027');
    expect(coverage.message).toContain("State Council's holiday notice for 2027");
    expect(coverage.message).toContain('overrides');
    expect(() => calendar.addWorkingDays('2026-12-30', 5)).toThrow(CalendarCoverageError);
    expect(() => calendar.majorHolidays(2027)).toThrow(CalendarCoverageError);
  });

  it('given National Day 2026, when stepping to working days, then the whole block is skipped', () => {
    expect(calendar.previousWorkingDayOnOrBefore('2026-10-07')).toBe('2026-09-30');
    expect(calendar.nextWorkingDayOnOrAfter('2026-10-01')).toBe('2026-10-08');
    expect(calendar.nextWorkingDayOnOrAfter('2026-09-29')).toBe('2026-09-29');
    expect(calendar.isWorkingDay('2026-09-20')).toBe(true); // Sunday, make-up
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // Saturday, make-up
  });

  it('given a permit date, when 20 working days are added across Mid-Autumn and National Day, then the holidays do not count', () => {
    // Permit Monday 2026-09-21; weekends alone would give 2026-10-19.
    expect(calendar.addWorkingDays('2026-09-21', 20)).toBe('2026-10-26');
    expect(calendar.workingDaysBetween('2026-09-21', '2026-10-26')).toBe(20);
    expect(calendar.workingDaysBetween('2026-10-26', '2026-09-21')).toBe(-20);
    expect(calendar.addWorkingDays('2026-10-26', -20)).toBe('2026-09-21');
  });

  it('given a permit date before the Spring Festival, when 20 working days are added, then the block is skipped', () => {
    // Tue 2026-02-10: 11, 12, 13, 14 (make-up Sat), 24-27, 28 (make-up Sat), March 2-6, 9-13, 16 → 20.
    expect(calendar.addWorkingDays('2026-02-10', 20)).toBe('2026-03-16');
    expect(calendar.addWorkingDays('2026-02-10', 0)).toBe('2026-02-10');
    expect(calendar.addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
    expect(calendar.workingDaysBetween('2026-02-14', '2026-02-24')).toBe(1);
    expect(calendar.workingDaysBetween('2026-02-14', '2026-02-14')).toBe(0);
  });

  it('given 2026, when its major holidays are listed, then each block as the notice declares it', () => {
    expect(calendar.majorHolidays(2026)).toEqual([
      { key: 'new-year', name: "New Year's Day", firstDay: '2026-01-01', lastDay: '2026-01-03' },
      { key: 'spring-festival', name: 'Spring Festival', firstDay: '2026-02-15', lastDay: '2026-02-23' },
      { key: 'qingming', name: 'Tomb-sweeping Day', firstDay: '2026-04-04', lastDay: '2026-04-06' },
      { key: 'labour-day', name: 'Labour Day', firstDay: '2026-05-01', lastDay: '2026-05-05' },
      { key: 'dragon-boat', name: 'Dragon Boat Festival', firstDay: '2026-06-19', lastDay: '2026-06-21' },
      { key: 'mid-autumn', name: 'Mid-autumn Festival', firstDay: '2026-09-25', lastDay: '2026-09-27' },
      { key: 'national-day', name: 'National Day', firstDay: '2026-10-01', lastDay: '2026-10-07' },
    ]);
  });

  it('given 2025, when Mid-Autumn falls inside National Day, then both keys span the merged block', () => {
    const autumn = calendar
      .majorHolidays(2025)
      .filter((h) => h.key === 'national-day' || h.key === 'mid-autumn');
    expect(autumn).toEqual([
      { key: 'national-day', name: 'National Day', firstDay: '2025-10-01', lastDay: '2025-10-08' },
      { key: 'mid-autumn', name: 'Mid-autumn Festival', firstDay: '2025-10-01', lastDay: '2025-10-08' },
    ]);
  });

  it('given a New Year block starting in December, when listed, then it belongs to the new year', () => {
    // 2019 notice: 2018-12-30 to 2019-01-01.
    expect(calendar.majorHolidays(2019)[0]).toEqual({
      key: 'new-year',
      name: "New Year's Day",
      firstDay: '2018-12-30',
      lastDay: '2019-01-01',
    });
    expect(calendar.majorHolidays(2018).some((h) => h.firstDay === '2018-12-30')).toBe(false);
  });
});

describe('due dates of wages', () => {
  it('given pay day 20 inside the Spring Festival block, when due, then the make-up Saturday before it', () => {
    expect(dueDateFor({ period: '2026-01', payDay: 20, payMonthOffset: 1 }, calendar)).toEqual({
      nominal: '2026-02-20',
      due: '2026-02-14',
      warnings: [],
    });
  });

  it('given pay day on the make-up Saturday 2026-02-28, when due, then it stays', () => {
    expect(dueDateFor({ period: '2026-01', payDay: 28, payMonthOffset: 1 }, calendar).due).toBe('2026-02-28');
  });

  it('given pay day 31 in February, when due, then the month’s last day (or the working day before)', () => {
    expect(dueDateFor({ period: '2026-01', payDay: 31, payMonthOffset: 1 }, calendar)).toEqual({
      nominal: '2026-02-28',
      due: '2026-02-28',
      warnings: [],
    });
    expect(dueDateFor({ period: '2024-02', payDay: 31, payMonthOffset: 0 }, calendar).due).toBe('2024-02-29');
    // 2021-02-28 was an ordinary Sunday (Spring Festival make-up days were 02-07 and 02-20).
    expect(dueDateFor({ period: '2021-02', payDay: 31, payMonthOffset: 0 }, calendar).due).toBe('2021-02-26');
  });

  it('given an ordinary Sunday, when due, then the Friday before', () => {
    expect(dueDateFor({ period: '2026-10', payDay: 15, payMonthOffset: 1 }, calendar)).toEqual({
      nominal: '2026-11-15',
      due: '2026-11-13',
      warnings: [],
    });
  });

  it('given pay days in the National Day block 2026, when due, then 30 September', () => {
    for (const payDay of [1, 5, 7]) {
      expect(dueDateFor({ period: '2026-09', payDay, payMonthOffset: 1 }, calendar).due).toBe('2026-09-30');
    }
    expect(dueDateFor({ period: '2026-09', payDay: 8, payMonthOffset: 1 }, calendar).due).toBe('2026-10-08');
    expect(dueDateFor({ period: '2026-09', payDay: 10, payMonthOffset: 1 }, calendar).due).toBe('2026-10-10');
    expect(dueDateFor({ period: '2026-09', payDay: 26, payMonthOffset: 0 }, calendar).due).toBe('2026-09-24');
    expect(dueDateFor({ period: '2026-09', payDay: 20, payMonthOffset: 0 }, calendar).due).toBe('2026-09-20');
  });

  it('given pay day 31 of December 2026, when due, then Thursday 2026-12-31', () => {
    expect(dueDateFor({ period: '2026-12', payDay: 31, payMonthOffset: 0 }, calendar)).toEqual({
      nominal: '2026-12-31',
      due: '2026-12-31',
      warnings: [],
    });
  });

  it('given a due date in 2027, which the calendar does not cover, when due, then weekends only and a warning', () => {
    const result = dueDateFor({ period: '2026-12', payDay: 1, payMonthOffset: 1 }, calendar);
    expect(result.nominal).toBe('2027-01-01');
    expect(result.due).toBe('2027-01-01');
    expect(result.warnings).toEqual([
      'holiday calendar does not cover 2027: due date 2027-01-01 (agreed date 2027-01-01) assumed from weekends only; ' +
        'add the State Council notice for 2027 to the calendar overrides',
    ]);
    const sunday = dueDateFor({ period: '2027-01', payDay: 3, payMonthOffset: 0 }, calendar);
    expect(sunday.due).toBe('2027-01-01');
    expect(sunday.warnings).toHaveLength(1);
  });

  it('given a bad pay day, when due, then a RangeError', () => {
    expect(() => dueDateFor({ period: '2026-01', payDay: 0, payMonthOffset: 0 }, calendar)).toThrow(
      RangeError,
    );
    expect(() => dueDateFor({ period: '2026-01', payDay: 32, payMonthOffset: 0 }, calendar)).toThrow(
      RangeError,
    );
  });
});

describe('calendar overrides', () => {
  it('given a notice for 2027, when added, then 2027 is covered and its holidays count', () => {
    const withNotice = createCalendar({ extraYears: NOTICE_2027 });
    expect(withNotice.coveredYears()).toEqual({ from: 2004, to: 2027 });
    expect(withNotice.isWorkingDay('2027-02-08')).toBe(false);
    expect(withNotice.isWorkingDay('2027-02-20')).toBe(true);
    expect(withNotice.holidayName('2027-02-10')).toBe('春节');
    expect(dueDateFor({ period: '2026-12', payDay: 1, payMonthOffset: 1 }, withNotice)).toEqual({
      nominal: '2027-01-01',
      due: '2026-12-31',
      warnings: [],
    });
    expect(withNotice.majorHolidays(2027)).toEqual([
      { key: 'new-year', name: "New Year's Day", firstDay: '2027-01-01', lastDay: '2027-01-03' },
      { key: 'spring-festival', name: '春节', firstDay: '2027-02-06', lastDay: '2027-02-14' },
      { key: 'national-day', name: 'National Day', firstDay: '2027-10-01', lastDay: '2027-10-08' },
      { key: 'mid-autumn', name: 'National Day', firstDay: '2027-10-01', lastDay: '2027-10-08' },
    ]);
    // The default calendar is untouched.
    expect(defaultCalendar.covers('2027-01-01')).toBe(false);
  });

  it('given a single 2026 day corrected to a holiday, when due, then the day before it', () => {
    const corrected = createCalendar({
      overrides: { 2026: { days: { '2026-11-13': { type: 'holiday', name: 'Local holiday' } } } },
    });
    expect(corrected.isWorkingDay('2026-11-13')).toBe(false);
    expect(corrected.holidayName('2026-11-13')).toBe('Local holiday');
    expect(dueDateFor({ period: '2026-10', payDay: 15, payMonthOffset: 1 }, corrected).due).toBe(
      '2026-11-12',
    );
    expect(corrected.coveredYears()).toEqual({ from: 2004, to: 2026 });
  });

  it('given a make-up Saturday corrected to ordinary, when due, then the Friday before the block', () => {
    const corrected = createCalendar({
      overrides: { 2026: { days: { '2026-02-14': { type: 'ordinary' } } } },
    });
    expect(corrected.isWorkingDay('2026-02-14')).toBe(false);
    expect(dueDateFor({ period: '2026-01', payDay: 20, payMonthOffset: 1 }, corrected).due).toBe(
      '2026-02-13',
    );
  });

  it('given a notice for a year the package has, when added, then it replaces that year', () => {
    const replaced = createCalendar({
      overrides: {
        2026: {
          notice: {
            holidays: [{ name: 'Spring Festival', firstDay: '2026-02-16', lastDay: '2026-02-22' }],
            makeUpWorkdays: [],
          },
        },
      },
    });
    expect(replaced.isWorkingDay('2026-02-23')).toBe(true);
    expect(replaced.isWorkingDay('2026-02-14')).toBe(false);
    expect(replaced.isWorkingDay('2026-10-01')).toBe(true);
    expect(replaced.majorHolidays(2026)).toHaveLength(1);
  });

  it('given an override with an impossible date, when the calendar is built, then it refuses', () => {
    expect(() =>
      createCalendar({ overrides: { 2026: { days: { '2026-02-30': { type: 'ordinary' } } } } }),
    ).toThrow(RangeError);
  });
});
