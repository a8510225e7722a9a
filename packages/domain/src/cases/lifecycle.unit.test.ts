import { describe, expect, it } from 'vitest';
import { createCalendar, defaultCalendar } from '../calendar.ts';
import { parseInstant } from '../dates.ts';
import { stepKeyOf } from './ladder.ts';
import { type CaseEvent, type CaseFacts, type CaseState, decideCase, evolveCase } from './lifecycle.ts';
import type { CaseFinding } from './model.ts';

/*
 * The 2026 calendar: Sunday 09-20 and Saturday 10-10 are make-up working days; 09-25..09-27
 * (Mid-Autumn) and 10-01..10-07 (National Day) are off. Wages due Tuesday 2026-09-22: working
 * day 10 is 2026-10-13 (09-23, 24, 28, 29, 30, 10-08, 09, 10, 12, 13), working day 15 is
 * 2026-10-20 (10-14, 15, 16, 19, 20).
 */
const at = (local: string): Date => {
  const [date, time = '09:00'] = local.split(' ');
  const d = parseInstant(`${date}T${time}:00+08:00`);
  if (!d) throw new RangeError(local);
  return d;
};
const CONTRACTOR = { kind: 'contractor' as const, name: '江城建工集团有限公司', code: '91510400MA0002001X' };
const CASE = 'C-1';
const finding = (overrides: Partial<CaseFinding> = {}): CaseFinding => ({
  findingId: 'F-1',
  rule: 'wages-missed',
  severity: 'high',
  status: 'open',
  projectId: 'PZH-2026-001',
  period: '2026-08',
  dueDate: '2026-09-22',
  amountOwed: 480_000n,
  raisedAt: at('2026-09-23 09:00'),
  responsible: CONTRACTOR,
  ...overrides,
});
const facts = (findings: CaseFinding[], more: Partial<CaseFacts> = {}): CaseFacts => ({
  caseId: CASE,
  findings,
  attached: new Set(),
  project: { district: '东区', sector: 'housing' },
  stepsTaken: new Set(),
  justifications: [],
  pendingTasks: 0,
  ...more,
});
const when = (state: CaseState | undefined, f: CaseFacts, local: string) =>
  decideCase(state, f, { asOf: at(local), calendar: defaultCalendar });
const fold = (state: CaseState | undefined, events: CaseEvent[]) => events.reduce(evolveCase, state);
const types = (events: CaseEvent[]) => events.map((e) => e.type);

/** The case as it stands after the first evaluation on 2026-09-23. */
const opened = (): CaseState => {
  const s = fold(undefined, when(undefined, facts([finding()]), '2026-09-23'));
  if (!s) throw new Error('not opened');
  return s;
};
const taken = (...steps: ('notice' | 'warning' | 'inspection-task' | 'critical')[]) =>
  new Set(steps.map((s) => stepKeyOf(CASE, 1, s)));

describe('opening', () => {
  it('given no case and an open finding, when evaluated: opened, attached, notice taken, scheduled', () => {
    const events = when(undefined, facts([finding()]), '2026-09-23');
    expect(types(events)).toEqual(['case.opened', 'findings.attached', 'case.escalated', 'case.scheduled']);
    const [open, attach, notice, schedule] = events;
    expect(open).toMatchObject({
      caseId: CASE,
      employer: CONTRACTOR,
      routing: { team: '东区', coRegulator: '住建局', policeLiaison: false },
      openFindings: 1,
    });
    expect(attach).toMatchObject({ findingIds: ['F-1'], note: 'wages-missed × 1', cycle: 1 });
    expect(notice).toMatchObject({ level: 'notice', step: { step: 'notice', dueOn: '2026-09-22' } });
    expect(schedule).toEqual({
      type: 'case.scheduled',
      level: 'notice',
      deadline: '2026-10-13',
      pausedUntil: null,
    });
    expect(fold(undefined, events)).toMatchObject({
      status: 'open',
      level: 'notice',
      cycle: 1,
      deadline: '2026-10-13',
    });
  });

  it('given no case and only resolved findings: nothing happens', () => {
    expect(when(undefined, facts([finding({ status: 'resolved' })]), '2026-09-23')).toEqual([]);
  });
});

