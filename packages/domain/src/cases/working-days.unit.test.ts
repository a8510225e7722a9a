import { describe, expect, it } from 'vitest';
import { createCalendar, defaultCalendar } from '../calendar.ts';
import { holidayAuditsDue } from '../campaigns/index.ts';
import { lastWorkingDayBefore, workingDaysAfter } from './working-days.ts';

/*
 * The 2026 stretch: Sunday 09-20 worked (make-up), 09-25..27 Mid-Autumn, 10-01..07 National Day,
 * Saturday 10-10 worked (make-up). The data is the State Council's 2026 notice.
 */
describe('N working days, from the day after the starting day', () => {
  it('given the calendar data, the stretch is as the 2026 notice says', () => {
    expect(defaultCalendar.isWorkingDay('2026-09-20')).toBe(true);
    for (const d of ['2026-09-25', '2026-09-26', '2026-09-27'])
      expect(defaultCalendar.isWorkingDay(d)).toBe(false);
    for (let i = 1; i <= 7; i++) expect(defaultCalendar.isWorkingDay(`2026-10-0${i}`)).toBe(false);
    expect(defaultCalendar.isWorkingDay('2026-10-10')).toBe(true);
  });

  it('given 2026-09-22: 10 working days is 2026-10-13, 5 is 2026-09-30, 0 is the day itself', () => {
    expect(workingDaysAfter(defaultCalendar, '2026-09-22', 10)).toEqual({ dueOn: '2026-10-13' });
    expect(workingDaysAfter(defaultCalendar, '2026-09-22', 5)).toEqual({ dueOn: '2026-09-30' });
    expect(workingDaysAfter(defaultCalendar, '2026-09-22', 0)).toEqual({ dueOn: '2026-09-22' });
  });

  it('given a start inside the block (2026-10-01): counted from 10-08, the make-up Saturday included', () => {
    expect(workingDaysAfter(defaultCalendar, '2026-10-01', 3)).toEqual({ dueOn: '2026-10-10' });
    expect(workingDaysAfter(defaultCalendar, '2026-10-01', 10)).toEqual({ dueOn: '2026-10-20' });
  });

  it('given the make-up Sunday 2026-09-19 start: 09-20 counts as the first working day', () => {
    expect(workingDaysAfter(defaultCalendar, '2026-09-19', 1)).toEqual({ dueOn: '2026-09-20' });
  });

  it('given a count into a year the calendar lacks: an estimate in calendar days, with a warning', () => {
    const calendar = createCalendar({ overrides: {} }); // the package data: 2004–2026
    const r = workingDaysAfter(calendar, '2026-12-28', 10);
    expect(r.dueOn).toBe('2027-01-11'); // 14 calendar days
    expect(r.warning).toContain('does not cover 2027');
    expect(r.warning).toContain('estimate');
  });

  it('the last working day before a block: 2026-09-24 before Mid-Autumn, 2026-09-30 before National Day', () => {
    expect(lastWorkingDayBefore(defaultCalendar, '2026-09-25')).toEqual({ dueOn: '2026-09-24' });
    expect(lastWorkingDayBefore(defaultCalendar, '2026-10-01')).toEqual({ dueOn: '2026-09-30' });
    const r = lastWorkingDayBefore(createCalendar({ overrides: {} }), '2027-01-01');
    expect(r).toMatchObject({ dueOn: '2026-12-31' });
    const beyond = lastWorkingDayBefore(createCalendar({ overrides: {} }), '2027-02-01');
    expect(beyond.warning).toContain('does not cover 2027');
  });

  it('audit lead times count back on working days: Mid-Autumn on the make-up Sunday 09-20, National Day on 09-23', () => {
    // Before 09-25: 09-24, 23, 22, 21, 20 (Sunday, worked). Before 10-01: 09-30, 29, 28, (25-27 off), 24, 23.
    const { due } = holidayAuditsDue('2026-09-24', defaultCalendar);
    expect(due.map((d) => `${d.key}@${d.auditOn}`)).toEqual([
      'holiday-audit:mid-autumn:2026@2026-09-20',
      'holiday-audit:national-day:2026@2026-09-23',
    ]);
  });
});
