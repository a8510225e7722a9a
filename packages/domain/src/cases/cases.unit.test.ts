import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { parseInstant } from '../dates.ts';
import {
  DEFAULT_LADDER_CONFIG,
  type LadderCase,
  type LadderConfig,
  type LadderJustification,
  ladderStep,
  stepKeyOf,
} from './ladder.ts';
import { type CaseFinding, caseKeyOf } from './model.ts';
import { DEFAULT_RISK_CONFIG, gradeOf, riskGrade } from './risk.ts';
import { routeCase } from './routing.ts';

/*
 * The 2026 calendar (defaultCalendar): Mid-Autumn 09-25..09-27, National Day 10-01..10-07,
 * Saturday 2026-10-10 a make-up working day. Wages due Tuesday 2026-09-29, just before the
 * block: working day 10 is Monday 2026-10-19 (09-30, 10-08, 10-09, 10-10, 10-12..10-16, 10-19),
 * working day 15 is Monday 2026-10-26 (10-20..10-23, 10-26). Without the block they would be
 * 10-13 and 10-20.
 */
const at = (local: string): Date => {
  const [date, time = '09:00'] = local.split(' ');
  const d = parseInstant(`${date}T${time}:00+08:00`);
  if (!d) throw new RangeError(local);
  return d;
};
const CONTRACTOR = { kind: 'contractor' as const, name: '江城建工集团有限公司', code: '91510400MA0002001X' };
const P = 'PZH-2026-001';
const CASE = 'C-test';

const finding = (overrides: Partial<CaseFinding> = {}): CaseFinding => ({
  findingId: 'F-1',
  rule: 'wages-missed',
  severity: 'high',
  status: 'open',
  projectId: P,
  period: '2026-08',
  dueDate: '2026-09-29',
  amountOwed: 480_000n,
  raisedAt: at('2026-09-30 09:00'),
  responsible: CONTRACTOR,
  ...overrides,
});

/** Given a case with these findings, the steps already taken and justifications. */
const given = (
  findings: CaseFinding[],
  taken: string[] = [],
  justifications: LadderJustification[] = [],
  cycle = 1,
): LadderCase => ({
  caseId: CASE,
  cycle,
  findings,
  stepsTaken: new Set(taken.map((s) => stepKeyOf(CASE, cycle, s as 'notice'))),
  justifications,
});
const when = (c: LadderCase, local: string, config?: LadderConfig) =>
  ladderStep(c, at(local), defaultCalendar, config);
const steps = (r: ReturnType<typeof ladderStep>) => r.due.map((s) => `${s.step}@${s.dueOn}`);