describe('the ladder across Mid-Autumn and National Day 2026', () => {
  it('when 2026-10-12, the 9th working day: nothing is due', () => {
    const f = facts([finding()], { attached: new Set(['F-1']), stepsTaken: taken('notice') });
    expect(when({ ...opened() }, f, '2026-10-12 23:00')).toEqual([]);
  });

  it('when 2026-10-13, the 10th working day: the warning is taken', () => {
    const f = facts([finding()], { attached: new Set(['F-1']), stepsTaken: taken('notice') });
    const events = when(opened(), f, '2026-10-13 08:00');
    expect(types(events)).toEqual(['case.escalated', 'case.scheduled']);
    expect(events[1]).toMatchObject({ level: 'warning', deadline: '2026-10-20' });
  });

  it('when 2026-10-20, the 15th working day: the inspection task, its SLA 5 working days on (10-27)', () => {
    const f = facts([finding()], { attached: new Set(['F-1']), stepsTaken: taken('notice', 'warning') });
    const [step] = when({ ...opened(), level: 'warning', deadline: '2026-10-20' }, f, '2026-10-20');
    expect(step).toMatchObject({
      type: 'case.escalated',
      level: 'inspection-task',
      step: { step: 'inspection-task', dueOn: '2026-10-20' },
      task: { dueOn: '2026-10-27' },
    });
  });

  it('given the inspection task due on 2026-09-24, its SLA crosses both holiday blocks: 2026-10-09', () => {
    // 09-28, 09-29, 09-30, 10-08, 10-09: the 5th working day after 2026-09-24.
    const f = facts([finding({ dueDate: '2026-09-01' })], {
      attached: new Set(['F-1']),
      stepsTaken: taken('notice', 'warning'),
    });
    const [step] = when(opened(), f, '2026-09-24');
    expect(step).toMatchObject({ step: { step: 'inspection-task' }, task: { dueOn: '2026-10-09' } });
  });

  it('given every step taken, when evaluated again: nothing is repeated', () => {
    const state = { ...opened(), level: 'inspection-task' as const, deadline: null };
    const f = facts([finding()], {
      attached: new Set(['F-1']),
      stepsTaken: taken('notice', 'warning', 'inspection-task'),
    });
    expect(when(state, f, '2026-11-02')).toEqual([]);
  });

  it('given an accepted justification pausing to 2026-10-13, when 10-13: paused; when 10-14: the warning', () => {
    const f = facts([finding()], {
      attached: new Set(['F-1']),
      stepsTaken: taken('notice'),
      justifications: [{ cycle: 1, decision: 'accepted', pausedUntil: '2026-10-13' }],
    });
    const paused = when(opened(), f, '2026-10-13');
    // The warning's day has come but waits; the next rung not yet due is the deadline.
    expect(paused).toEqual([
      { type: 'case.scheduled', level: 'notice', deadline: '2026-10-20', pausedUntil: '2026-10-13' },
    ]);
    const resumed = when(fold(opened(), paused), f, '2026-10-14');
    expect(types(resumed)).toEqual(['case.escalated', 'case.scheduled']);
    expect(resumed[1]).toMatchObject({ level: 'warning', pausedUntil: null });
  });

  it('a justification of an earlier cycle does not pause the current one', () => {
    const f = facts([finding()], {
      attached: new Set(['F-1']),
      stepsTaken: new Set([stepKeyOf(CASE, 2, 'notice')]),
      justifications: [{ cycle: 1, decision: 'accepted', pausedUntil: '2026-12-31' }],
    });
    const events = when({ ...opened(), cycle: 2 }, f, '2026-10-13');
    expect(events[0]).toMatchObject({ type: 'case.escalated', step: { key: `${CASE}#2:warning` } });
  });
});

describe('critical and routing', () => {
  it('given a police referral, when evaluated: routed to the police liaison (sticky) and critical', () => {
    const referral = finding({ findingId: 'F-2', policeReferral: true, severity: 'critical' });
    const f = facts([finding(), referral], { attached: new Set(['F-1']), stepsTaken: taken('notice') });
    const events = when(opened(), f, '2026-09-24');
    expect(types(events)).toEqual(['findings.attached', 'case.routed', 'case.escalated', 'case.scheduled']);
    expect(events[1]).toMatchObject({ referredToPolice: true, routing: { policeLiaison: true } });
    expect(events[2]).toMatchObject({ level: 'critical', step: { step: 'critical' } });
    const state = fold(opened(), events);
    // The referral resolved: the case stays with the police liaison.
    const later = facts([finding(), { ...referral, status: 'resolved' }], {
      attached: new Set(['F-1', 'F-2']),
      stepsTaken: taken('notice', 'critical'),
    });
    expect(types(when(state, later, '2026-09-25'))).toEqual([]);
  });

  it('given the project moved to another district: re-routed', () => {
    const f = facts([finding()], {
      attached: new Set(['F-1']),
      stepsTaken: taken('notice'),
      project: { district: '西区', sector: 'transport' },
    });
    const [routed] = when(opened(), f, '2026-09-24');
    expect(routed).toMatchObject({
      type: 'case.routed',
      routing: { team: '西区', coRegulator: '交通局' },
      sector: 'transport',
    });
  });
});

