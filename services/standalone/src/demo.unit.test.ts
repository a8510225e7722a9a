import { defaultCalendar, holidayAuditsDue, quarterEnd, shanghaiDate } from '@wagewatch/domain';
import { describe, expect, it } from 'vitest';
import { demoHistorySweeps, demoMonths } from './demo.ts';

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe('the demo city lives in the present', () => {
  it('covers three whole months whose feeds are over before the day it is loaded', () => {
    expect(demoMonths('2026-11-29')).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(demoMonths('2026-12-02')).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(demoMonths('2026-12-31')).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(demoMonths('2027-03-01')).toEqual(['2026-11', '2026-12', '2027-01']);
  });

  it('loaded on 2026-11-29 it is swept on 09-24 (holiday audits) and 10-09 (Q3 screening)', () => {
    expect(iso(demoHistorySweeps(new Date('2026-11-29T10:00:00+08:00')))).toEqual([
      '2026-09-24T02:00:00.000Z',
      '2026-10-09T02:00:00.000Z',
    ]);
  });

  it.each([
    '2026-07-15T10:00:00+08:00',
    '2026-12-15T10:00:00+08:00',
    '2027-03-01T10:00:00+08:00',
    '2027-11-30T10:00:00+08:00',
  ])('loaded at %s, a sweep falls inside every campaign window of its months, all before now', (at) => {
    const now = new Date(at);
    const sweeps = demoHistorySweeps(now);
    expect(sweeps.length).toBeGreaterThanOrEqual(2);
    for (const s of sweeps) expect(s.getTime()).toBeLessThan(now.getTime());
    const swept = new Set(sweeps.map((s) => shanghaiDate(s)));
    const first = `${demoMonths(shanghaiDate(now))[0]}-01`;
    const windows = new Map<string, string[]>();
    for (
      let t = new Date(`${first}T12:00:00+08:00`);
      shanghaiDate(t) < shanghaiDate(now);
      t = new Date(t.getTime() + 86_400_000)
    ) {
      const d = shanghaiDate(t);
      const keys = holidayAuditsDue(d, defaultCalendar).due.map((o) => o.key);
      const q = quarterEnd(d);
      if (q) keys.push(q.key);
      for (const k of keys) windows.set(k, [...(windows.get(k) ?? []), d]);
    }
    for (const [key, days] of windows)
      expect(
        days.some((d) => swept.has(d)),
        key,
      ).toBe(true);
  });
});
