import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { WITH_FICTITIOUS_2027 } from '../calendar-fixtures.ts';
import { winterCampaign } from '../campaigns/index.ts';
import { lastEndedPeriod, reportPeriod, WINTER_PERIOD, winterReportPeriod } from './period.ts';

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

describe('a winter campaign as a report period', () => {
  it('given the 2026-27 campaign: from 1 November to the eve of the 2027 Spring Festival, inclusive', () => {
    const p = winterReportPeriod(winterCampaign('2026-12-07', WITH_FICTITIOUS_2027));
    expect(p).toMatchObject({
      key: 'winter-2026-27',
      kind: 'winter',
      label: '2026—2027年度冬季根治欠薪专项行动',
      firstDay: '2026-11-01',
      nextDay: '2027-02-06',
      from: new Date('2026-10-31T16:00:00Z'),
      to: new Date('2027-02-05T16:00:00Z'),
    });
    expect(WINTER_PERIOD.exec('winter-2026-27')?.[1]).toBe('2026');
    expect(WINTER_PERIOD.test('winter-2026')).toBe(false);
  });

  it('given the 2025-26 campaign, asked after its end: to the eve of 14 February 2026', () => {
    expect(winterReportPeriod(winterCampaign('2025-11-01', defaultCalendar))).toMatchObject({
      key: 'winter-2025-26',
      nextDay: '2026-02-15',
      to: new Date('2026-02-14T16:00:00Z'),
    });
  });

  it('given a campaign whose end the calendar cannot place: no period', () => {
    expect(winterReportPeriod(winterCampaign('2026-12-07', defaultCalendar))).toBeUndefined();
    expect(winterReportPeriod({ active: false, warnings: ['unknown'] })).toBeUndefined();
  });
});