describe('closing and reopening', () => {
  it('given every finding resolved but a task pending: stays open; the task done: closed', () => {
    const resolved = [finding({ status: 'resolved', resolvedAt: at('2026-10-09') })];
    const state = opened();
    expect(
      when(
        state,
        facts(resolved, { attached: new Set(['F-1']), stepsTaken: taken('notice'), pendingTasks: 1 }),
        '2026-10-09',
      ),
    ).toEqual([{ type: 'case.scheduled', level: 'notice', deadline: null, pausedUntil: null }]);
    const events = when(
      { ...state, deadline: null },
      facts(resolved, { attached: new Set(['F-1']), stepsTaken: taken('notice'), pendingTasks: 0 }),
      '2026-10-09',
    );
    expect(types(events)).toEqual(['case.closed']);
    expect(fold(state, events)).toMatchObject({ status: 'closed', deadline: null, pausedUntil: null });
  });

  it('given a closed case and a new open finding: reopened in the next cycle, climbing afresh', () => {
    const closed: CaseState = { ...opened(), status: 'closed', level: 'notice', deadline: null };
    const f = facts(
      [
        finding({ status: 'resolved' }),
        finding({ findingId: 'F-3', period: '2026-09', dueDate: '2026-10-15' }),
      ],
      {
        attached: new Set(['F-1']),
        stepsTaken: taken('notice'),
      },
    );
    const events = when(closed, f, '2026-10-16');
    expect(types(events)).toEqual(['case.reopened', 'findings.attached', 'case.escalated', 'case.scheduled']);
    expect(events[0]).toMatchObject({ cycle: 2, note: 'reopened (cycle 2): 1 open finding(s)' });
    expect(events[1]).toMatchObject({ cycle: 2, findingIds: ['F-3'] });
    expect(events[2]).toMatchObject({ step: { key: `${CASE}#2:notice` } });
    expect(fold(closed, events)).toMatchObject({ status: 'open', cycle: 2, level: 'notice' });
  });

  it('given a closed case and a resolved finding arriving: attached, not reopened', () => {
    const closed: CaseState = { ...opened(), status: 'closed' };
    const f = facts([finding({ status: 'resolved' }), finding({ findingId: 'F-4', status: 'resolved' })], {
      attached: new Set(['F-1']),
    });
    expect(types(when(closed, f, '2026-10-16'))).toEqual(['findings.attached']);
  });

  it('given a case a person closed over its open finding: that finding does not reopen it, a new one does', () => {
    const closed: CaseState = { ...opened(), status: 'closed', deadline: null };
    const over = { attached: new Set(['F-1']), stepsTaken: taken('notice'), closedOver: new Set(['F-1']) };
    expect(when(closed, facts([finding()], over), '2026-10-16')).toEqual([]);
    const events = when(
      closed,
      facts([finding(), finding({ findingId: 'F-5', period: '2026-09', dueDate: '2026-10-15' })], over),
      '2026-10-16',
    );
    expect(types(events)[0]).toBe('case.reopened');
    expect(events[0]).toMatchObject({
      cycle: 2,
      openFindings: 2,
      note: 'reopened (cycle 2): 1 new open finding(s) beside the 1 its closing covered',
    });
  });
});

describe('the calendar and the winter campaign', () => {
  const only2026 = createCalendar({ overrides: {} });
  it('given a year the calendar does not cover: no working-day step, a warning recorded once', () => {
    const f = facts([finding({ dueDate: '2026-12-28' })], {
      attached: new Set(['F-1']),
      stepsTaken: taken('notice'),
    });
    const events = decideCase(opened(), f, { asOf: at('2027-01-05'), calendar: only2026 });
    const warned = events.find((e) => e.type === 'calendar.warned');
    expect(warned).toMatchObject({ key: `${CASE}#1:notice:calendar:2027` });
    expect(events.some((e) => e.type === 'case.escalated')).toBe(false);
    const recorded = new Set([...f.stepsTaken, `${CASE}#1:notice:calendar:2027`]);
    const again = decideCase(
      opened(),
      { ...f, stepsTaken: recorded },
      { asOf: at('2027-01-06'), calendar: only2026 },
    );
    expect(again.some((e) => e.type === 'calendar.warned')).toBe(false);
  });

  it('given the winter campaign 2025-26 (to 2026-02-14): the deadline is the eve when earlier, once per season', () => {
    const f = facts([finding({ dueDate: '2026-02-02', period: '2026-01' })], {
      attached: new Set(['F-1']),
      stepsTaken: taken('notice'),
    });
    const state: CaseState = { ...opened(), deadline: null };
    const events = when(state, f, '2026-02-03');
    expect(events[0]).toMatchObject({
      type: 'winter.deadline-set',
      eve: '2026-02-14',
      key: `${CASE}:winter:2025-26`,
    });
    expect(events[1]).toMatchObject({ type: 'case.scheduled', deadline: '2026-02-14' });
    const again = when(
      fold(state, events),
      { ...f, stepsTaken: new Set([...f.stepsTaken, `${CASE}:winter:2025-26`]) },
      '2026-02-04',
    );
    expect(again).toEqual([]);
  });
});
