import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { addDays, startOfShanghaiDay } from '../dates.ts';
import {
  closeMonths,
  decodeClosedMonths,
  dropsClosedMonths,
  encodeClosedMonths,
  openMonthsOf,
} from './closing-months.ts';
import type { ClosedMonths, DesiredFinding, ProjectState } from './model.ts';
import { changeOf, generateProject, seededRandom, stateAt } from './random-projects.ts';
import { evaluateProject, type PayDateOutlook } from './rules.ts';
import { at, given, LI, line, WANG } from './testing.ts';

const calendar = defaultCalendar;
const byKey = (fs: DesiredFinding[]) => [...fs].sort((a, b) => a.key.localeCompare(b.key));

function evaluate(state: ProjectState, asOf: Date) {
  const outlooks: PayDateOutlook[] = [];
  const findings = evaluateProject(state, asOf, calendar, undefined, { payDate: (o) => outlooks.push(o) });
  return { findings: byKey(findings), outlooks };
}

/**
 * The property (issue 13 goal 1, docs/adr/0023): for generated projects replayed at a sequence
 * of instants, with each evaluation closing what it can and each arriving record dropping the
 * summary when it touches the closed range, the evaluation of the open months with the summary
 * gives exactly the findings and rule-8 outlooks of the evaluation of the whole history.
 */
describe('closed months: the open months with their summary say what the whole history says', () => {
  const SEEDS = 24;
  const totals = { evaluations: 0, withSummary: 0, closings: 0, drops: 0, maxThrough: '' };
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`generated project ${seed}`, () => {
      const g = generateProject(seed, calendar, { first: '2025-01', months: 14 });
      const rnd = seededRandom(seed * 7919);
      let summary: ClosedMonths | undefined;
      let t = startOfShanghaiDay('2025-02-01');
      const end = startOfShanghaiDay('2026-06-30');
      let seen = 0;
      while (t < end) {
        // Records arrived since the last instant: any that touches the closed range drops the summary.
        while (seen < g.records.length && g.records[seen]!.arrivesAt <= t) {
          const r = g.records[seen]!;
          if (summary && dropsClosedMonths(summary, changeOf(r))) {
            summary = undefined;
            totals.drops += 1;
          }
          seen += 1;
        }
        const full = stateAt(g, t);
        const state = summary ? openMonthsOf(full, summary) : full;
        const expected = evaluate(full, t);
        const actual = evaluate(state, t);
        expect(actual.findings, `seed ${seed} at ${t.toISOString()} through ${summary?.through}`).toEqual(
          expected.findings,
        );
        expect(actual.outlooks).toEqual(expected.outlooks);
        totals.evaluations += 1;
        if (summary) totals.withSummary += 1;
        const next = closeMonths(state, t, calendar);
        if (next) {
          // As stored and read back: the codec loses nothing.
          summary = decodeClosedMonths(encodeClosedMonths(next));
          expect(summary).toEqual(next);
          totals.closings += 1;
          if (summary.through > totals.maxThrough) totals.maxThrough = summary.through;
        }
        t = new Date(
          t.getTime() + (1 + Math.floor(rnd() * 5)) * 86_400_000 + Math.floor(rnd() * 24) * 3_600_000,
        );
      }
    });
  }
  it('closes months, evaluates with summaries and drops them on late records (the property is not vacuous)', () => {
    expect(totals.evaluations).toBeGreaterThan(SEEDS * 80);
    expect(totals.closings).toBeGreaterThan(SEEDS * 3);
    expect(totals.withSummary).toBeGreaterThan(totals.evaluations / 3);
    expect(totals.drops).toBeGreaterThan(SEEDS / 4);
    expect(totals.maxThrough >= '2025-10').toBe(true);
  });
});

