import { describe, expect, it } from 'vitest';
import { at } from '../payments/testing.ts';
import { warningLifecycle } from './lifecycle.ts';

const raised = at('2026-11-16 09:00');
const task = (openedAt: string, dueOn: string, closedAt: string | null) => ({
  openedAt: at(openedAt),
  dueOn,
  closedAt: closedAt ? at(closedAt) : null,
});

describe("the warnings' lifecycle", () => {
  it('given a task closed on its due day, then verified within the SLA; the day after, verified but late', () => {
    const onTime = {
      raisedAt: raised,
      resolvedAt: null,
      tasks: [task('2026-11-16 09:00', '2026-11-20', '2026-11-20 23:59')],
      feedbackAt: [],
    };
    const late = {
      raisedAt: raised,
      resolvedAt: null,
      tasks: [task('2026-11-16 09:00', '2026-11-20', '2026-11-21 00:00')],
      feedbackAt: [],
    };
    const open = {
      raisedAt: raised,
      resolvedAt: null,
      tasks: [task('2026-11-16 09:00', '2026-11-20', null)],
      feedbackAt: [],
    };
    const noCase = { raisedAt: raised, resolvedAt: null, tasks: [], feedbackAt: [] };
    expect(warningLifecycle([onTime, late, open, noCase])).toMatchObject({
      findings: 4,
      verified: 2,
      verifiedWithinSla: 1,
      verifiedWithinSlaBp: 2500,
    });
  });

  it('given the first task late and a later one on time, then not within the SLA (the first task counts)', () => {
    const f = {
      raisedAt: raised,
      resolvedAt: null,
      tasks: [
        task('2026-11-25 09:00', '2026-11-30', '2026-11-26 09:00'),
        task('2026-11-16 09:00', '2026-11-20', '2026-11-24 09:00'),
      ],
      feedbackAt: [],
    };
    expect(warningLifecycle([f])).toMatchObject({ verified: 1, verifiedWithinSla: 0 });
  });

  it('given feedback on two of three and two closed after 2 and 5 days, then 66.66 %, 66.66 % and a median of 3.5 days', () => {
    const closedIn = (days: number) => new Date(raised.getTime() + days * 86_400_000);
    const r = warningLifecycle([
      { raisedAt: raised, resolvedAt: closedIn(2), tasks: [], feedbackAt: [at('2026-11-17 10:00')] },
      {
        raisedAt: raised,
        resolvedAt: closedIn(5),
        tasks: [],
        feedbackAt: [at('2026-11-18 10:00'), at('2026-11-19 10:00')],
      },
      { raisedAt: raised, resolvedAt: null, tasks: [], feedbackAt: [] },
    ]);
    expect(r).toMatchObject({
      withFeedback: 2,
      withFeedbackBp: 6666,
      closed: 2,
      closedBp: 6666,
      medianDaysToClose: 3.5,
    });
  });

  it('given a finding recorded already resolved (a late payment on record), then it is not a warning', () => {
    expect(
      warningLifecycle([{ raisedAt: raised, resolvedAt: raised, tasks: [], feedbackAt: [] }]),
    ).toMatchObject({
      findings: 0,
      closed: 0,
      medianDaysToClose: null,
    });
  });

  it('given no findings, then nulls, not zeros', () => {
    expect(warningLifecycle([])).toEqual({
      findings: 0,
      verified: 0,
      verifiedWithinSla: 0,
      withFeedback: 0,
      closed: 0,
      verifiedWithinSlaBp: null,
      withFeedbackBp: null,
      closedBp: null,
      medianDaysToClose: null,
    });
  });
});
