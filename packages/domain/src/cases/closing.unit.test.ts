import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { decideManualCase, type ManualCaseFacts, reopeningTaskKey } from './closing.ts';

const facts = (more: Partial<ManualCaseFacts> = {}): ManualCaseFacts => ({
  caseId: 'C-1',
  status: 'open',
  level: 'warning',
  cycle: 1,
  policeLiaison: false,
  openFindingIds: ['F-2', 'F-1'],
  pendingTaskIds: ['T-1'],
  ...more,
});
// From Friday 2026-09-18, five working days: Sunday 09-20 (a make-up working day), 09-21, 22, 23, 24.
const ctx = { today: '2026-09-18', calendar: defaultCalendar };
const close = (lead = false) => ({
  type: 'close' as const,
  outcome: 'paid-verified' as const,
  reason: ' 已核实现金发放 ',
  lead,
});

describe('a person closing a case', () => {
  it('given an open case: closed over its open findings, its pending tasks closing with it', () => {
    expect(decideManualCase(facts(), close(), ctx)).toEqual({
      ok: true,
      event: {
        type: 'case.closed-by-person',
        cycle: 1,
        outcome: 'paid-verified',
        reason: '已核实现金发放',
        closedOver: ['F-1', 'F-2'],
        closedTasks: ['T-1'],
      },
    });
  });

  it('given a closed case: conflict', () => {
    expect(decideManualCase(facts({ status: 'closed' }), close(), ctx)).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict' },
    });
  });

  it('given a blank reason: invalid, naming the field', () => {
    expect(decideManualCase(facts(), { ...close(), reason: '  ' }, ctx)).toMatchObject({
      ok: false,
      refusal: { kind: 'invalid', field: 'reason' },
    });
  });

  it('given a critical case with open findings: only a district lead may close it', () => {
    const critical = facts({ level: 'critical' });
    expect(decideManualCase(critical, close(), ctx)).toMatchObject({
      ok: false,
      refusal: { kind: 'forbidden' },
    });
    expect(decideManualCase(critical, close(true), ctx)).toMatchObject({ ok: true });
    const police = facts({ policeLiaison: true });
    expect(decideManualCase(police, close(), ctx)).toMatchObject({
      ok: false,
      refusal: { kind: 'forbidden', message: expect.stringContaining('referred to the police') },
    });
  });

  it('given a critical case with every finding resolved: any inspector may close it', () => {
    expect(decideManualCase(facts({ level: 'critical', openFindingIds: [] }), close(), ctx)).toMatchObject({
      ok: true,
      event: { closedOver: [] },
    });
  });
});

describe('a person reopening a case', () => {
  it('given a closed case: the next cycle and a verification task due in 5 working days (make-up day counted)', () => {
    expect(
      decideManualCase(facts({ status: 'closed' }), { type: 'reopen', reason: '工人投诉' }, ctx),
    ).toEqual({
      ok: true,
      event: {
        type: 'case.reopened-by-person',
        cycle: 2,
        reason: '工人投诉',
        task: { dueOn: '2026-09-24', key: reopeningTaskKey('C-1', 2) },
      },
    });
  });

  it('given an open case: conflict', () => {
    expect(decideManualCase(facts(), { type: 'reopen', reason: 'x' }, ctx)).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict' },
    });
  });

  it('given a date past the calendar: the task date is an estimate with its warning', () => {
    const r = decideManualCase(
      facts({ status: 'closed' }),
      { type: 'reopen', reason: 'x' },
      { ...ctx, today: '2029-06-01' },
    );
    expect(r).toMatchObject({ ok: true, event: { task: { warning: expect.stringContaining('2029') } } });
  });
});
