import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { addDays, type LocalDate } from '../dates.ts';
import { nextEvaluationAt } from './next-evaluation.ts';
import { evaluateProject, type PayDateOutlook } from './rules.ts';
import { at, given, LI, line, WANG } from './testing.ts';

const OWNER = { name: '某某城市建设投资有限公司', creditCode: '91510400MA0000001X' };

/**
 * A project whose months exercise every time-based rule: March paid in full on time, April paid
 * short and late, May's sheet missing, statements missing around a holiday, the owner's credits
 * irregular (a gap, then a credit booked a day ahead of when it arrives), payments before rule 8's
 * window and inside it.
 */
const state = () => {
  const g = given({ owner: OWNER })
    .workers(LI, WANG)
    .credit('20000.00', at('2026-03-05 10:00'))
    .sheet('2026-03', [line(LI, '5200.00'), line(WANG, '4800.00')])
    .paid(LI, '5200.00', at('2026-04-14 10:00'))
    .paid(WANG, '4800.00', at('2026-04-14 10:30'))
    .sheet('2026-04', [line(LI, '5200.00'), line(WANG, '4800.00')])
    .paid(LI, '3000.00', at('2026-05-15 16:00'))
    .paid(WANG, '4800.00', at('2026-05-19 11:00'))
    .credit('30000.00', at('2026-05-20 15:30'));
  for (let d: LocalDate = '2026-03-01'; d <= '2026-06-20'; d = addDays(d, 1))
    if (d < '2026-05-01' || d > '2026-05-05') g.statement(d);
  return g.build();
};

const STATE = state();
const evaluate = (asOf: Date) => {
  const outlooks: PayDateOutlook[] = [];
  const findings = evaluateProject(STATE, asOf, defaultCalendar, undefined, {
    payDate: (o) => outlooks.push(o),
  });
  return { findings, outlooks };
};

describe('nextEvaluationAt: no instant before it changes a project’s evaluation', () => {
  it('is the end of the Shanghai day, or the next transfer booked before then', () => {
    const s = state();
    expect(nextEvaluationAt(s, at('2026-05-10 09:00'))).toEqual(at('2026-05-11 00:00'));
    expect(nextEvaluationAt(s, at('2026-05-15 09:00'))).toEqual(at('2026-05-15 16:00'));
    expect(nextEvaluationAt(s, at('2026-05-15 16:00'))).toEqual(at('2026-05-16 00:00'));
    expect(nextEvaluationAt(s, at('2026-05-31 23:59'))).toEqual(at('2026-06-01 00:00'));
  });

  it('every 7 hours from March to June: the evaluation just before the next instant equals the one at the start', () => {
    let checked = 0;
    let changedAtNext = 0;
    for (let t = at('2026-03-01 01:00').getTime(); t < at('2026-06-25 00:00').getTime(); t += 7 * 3_600_000) {
      const asOf = new Date(t);
      const next = nextEvaluationAt(STATE, asOf);
      expect(next.getTime()).toBeGreaterThan(t);
      const here = evaluate(asOf);
      const middle = new Date(t + Math.floor((next.getTime() - t) / 2));
      expect(evaluate(middle), `${asOf.toISOString()} → ${middle.toISOString()}`).toEqual(here);
      expect(
        evaluate(new Date(next.getTime() - 1)),
        `${asOf.toISOString()} → just before ${next.toISOString()}`,
      ).toEqual(here);
      const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
      if (json(evaluate(next)) !== json(here)) changedAtNext++;
      checked++;
    }
    expect(checked).toBeGreaterThan(380);
    // The scenario does change over time (the check is not vacuous).
    expect(changedAtNext).toBeGreaterThan(10);
  });
});
