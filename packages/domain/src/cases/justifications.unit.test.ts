import { describe, expect, it } from 'vitest';
import { createCalendar, defaultCalendar } from '../calendar.ts';
import {
  decideJustification,
  evolveJustifications,
  type JustificationCase,
  type JustificationCommand,
} from './justifications.ts';
import { DEFAULT_LADDER_CONFIG } from './ladder.ts';

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
    expect(decideJustification(pending, accept('2027-01-15'), ctx('2026-12-24'), 'J-1').ok).toBe(true);
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