describe('the escalation ladder on working days', () => {
  it('given wages due just before National Day, when the day after: the notice is due (day 0)', () => {
    const r = when(given([finding()]), '2026-09-30 09:00');
    expect(steps(r)).toEqual(['notice@2026-09-29']);
    expect(r.due[0]?.key).toBe(`${CASE}#1:notice`);
    expect(r.next).toEqual({ step: 'warning', dueOn: '2026-10-19' });
    expect(r.anchor).toBe('2026-09-29');
  });

  it('when 2026-10-16 (day 10 without the holiday block already past): nothing more is due', () => {
    expect(steps(when(given([finding()], ['notice']), '2026-10-16 18:00'))).toEqual([]);
  });

  it('when 2026-10-19, the 10th working day across the block: the warning is due', () => {
    const r = when(given([finding()], ['notice']), '2026-10-19 08:00');
    expect(steps(r)).toEqual(['warning@2026-10-19']);
    expect(r.next).toEqual({ step: 'inspection-task', dueOn: '2026-10-26' });
  });

  it('when 2026-10-26, the 15th working day: the inspection task is due', () => {
    expect(steps(when(given([finding()], ['notice', 'warning']), '2026-10-23 23:00'))).toEqual([]);
    expect(steps(when(given([finding()], ['notice', 'warning']), '2026-10-26 00:30'))).toEqual([
      'inspection-task@2026-10-26',
    ]);
  });

  it('given a case discovered late, when evaluated: every rung passed is due at once, in order', () => {
    expect(steps(when(given([finding()]), '2026-10-27'))).toEqual([
      'notice@2026-09-29',
      'warning@2026-10-19',
      'inspection-task@2026-10-26',
    ]);
  });

  it('re-running with the steps taken never repeats a step', () => {
    const all = ['notice', 'warning', 'inspection-task'];
    expect(when(given([finding()], all), '2026-11-20').due).toEqual([]);
  });

  it('counts from the earliest open due date; resolved findings do not count', () => {
    const later = finding({ findingId: 'F-2', dueDate: '2026-10-15', period: '2026-09' });
    const resolved = finding({ findingId: 'F-0', dueDate: '2026-08-14', status: 'resolved' });
    expect(when(given([later, resolved, finding()]), '2026-09-30').anchor).toBe('2026-09-29');
    expect(when(given([later, resolved]), '2026-10-16').anchor).toBe('2026-10-15');
  });

  it('given no open finding: nothing is due', () => {
    expect(when(given([finding({ status: 'resolved' })]), '2026-11-20').due).toEqual([]);
  });

  it('a reopened case (next cycle) climbs the ladder afresh with new keys', () => {
    const r = when(given([finding()], [], [], 2), '2026-09-30');
    expect(r.due.map((s) => s.key)).toEqual([`${CASE}#2:notice`]);
  });

  it('the table is configuration: day 3 and day 20 rungs', () => {
    const config: LadderConfig = {
      ...DEFAULT_LADDER_CONFIG,
      rungs: [
        { step: 'notice', workingDays: 3 },
        { step: 'inspection-task', workingDays: 20 },
      ],
    };
    // 3rd working day after 09-29: 09-30, 10-08, 10-09.
    expect(steps(when(given([finding()]), '2026-10-08', config))).toEqual([]);
    expect(steps(when(given([finding()]), '2026-10-09', config))).toEqual(['notice@2026-10-09']);
  });
});

describe('critical', () => {
  it('given two periods unpaid, the critical step is due at once', () => {
    const r = when(
      given([finding(), finding({ findingId: 'F-2', period: '2026-09', dueDate: '2026-10-15' })], ['notice']),
      '2026-10-16',
    );
    expect(steps(r)).toEqual(['critical@2026-10-16']);
    expect(r.due[0]?.reason).toContain('2 periods unpaid');
  });

  it('given an open arrears-growing finding: critical', () => {
    const arrears = finding({
      findingId: 'F-9',
      rule: 'arrears-growing',
      severity: 'high',
      period: undefined,
    });
    expect(steps(when(given([arrears], ['notice']), '2026-09-30'))).toEqual(['critical@2026-09-30']);
  });

  it('given the criminal threshold (police referral): critical, once', () => {
    const referral = finding({ policeReferral: true, severity: 'critical' });
    const r = when(given([referral], ['notice']), '2026-09-30');
    expect(r.due.map((s) => s.step)).toEqual(['critical']);
    expect(r.due[0]?.reason).toContain('police');
    expect(when(given([referral], ['notice', 'critical']), '2026-10-01').due).toEqual([]);
  });

  it('given one period unpaid: not critical', () => {
    expect(when(given([finding()], ['notice']), '2026-10-16').due).toEqual([]);
  });
});

describe('justification', () => {
  it('given an accepted justification, when a rung falls due: the ladder is paused', () => {
    const accepted: LadderJustification = { decision: 'accepted', pausedUntil: '2026-10-30' };
    const r = when(given([finding()], ['notice'], [accepted]), '2026-10-19');
    expect(r.due).toEqual([]);
    expect(r.pausedUntil).toBe('2026-10-30');
  });

  it('when the pause has expired: the steps whose days have passed are due', () => {
    const accepted: LadderJustification = { decision: 'accepted', pausedUntil: '2026-10-20' };
    expect(steps(when(given([finding()], ['notice'], [accepted]), '2026-10-21'))).toEqual([
      'warning@2026-10-19',
    ]);
  });

  it('given a rejected (or a pending) justification: the ladder goes on', () => {
    const rejected: LadderJustification = { decision: 'rejected' };
    const pending: LadderJustification = { decision: null };
    expect(steps(when(given([finding()], ['notice'], [rejected, pending]), '2026-10-19'))).toEqual([
      'warning@2026-10-19',
    ]);
  });
});

