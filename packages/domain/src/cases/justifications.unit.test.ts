import { describe, expect, it } from 'vitest';
import { createCalendar, defaultCalendar } from '../calendar.ts';
import {
  decideJustification,
  evolveJustifications,
  type JustificationCase,
  type JustificationCommand,
} from './justifications.ts';
import { DEFAULT_LADDER_CONFIG, pausedUntil } from './ladder.ts';

const given = (more: Partial<JustificationCase> = {}): JustificationCase => ({
  caseId: 'C-1',
  status: 'open',
  cycle: 1,
  justifications: [],
  ...more,
});
const submit: JustificationCommand = { type: 'submit', justificationId: 'J-1', text: 'the owner paid late' };
const accept = (pauseUntil?: string): JustificationCommand => ({
  type: 'decide',
  decision: 'accepted',
  reason: 'the owner’s transfer is on record',
  ...(pauseUntil ? { pauseUntil } : {}),
});
const ctx = (today: string, calendar = defaultCalendar) => ({ today, calendar });
const pending = given({
  justifications: [{ justificationId: 'J-1', cycle: 1, decision: null, pausedUntil: null }],
});

describe('submitting a justification', () => {
  it('given an open case without a pending one: submitted in the case’s cycle', () => {
    const d = decideJustification(given({ cycle: 2 }), submit, ctx('2026-09-22'));
    expect(d).toEqual({
      ok: true,
      event: {
        type: 'justification.submitted',
        justificationId: 'J-1',
        cycle: 2,
        text: 'the owner paid late',
      },
    });
  });

  it('given a closed case, or one already pending: a conflict', () => {
    expect(decideJustification(given({ status: 'closed' }), submit, ctx('2026-09-22'))).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict', message: 'case C-1 is closed' },
    });
    expect(decideJustification(pending, submit, ctx('2026-09-22'))).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict', message: 'case C-1 already has a justification awaiting a decision' },
    });
  });
});

describe('deciding a justification', () => {
  it('given a decision on 2026-09-22 with the default pause: 10 working days across the holidays, 2026-10-13', () => {
    // 09-23, 24, (25-27 Mid-Autumn), 28, 29, 30, (10-01..07 National Day), 10-08, 09, 10 (make-up Saturday), 12, 13.
    expect(DEFAULT_LADDER_CONFIG.justificationPauseWorkingDays).toBe(10);
    const d = decideJustification(pending, accept(), ctx('2026-09-22'), 'J-1');
    expect(d).toEqual({
      ok: true,
      event: {
        type: 'justification.accepted',
        justificationId: 'J-1',
        reason: 'the owner’s transfer is on record',
        pausedUntil: '2026-10-13',
      },
    });
    if (!d.ok) throw new Error('refused');
    expect(evolveJustifications(pending.justifications, d.event)).toEqual([
      { justificationId: 'J-1', cycle: 1, decision: 'accepted', pausedUntil: '2026-10-13' },
    ]);
  });

  it('given a pauseUntil: that date; one in the past is refused naming the field', () => {
    expect(decideJustification(pending, accept('2026-10-30'), ctx('2026-09-22'), 'J-1')).toMatchObject({
      ok: true,
      event: { pausedUntil: '2026-10-30' },
    });
    expect(decideJustification(pending, accept('2026-09-21'), ctx('2026-09-22'), 'J-1')).toEqual({
      ok: false,
      refusal: {
        kind: 'invalid',
        field: 'pauseUntil',
        message: 'pauseUntil is in the past',
        detail: 'before 2026-09-22',
      },
    });
  });

  it('given the default pause crossing a year the calendar lacks: refused, pauseUntil required (no guess)', () => {
    const d = decideJustification(
      pending,
      accept(),
      ctx('2026-12-24', createCalendar({ overrides: {} })),
      'J-1',
    );
    expect(d).toMatchObject({ ok: false, refusal: { kind: 'invalid', field: 'pauseUntil' } });
    if (d.ok) throw new Error('accepted');
    expect(d.refusal.kind === 'invalid' && d.refusal.detail).toContain('does not cover 2027');
    expect(decideJustification(pending, accept('2026-12-31'), ctx('2026-12-24'), 'J-1').ok).toBe(true);
  });

  it('given a rejection: rejected, no pause; a second decision is a conflict', () => {
    const d = decideJustification(
      pending,
      { type: 'decide', decision: 'rejected', reason: 'no' },
      ctx('2026-09-22'),
      'J-1',
    );
    expect(d).toEqual({
      ok: true,
      event: { type: 'justification.rejected', justificationId: 'J-1', reason: 'no' },
    });
    if (!d.ok) throw new Error('refused');
    const after = given({ justifications: evolveJustifications(pending.justifications, d.event) });
    expect(decideJustification(after, accept(), ctx('2026-09-22'), 'J-1')).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict', message: 'justification J-1 is already rejected' },
    });
  });

  it('given an unknown justification: not found', () => {
    expect(decideJustification(pending, accept(), ctx('2026-09-22'), 'J-9')).toMatchObject({
      ok: false,
      refusal: { kind: 'not-found', message: 'justification J-9 is not on case C-1' },
    });
  });
});

