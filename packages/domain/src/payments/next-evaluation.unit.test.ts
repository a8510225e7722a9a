import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { addDays, type LocalDate } from '../dates.ts';
import type { ProjectState } from './model.ts';
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
const irregular = (statementsThrough: LocalDate = '2026-06-20'): ProjectState => {
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
  for (let d: LocalDate = '2026-03-01'; d <= statementsThrough; d = addDays(d, 1))
    if (d < '2026-05-01' || d > '2026-05-05') g.statement(d);
  return g.build();
};

/**
 * A project in good order: paid on the 5th of the same month, the owner's credit every 20 days,
 * statements received the same evening (dated today: they become rule 8's latest at midnight),
 * one unsigned line, a short balance before one pay date.
 */
const orderly = (): ProjectState => {
  const g = given({ owner: OWNER, payDay: 5, payMonthOffset: 0, allocationCycleDays: 20 }).workers(LI, WANG);
  let credit: LocalDate = '2026-03-02';
  for (const [period, payOn] of [
    ['2026-03', '2026-03-05'],
    ['2026-04', '2026-04-03'],
    ['2026-05', '2026-05-06'],
  ] as const) {
    g.sheet(
      period,
      [line(LI, '6000.00'), line(WANG, '5000.00', period !== '2026-04')],
      at(`${period}-01 09:00`),
    );
    g.paid(LI, '6000.00', at(`${payOn} 09:30`)).paid(WANG, '5000.00', at(`${payOn} 09:40`));
  }
  for (; credit <= '2026-06-10'; credit = addDays(credit, 20))
    g.credit(credit === '2026-04-21' ? '1000.00' : '25000.00', at(`${credit} 11:00`));
  for (let d: LocalDate = '2026-03-01'; d <= '2026-06-10'; d = addDays(d, 1))
    g.statement(d, { receivedAt: at(`${d} 22:30`) });
  return g.build();
};

const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

function evaluate(state: ProjectState, asOf: Date) {
  const outlooks: PayDateOutlook[] = [];
  const changes: Date[] = [];
  const findings = evaluateProject(state, asOf, defaultCalendar, undefined, {
    payDate: (o) => outlooks.push(o),
    changesAt: (d) => changes.push(d),
  });
  return { answer: { findings, outlooks }, next: nextEvaluationAt(state, asOf, changes) };
}

describe('nextEvaluationAt: no instant before it changes a project’s evaluation', () => {
  it('is the nearest instant the rules compare with, or the next transfer booked', () => {
    const s = irregular();
    // 26 May, statements received through the 24th: no pay date, statement deadline or rule 8
    // window before June begins…
    expect(evaluate(irregular('2026-05-24'), at('2026-05-26 09:00')).next).toEqual(at('2026-06-01 00:00'));
    // …inside rule 8's window before 15 May, with statements dated ahead, the end of the day.
    expect(evaluate(s, at('2026-05-10 09:00')).next).toEqual(at('2026-05-11 00:00'));
    // …the transfer booked at 16:00 on the 15th is nearer than the end of that day (the pay date).
    expect(evaluate(s, at('2026-05-15 09:00')).next).toEqual(at('2026-05-15 16:00'));
    expect(evaluate(s, at('2026-05-15 16:00')).next).toEqual(at('2026-05-16 00:00'));
    expect(evaluate(s, at('2026-05-31 23:59')).next).toEqual(at('2026-06-01 00:00'));
    // Without the evaluation's instants: the end of the Shanghai day.
    expect(
      nextEvaluationAt({ transfers: [], outsidePayments: [] }, at('2026-05-10 09:00'), undefined),
    ).toEqual(at('2026-05-11 00:00'));
  });

  for (const [name, build, from, to] of [
    ['an irregular project', () => irregular(), '2026-03-01 01:00', '2026-06-25 00:00'],
    ['an orderly project', orderly, '2026-02-27 05:00', '2026-06-20 00:00'],
  ] as const) {
    it(`${name}, every 7 hours over four months: the answer just before the next instant equals the one at the start`, () => {
      const state = build();
      let checked = 0;
      let changedAtNext = 0;
      let daysSkipped = 0;
      for (let t = at(from).getTime(); t < at(to).getTime(); t += 7 * 3_600_000) {
        const asOf = new Date(t);
        const { answer, next } = evaluate(state, asOf);
        expect(next.getTime()).toBeGreaterThan(t);
        const middle = new Date(t + Math.floor((next.getTime() - t) / 2));
        expect(json(evaluate(state, middle).answer), `${asOf.toISOString()} → ${middle.toISOString()}`).toBe(
          json(answer),
        );
        expect(
          json(evaluate(state, new Date(next.getTime() - 1)).answer),
          `${asOf.toISOString()} → just before ${next.toISOString()}`,
        ).toBe(json(answer));
        if (json(evaluate(state, next).answer) !== json(answer)) changedAtNext++;
        if (next.getTime() - t > 86_400_000) daysSkipped++;
        checked++;
      }
      expect(checked).toBeGreaterThan(380);
      // The scenario does change over time (the check is not vacuous)…
      expect(changedAtNext).toBeGreaterThan(10);
      // …and the index is finer than "every Shanghai day".
      expect(daysSkipped).toBeGreaterThan(20);
    });
  }
});