describe('closing months, given / when / then', () => {
  // Paid on the 15th of the next month; March to June paid on time, credits and statements complete.
  const settled = () => {
    const g = given({ owner: { name: '城投', creditCode: 'X' } }).workers(LI, WANG);
    for (const [period, payOn] of [
      ['2026-03', '2026-04-14'],
      ['2026-04', '2026-05-15'],
      ['2026-05', '2026-06-15'],
    ] as const) {
      g.credit('30000.00', at(`${period}-02 10:00`), { fromName: '城投' }).statement(`${period}-02`);
      g.sheet(period, [line(LI, '6000.00'), line(WANG, '5000.00')]);
      g.paid(LI, '6000.00', at(`${payOn} 10:00`))
        .paid(WANG, '5000.00', at(`${payOn} 11:00`))
        .statement(payOn);
    }
    return g;
  };

  it('closes the months whose obligations are paid and whose deadlines have passed', () => {
    // Tuesday 16 June: Monday's statements are due by its end, May's wages were due on Monday.
    const asOf = at('2026-06-16 12:00');
    const closed = closeMonths(settled().build(), asOf, calendar);
    expect(closed?.through).toBe('2026-04');
    expect(closed?.cutDate).toBe('2026-06-15');
    expect(closed?.labourSince).toBe('2026-05-02');
    const full = settled().build();
    const open = openMonthsOf(full, closed!);
    expect(open.sheets.map((s) => s.period)).toEqual(['2026-05']);
    expect(open.transfers.every((t) => t.bookedAt >= closed!.cutAt)).toBe(true);
    expect(evaluate(open, at('2026-07-20 12:00'))).toEqual(evaluate(full, at('2026-07-20 12:00')));
  });

  it('keeps a month open while a line of it is unpaid', () => {
    const g = settled();
    g.sheet('2026-06', [line(LI, '6000.00'), line(WANG, '5000.00')]).paid(
      LI,
      '6000.00',
      at('2026-07-15 10:00'),
    );
    g.statement('2026-07-15');
    const closed = closeMonths(g.build(), at('2026-08-20 12:00'), calendar);
    expect(closed?.through).toBe('2026-05'); // June: WANG unpaid
    const missed = closed?.findings.filter((f) => f.rule === 'wages-missed');
    expect(missed).toEqual([]);
  });

  it('drops the summary for a late record in the closed range, and keeps it for one in the open range', () => {
    const closed = closeMonths(settled().build(), at('2026-06-16 12:00'), calendar)!;
    expect(dropsClosedMonths(closed, { kind: 'statement', date: '2026-04-30' })).toBe(true);
    expect(dropsClosedMonths(closed, { kind: 'transfer', bookedAt: at('2026-06-14 10:00') })).toBe(true);
    expect(dropsClosedMonths(closed, { kind: 'sheet', period: '2026-04' })).toBe(true);
    expect(dropsClosedMonths(closed, { kind: 'workers' })).toBe(true);
    expect(
      dropsClosedMonths(closed, {
        kind: 'transfer',
        bookedAt: at('2026-06-21 10:00'),
        originalBankRef: 'T1',
      }),
    ).toBe(true);
    expect(dropsClosedMonths(closed, { kind: 'statement', date: addDays(closed.cutDate, 0) })).toBe(false);
    expect(dropsClosedMonths(closed, { kind: 'transfer', bookedAt: closed.cutAt })).toBe(false);
    expect(dropsClosedMonths(closed, { kind: 'sheet', period: '2026-05' })).toBe(false);
  });

  it('a late statement in the closed range changes what the whole history says: the drop is needed', () => {
    const g = settled();
    const closed = closeMonths(g.build(), at('2026-06-20 12:00'), calendar)!;
    // The bank's statement of a closed day arrives again, disagreeing with the transfers.
    const full = g.build();
    full.statements = full.statements.map((s) => (s.date === '2026-05-15' ? { ...s, debitCount: 9 } : s));
    const asOf = at('2026-06-25 12:00');
    const stale = evaluate(openMonthsOf(full, closed), asOf);
    const truth = evaluate(full, asOf);
    expect(truth.findings.some((f) => f.key === 'feed-incomplete:mismatch:2026-05-15')).toBe(true);
    expect(stale.findings).not.toEqual(truth.findings);
    expect(dropsClosedMonths(closed, { kind: 'statement', date: '2026-05-15' })).toBe(true);
  });
});