describe('bounded pauses (at most maxJustificationPauseWorkingDays, default 30)', () => {
  it('given 30 working days after 2026-09-22 (2026-11-10): accepted; 31 (2026-11-11): refused naming the latest date', () => {
    expect(DEFAULT_LADDER_CONFIG.maxJustificationPauseWorkingDays).toBe(30);
    expect(decideJustification(pending, accept('2026-11-10'), ctx('2026-09-22'), 'J-1')).toMatchObject({
      ok: true,
      event: { type: 'justification.accepted', pausedUntil: '2026-11-10' },
    });
    expect(decideJustification(pending, accept('2026-11-11'), ctx('2026-09-22'), 'J-1')).toEqual({
      ok: false,
      refusal: {
        kind: 'invalid',
        field: 'pauseUntil',
        message:
          'pauseUntil 2026-11-11 is 31 working days after 2026-09-22: a pause is at most 30 working days, the latest allowed date is 2026-11-10',
        detail: 'at most 2026-11-10',
      },
    });
  });

  it('given pauseUntil 9999-12-31: refused, beyond the calendar, naming its coverage', () => {
    const d = decideJustification(pending, accept('9999-12-31'), ctx('2026-09-22'), 'J-1');
    expect(d).toMatchObject({ ok: false, refusal: { kind: 'invalid', field: 'pauseUntil' } });
    if (d.ok || d.refusal.kind !== 'invalid') throw new Error('accepted');
    expect(d.refusal.message).toBe(
      'pauseUntil 9999-12-31 is beyond the holiday calendar (it covers 2004–2026): its working days cannot be counted',
    );
    expect(d.refusal.detail).toContain('within 30 working days of 2026-09-22');
  });

  it('given a configured maximum of 5: the default pause (10) is capped at 5 working days, a 6th is refused', () => {
    const ladder = { ...DEFAULT_LADDER_CONFIG, maxJustificationPauseWorkingDays: 5 };
    const c = { today: '2026-09-14', calendar: defaultCalendar, ladder };
    // 09-15, 16, 17, 18, 20 (a make-up working Sunday before the National Day block).
    expect(decideJustification(pending, accept(), c, 'J-1')).toMatchObject({
      ok: true,
      event: { pausedUntil: '2026-09-20' },
    });
    expect(decideJustification(pending, accept('2026-09-21'), c, 'J-1')).toMatchObject({
      ok: false,
      refusal: { kind: 'invalid', field: 'pauseUntil', detail: 'at most 2026-09-20' },
    });
  });
});