describe('routing', () => {
  it('a case is one project and one responsible party', () => {
    expect(caseKeyOf(P, CONTRACTOR.code)).toBe(`${P}|${CONTRACTOR.code}`);
  });

  it.each([
    ['housing', '住建局'],
    ['transport', '交通局'],
    ['water', '水务局'],
    ['other', null],
  ] as const)('a %s project in 西区 goes to the 西区 team and %s', (sector, regulator) => {
    expect(routeCase({ district: '西区', sector }, [finding()])).toEqual({
      team: '西区',
      coRegulator: regulator,
      policeLiaison: false,
    });
  });

  it('the police liaison joins on a police referral or critical arrears growing, and stays', () => {
    const project = { district: '东区', sector: 'housing' as const };
    expect(routeCase(project, [finding({ policeReferral: true })]).policeLiaison).toBe(true);
    expect(
      routeCase(project, [finding({ rule: 'arrears-growing', severity: 'critical' })]).policeLiaison,
    ).toBe(true);
    expect(routeCase(project, [finding({ rule: 'arrears-growing', severity: 'high' })]).policeLiaison).toBe(
      false,
    );
    expect(routeCase(project, [finding({ status: 'resolved', policeReferral: true })]).policeLiaison).toBe(
      false,
    );
    expect(routeCase(project, [], true).policeLiaison).toBe(true);
  });
});

describe('risk grade', () => {
  const asOf = at('2026-11-29');
  it('given nothing on record: A, score 0, with its reasons', () => {
    expect(riskGrade([], asOf)).toMatchObject({
      grade: 'A',
      score: 0,
      reasons: ['no open finding and no breach in the last 365 days', 'score 0: grade A'],
    });
  });

  it('given one worker unpaid ¥4,800 for one month: 6 + 5 + 5 = 16, B, each term a reason', () => {
    const r = riskGrade([finding()], asOf);
    expect(r.points).toEqual({ severity: 6, amount: 5, months: 5, deposit: 0, history: 0 });
    expect(r).toMatchObject({ grade: 'B', score: 16 });
    expect(r.reasons).toEqual([
      'open findings: 1 high (6 points)',
      '¥4800.00 of wages owed (5 points)',
      '1 month(s) unpaid (5 points)',
      'score 16: grade B',
    ]);
  });

  it('given two months unpaid for several workers and a missing deposit: C or D by the table', () => {
    const fs = [
      finding(),
      finding({ findingId: 'F-2', amountOwed: 1_000_000n }),
      finding({ findingId: 'F-3', period: '2026-09', dueDate: '2026-10-15' }),
      finding({
        findingId: 'F-4',
        rule: 'deposit-missing',
        severity: 'high',
        period: undefined,
        amountOwed: undefined,
      }),
    ];
    const r = riskGrade(fs, asOf);
    // severity 4 × 6 = 24, amount ¥24,600 → 10, months 2 × 5 = 10, deposit 8.
    expect(r.points).toEqual({ severity: 24, amount: 10, months: 10, deposit: 8, history: 0 });
    expect(r).toMatchObject({ score: 52, grade: 'C' });
    const more = riskGrade(
      [...fs, finding({ findingId: 'F-5', severity: 'critical', rule: 'arrears-growing' })],
      asOf,
    );
    expect(more).toMatchObject({ score: 64, grade: 'D' });
  });

  it('history: breaches cured in the last 12 months count, older ones do not', () => {
    const cured = (id: string, resolvedAt: string) =>
      finding({ findingId: id, status: 'resolved', resolvedAt: at(resolvedAt), raisedAt: at(resolvedAt) });
    const r = riskGrade([cured('a', '2026-10-01'), cured('b', '2026-03-01'), cured('c', '2025-10-01')], asOf);
    expect(r.inputs.resolvedLast12Months).toBe(2);
    expect(r).toMatchObject({ score: 4, grade: 'A' });
  });

  it('a police referral grades D whatever the score', () => {
    expect(riskGrade([finding({ policeReferral: true })], asOf).grade).toBe('D');
  });

  it('thresholds: A < 10 ≤ B < 30 ≤ C < 60 ≤ D', () => {
    expect([0, 9, 10, 29, 30, 59, 60, 200].map((s) => gradeOf(s, DEFAULT_RISK_CONFIG))).toEqual([
      'A',
      'A',
      'B',
      'B',
      'C',
      'C',
      'D',
      'D',
    ]);
  });
});
