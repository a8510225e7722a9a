import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { WITH_FICTITIOUS_2027 } from '../calendar-fixtures.ts';
import {
  DEFAULT_CAMPAIGN_CONFIG,
  holidayAuditReason,
  holidayAuditsDue,
  isoWeekOf,
  quarterEnd,
  raiseSeverity,
  winterCampaign,
  winterProgressDue,
  winterSeverity,
  withLabourDay,
} from './index.ts';

const cal = defaultCalendar; // covers 2004-2026

describe('holiday-period audits', () => {
  it('given National Day 2026 (1-7 October), when it is 5 working days before, then its audit is due', () => {
    // 2026-09-25..27 is Mid-Autumn; the 5th working day before 1 October is 2026-09-23.
    const { due } = holidayAuditsDue('2026-09-24', cal);
    expect(due.map((d) => d.key)).toEqual([
      'holiday-audit:mid-autumn:2026',
      'holiday-audit:national-day:2026',
    ]);
    const nd = due.find((d) => d.key === 'holiday-audit:national-day:2026')!;
    expect(nd.firstDay).toBe('2026-10-01');
    expect(cal.isWorkingDay(nd.auditOn)).toBe(true);
    expect(cal.workingDaysBetween(nd.auditOn, '2026-09-30')).toBe(4); // the 5th working day before
  });

  it('given a day before the window, then nothing is due; given the holiday has begun, then it is no longer due', () => {
    expect(holidayAuditsDue('2026-09-10', cal).due).toEqual([]);
    expect(holidayAuditsDue('2026-10-01', cal).due).toEqual([]);
  });

  it('given a merged Mid-Autumn + National Day block (2025), then one audit with both keys', () => {
    const { due } = holidayAuditsDue('2025-09-29', cal);
    expect(due.map((d) => d.key)).toEqual(['holiday-audit:national-day+mid-autumn:2025']);
  });

  it('given Labour Day, then audited only when configured', () => {
    expect(holidayAuditsDue('2026-04-29', cal).due).toEqual([]);
    const { due } = holidayAuditsDue('2026-04-29', cal, withLabourDay());
    expect(due.map((d) => d.key)).toEqual(['holiday-audit:labour-day:2026']);
  });

  it('given a configurable number of working days, then the window moves', () => {
    const config = {
      ...DEFAULT_CAMPAIGN_CONFIG,
      holidayAudit: { ...DEFAULT_CAMPAIGN_CONFIG.holidayAudit, workingDaysBefore: 1 },
    };
    expect(holidayAuditsDue('2026-09-28', cal, config).due.map((d) => d.key)).toEqual([]);
    expect(holidayAuditsDue('2026-09-30', cal, config).due.map((d) => d.key)).toEqual([
      'holiday-audit:national-day:2026',
    ]);
  });

  it('given the Spring Festival early in January (2025-01-28), when it is late January, then its audit is due', () => {
    expect(holidayAuditsDue('2025-01-22', cal).due.map((d) => d.key)).toEqual([
      'holiday-audit:spring-festival:2025',
    ]);
  });

  it('lists projects for wage findings, balance-short and deposit problems only', () => {
    expect(holidayAuditReason('wages-missed')).toBe('wages');
    expect(holidayAuditReason('arrears-growing')).toBe('wages');
    expect(holidayAuditReason('balance-short')).toBe('balance-short');
    expect(holidayAuditReason('deposit-short')).toBe('deposit');
    expect(holidayAuditReason('payroll-missing')).toBeUndefined();
  });
});

describe('winter campaign', () => {
  it('given 2025-11-01 to the eve of the Spring Festival 2026 (14 February), then active, and inactive the day after', () => {
    expect(winterCampaign('2025-10-31', cal).active).toBe(false);
    const w = winterCampaign('2025-11-01', cal);
    expect(w).toMatchObject({ active: true, season: '2025-26', start: '2025-11-01', eve: '2026-02-14' });
    expect(winterCampaign('2026-02-14', cal).active).toBe(true);
    expect(winterCampaign('2026-02-15', cal).active).toBe(false);
  });

  it('given a season the calendar cannot end (2026-27 without 2027 data), then inactive with a warning', () => {
    const w = winterCampaign('2026-11-29', cal);
    expect(w.active).toBe(false);
    expect(w.warnings[0]).toMatch(/2027/);
  });

  it('given a calendar with the 2027 notice, then the 2026-27 season ends on its eve', () => {
    expect(winterCampaign('2026-11-29', WITH_FICTITIOUS_2027)).toMatchObject({
      active: true,
      eve: '2027-02-05',
    });
  });

  it('given a configured start, then the campaign starts then', () => {
    const config = { ...DEFAULT_CAMPAIGN_CONFIG, winter: { startMonthDay: '11-15' } };
    expect(winterCampaign('2025-11-10', cal, config).active).toBe(false);
    expect(winterCampaign('2025-11-15', cal, config).active).toBe(true);
  });

  it('raises wage findings one step while active: low→medium→high→critical', () => {
    expect(raiseSeverity('low')).toBe('medium');
    expect(raiseSeverity('medium')).toBe('high');
    expect(raiseSeverity('high')).toBe('critical');
    expect(raiseSeverity('critical')).toBe('critical');
    expect(winterSeverity('wages-missed', 'high', true)).toBe('critical');
    expect(winterSeverity('wages-missed', 'high', false)).toBe('high');
    expect(winterSeverity('deposit-short', 'medium', true)).toBe('medium');
  });

  it('gives one weekly progress occurrence per ISO week while active', () => {
    expect(isoWeekOf('2026-11-29')).toBe('2026-W48');
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(winterProgressDue('2025-12-03', cal)?.key).toBe('winter-progress:2025-26:2025-W49');
    expect(winterProgressDue('2025-10-03', cal)).toBeUndefined();
  });
});

describe('quarterly screening', () => {
  it('given a quarter has ended, then its screening is due for a 10-day window, and nothing outside it', () => {
    expect(quarterEnd('2026-09-30')).toBeUndefined();
    expect(quarterEnd('2026-10-01')).toMatchObject({
      key: 'screening:2026-Q3',
      firstDay: '2026-07-01',
      lastDay: '2026-09-30',
    });
    expect(quarterEnd('2026-10-10')?.key).toBe('screening:2026-Q3');
    expect(quarterEnd('2026-10-11')).toBeUndefined();
    expect(quarterEnd('2027-01-05')).toMatchObject({ key: 'screening:2026-Q4', lastDay: '2026-12-31' });
    expect(quarterEnd('2026-04-01')?.lastDay).toBe('2026-03-31');
    expect(quarterEnd('2026-07-03', 2)).toBeUndefined();
  });
});