describe('two-person confirmation on a critical case', () => {
  const critical = { ...pending, critical: true };
  const byA = { ...accept('2026-10-13'), actor: 'key-A' } as JustificationCommand;
  const proposed = () => {
    const d = decideJustification(critical, byA, ctx('2026-09-22'), 'J-1');
    if (!d.ok) throw new Error('refused');
    return {
      event: d.event,
      c: { ...critical, justifications: evolveJustifications(critical.justifications, d.event) },
    };
  };
  const answer = (actor: string, confirm: boolean): JustificationCommand => ({
    type: 'confirm',
    confirm,
    reason: confirm ? 'seen the transfer' : 'not convincing',
    actor,
  });

  it('given one inspector’s acceptance: only proposed, awaiting confirmation, the ladder not paused', () => {
    const { event, c } = proposed();
    expect(event).toEqual({
      type: 'justification.proposed',
      justificationId: 'J-1',
      reason: 'the owner’s transfer is on record',
      pausedUntil: '2026-10-13',
      proposedBy: 'key-A',
    });
    expect(c.justifications).toEqual([
      {
        justificationId: 'J-1',
        cycle: 1,
        decision: 'awaiting-confirmation',
        pausedUntil: null,
        proposal: { by: 'key-A', reason: 'the owner’s transfer is on record', pausedUntil: '2026-10-13' },
      },
    ]);
    expect(pausedUntil(c.justifications, '2026-09-23')).toBeUndefined();
    // A second decision or a new justification waits for the confirmation.
    expect(decideJustification(c, byA, ctx('2026-09-22'), 'J-1')).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict' },
    });
    expect(decideJustification(c, submit, ctx('2026-09-22'))).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict' },
    });
  });

  it('given the proposer confirming their own proposal: forbidden, either way', () => {
    const { c } = proposed();
    for (const confirm of [true, false])
      expect(decideJustification(c, answer('key-A', confirm), ctx('2026-09-23'), 'J-1')).toMatchObject({
        ok: false,
        refusal: { kind: 'forbidden' },
      });
  });

  it('given a second person confirming: accepted with the proposed pause, naming the proposer', () => {
    const { c } = proposed();
    const d = decideJustification(c, answer('key-B', true), ctx('2026-09-23'), 'J-1');
    expect(d).toEqual({
      ok: true,
      event: {
        type: 'justification.accepted',
        justificationId: 'J-1',
        reason: 'seen the transfer',
        pausedUntil: '2026-10-13',
        proposedBy: 'key-A',
      },
    });
    if (!d.ok) throw new Error('refused');
    const after = evolveJustifications(c.justifications, d.event);
    expect(pausedUntil(after, '2026-09-23')).toBe('2026-10-13');
  });

  it('given a second person declining: rejected; a confirmation of a non-proposal is a conflict', () => {
    const { c } = proposed();
    const d = decideJustification(c, answer('key-B', false), ctx('2026-09-23'), 'J-1');
    expect(d).toMatchObject({ ok: true, event: { type: 'justification.rejected', proposedBy: 'key-A' } });
    expect(decideJustification(pending, answer('key-B', true), ctx('2026-09-23'), 'J-1')).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict', message: 'justification J-1 is not awaiting confirmation' },
    });
  });

  it('given a rejection on a critical case: final at once, no confirmation needed', () => {
    expect(
      decideJustification(
        critical,
        { type: 'decide', decision: 'rejected', reason: 'no', actor: 'key-A' },
        ctx('2026-09-22'),
        'J-1',
      ),
    ).toEqual({ ok: true, event: { type: 'justification.rejected', justificationId: 'J-1', reason: 'no' } });
  });

  it('given an unbounded proposal: refused like any acceptance', () => {
    expect(
      decideJustification(
        critical,
        { ...accept('9999-12-31'), actor: 'key-A' } as JustificationCommand,
        ctx('2026-09-22'),
        'J-1',
      ),
    ).toMatchObject({ ok: false, refusal: { kind: 'invalid', field: 'pauseUntil' } });
  });
});
