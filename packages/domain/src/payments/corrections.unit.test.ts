import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { formatFen } from '../money.ts';
import { decideResubmission, type OwedLine, takesEffectAtOnce } from './corrections.ts';
import type { ProjectState, SheetVersion } from './model.ts';
import { evaluateProject } from './rules.ts';
import { at, given, LI, line, yuan } from './testing.ts';

const li: OwedLine = { idNumber: '420102198503120011', name: '李四', amountDue: yuan('5200.00') };
const wang: OwedLine = { idNumber: '420102198503120020', name: '王五', amountDue: yuan('4800.00') };
/** Wages for 2026-09, paid on the 15th of the next month: due Thursday 2026-10-15. */
const sept = { period: '2026-09', payDay: 15, payMonthOffset: 1 };

describe('decideResubmission', () => {
  it('given no sheet in effect, when a first sheet arrives after the due date, then it takes effect at once', () => {
    const d = decideResubmission({
      ...sept,
      effective: undefined,
      submitted: [li],
      at: at('2026-11-01 09:00'),
    });
    expect(d).toMatchObject({ kind: 'first-sheet', dueDate: '2026-10-15', dueDatePassed: true });
    expect(d.changes.added).toEqual([{ idNumber: li.idNumber, name: li.name, from: 0n, to: li.amountDue }]);
    expect(takesEffectAtOnce(d)).toBe(true);
  });

  it('given a sheet in effect, when an empty sheet arrives on the due date itself, then it is a free replacement', () => {
    const d = decideResubmission({
      ...sept,
      effective: [li, wang],
      submitted: [],
      at: at('2026-10-15 23:59'),
    });
    expect(d.kind).toBe('free-replacement');
    expect(d.changes.dropped.map((c) => c.idNumber)).toEqual([li.idNumber, wang.idNumber]);
    expect(takesEffectAtOnce(d)).toBe(true);
  });

  it('given a sheet in effect, when an empty sheet arrives after the due date, then it is a correction request', () => {
    const d = decideResubmission({
      ...sept,
      effective: [li, wang],
      submitted: [],
      at: at('2026-10-16 00:00'),
    });
    expect(d.kind).toBe('correction-request');
    expect(d.changes.dropped).toEqual([
      { idNumber: li.idNumber, name: li.name, from: yuan('5200.00'), to: 0n },
      { idNumber: wang.idNumber, name: wang.name, from: yuan('4800.00'), to: 0n },
    ]);
    expect(takesEffectAtOnce(d)).toBe(false);
  });

  it('given a sheet in effect, when one amount is lowered after the due date, then it is a correction request', () => {
    const d = decideResubmission({
      ...sept,
      effective: [li, wang],
      submitted: [li, { ...wang, amountDue: yuan('4000.00') }],
      at: at('2026-11-01 09:00'),
    });
    expect(d.kind).toBe('correction-request');
    expect(d.changes.lowered).toEqual([
      { idNumber: wang.idNumber, name: wang.name, from: yuan('4800.00'), to: yuan('4000.00') },
    ]);
  });

  it('given a sheet in effect, when amounts only rise or workers are added after the due date, then it takes effect at once', () => {
    const zhao: OwedLine = { idNumber: '420102198503120039', name: '赵六', amountDue: yuan('3000.00') };
    const d = decideResubmission({
      ...sept,
      effective: [li, wang],
      submitted: [{ ...li, amountDue: yuan('5300.00') }, wang, zhao],
      at: at('2026-11-01 09:00'),
    });
    expect(d.kind).toBe('raise-only');
    expect(d.changes.raised.map((c) => c.to)).toEqual([yuan('5300.00')]);
    expect(d.changes.added.map((c) => c.idNumber)).toEqual([zhao.idNumber]);
    expect(takesEffectAtOnce(d)).toBe(true);
  });

  it('given a sheet in effect, when one amount rises and another falls after the due date, then the whole version is a correction request', () => {
    const d = decideResubmission({
      ...sept,
      effective: [li, wang],
      submitted: [
        { ...li, amountDue: yuan('9000.00') },
        { ...wang, amountDue: yuan('100.00') },
      ],
      at: at('2026-11-01 09:00'),
    });
    expect(d.kind).toBe('correction-request');
    expect(d.changes.raised).toHaveLength(1);
    expect(d.changes.lowered).toHaveLength(1);
  });

  it('given a sheet in effect, when the same sheet is sent again after the due date, then it takes effect at once (nothing lowered)', () => {
    const d = decideResubmission({ ...sept, effective: [li], submitted: [li], at: at('2026-11-01 09:00') });
    expect(d.kind).toBe('raise-only');
    expect(d.changes).toEqual({ lowered: [], dropped: [], raised: [], added: [] });
  });
});

describe('allocation across versions: what was paid never becomes owed again', () => {
  const MARCH_V1 = {
    version: 1,
    effectiveAt: at('2026-03-28 09:00'),
    lines: [{ idNumber: LI.idNumber, amountDue: yuan('5000.00') }],
  };
  /** Li: 5000 for March paid 04-14 (due 04-15), 5000 for April paid 05-14 (due 05-15). */
  const paidBothMonths = (march: string) =>
    given()
      .workers(LI)
      .statement('2026-03-31')
      .sheet('2026-03', [line(LI, march)])
      .sheet('2026-04', [line(LI, '5000.00')])
      .paid(LI, '5000.00', at('2026-04-14 10:00'))
      .statement('2026-04-14')
      .statement('2026-04-15')
      .paid(LI, '5000.00', at('2026-05-14 10:00'))
      .statement('2026-05-14')
      .statement('2026-05-15')
      .build();
  const withVersion = (state: ProjectState, effectiveAt: Date, earlier: SheetVersion[]): ProjectState => ({
    ...state,
    sheets: state.sheets.map((s) =>
      s.period === '2026-03'
        ? { ...s, version: earlier.length + 1, submittedAt: effectiveAt, earlierVersions: earlier }
        : s,
    ),
  });
  const wageFindings = (state: ProjectState) =>
    evaluateProject(state, at('2026-05-25 12:00'), defaultCalendar)
      .filter((f) => f.status === 'open' && ['wages-missed', 'wages-short'].includes(f.rule))
      .map((f) => [f.rule, f.period, formatFen(f.amountOwed ?? 0n)]);

  it('given March raised after its due date, when evaluated, then March is short the raise and April, paid in full, stays paid', () => {
    const state = withVersion(paidBothMonths('6500.00'), at('2026-05-20 09:00'), [MARCH_V1]);

    expect(wageFindings(state)).toEqual([['wages-short', '2026-03', '1500.00']]);
  });

  it('given the same amounts without the history (a first sheet of 6500), when evaluated, then the oldest month is paid first as before', () => {
    expect(wageFindings(paidBothMonths('6500.00'))).toEqual([['wages-short', '2026-04', '1500.00']]);
  });

  it('given March lowered by an approved correction after Li was paid in full, when evaluated, then nothing is owed', () => {
    const state = withVersion(paidBothMonths('4000.00'), at('2026-05-20 09:00'), [MARCH_V1]);

    expect(wageFindings(state)).toEqual([]);
  });

  it('given Li left off March and added after the due date, when evaluated, then the April payment of March wages still counts', () => {
    const state = withVersion(paidBothMonths('5000.00'), at('2026-05-20 09:00'), [
      { ...MARCH_V1, lines: [] },
    ]);

    expect(wageFindings(state)).toEqual([]);
  });
});
