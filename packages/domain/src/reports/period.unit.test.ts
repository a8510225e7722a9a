import { describe, expect, it } from 'vitest';
import { lastEndedPeriod, reportPeriod } from './period.ts';

describe('a bulletin period', () => {
  it('given a month: from its first day to the next month’s, midnight in Shanghai', () => {
    expect(reportPeriod('2026-11')).toMatchObject({
      kind: 'month',
      label: '2026年11月',
      firstDay: '2026-11-01',
      nextDay: '2026-12-01',
      from: new Date('2026-10-31T16:00:00Z'),
      to: new Date('2026-11-30T16:00:00Z'),
    });
  });

  it('given a quarter: three months, across the year end for Q4', () => {
    expect(reportPeriod('2026-Q4')).toMatchObject({
      kind: 'quarter',
      label: '2026年第四季度',
      firstDay: '2026-10-01',
      nextDay: '2027-01-01',
    });
    expect(reportPeriod('2027-Q1')?.nextDay).toBe('2027-04-01');
  });

  it('given anything else: none', () => {
    for (const k of ['2026-13', '2026-Q5', '2026-1', 'Q4', '']) expect(reportPeriod(k), k).toBeUndefined();
  });

  it('given today: the last month and the last quarter that have ended', () => {
    expect(lastEndedPeriod('month', '2026-12-06')).toBe('2026-11');
    expect(lastEndedPeriod('quarter', '2026-12-06')).toBe('2026-Q3');
    expect(lastEndedPeriod('quarter', '2027-01-02')).toBe('2026-Q4');
    expect(lastEndedPeriod('month', '2027-01-31')).toBe('2026-12');
  });
});
