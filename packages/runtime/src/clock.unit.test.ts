import { describe, expect, it } from 'vitest';
import { createClock, ReplayClock, systemClock } from './clock.ts';

describe('the replay clock (WAGEWATCH_CLOCK=manual)', () => {
  it('starts at the epoch, or at the start instant given', () => {
    expect(new ReplayClock().now().toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(new ReplayClock(new Date('2026-08-01T00:00:00+08:00')).now().toISOString()).toBe(
      '2026-07-31T16:00:00.000Z',
    );
  });

  it('moves to the latest instant swept to, never back', () => {
    const clock = new ReplayClock(new Date('2026-08-01T00:00:00Z'));
    clock.sweptTo(new Date('2026-08-05T15:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-08-05T15:00:00.000Z');
    clock.sweptTo(new Date('2026-08-03T15:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-08-05T15:00:00.000Z');
    clock.sweptTo(new Date(Number.NaN));
    expect(clock.now().toISOString()).toBe('2026-08-05T15:00:00.000Z');
  });

  it('hands out copies: a caller cannot move it by mutating a Date', () => {
    const clock = new ReplayClock(new Date('2026-08-01T00:00:00Z'));
    clock.now().setFullYear(2030);
    expect(clock.now().toISOString()).toBe('2026-08-01T00:00:00.000Z');
  });

  it('is what the composition root gets for manual; system is the wall clock, which ignores sweeps', () => {
    expect(createClock('manual')).toBeInstanceOf(ReplayClock);
    expect(createClock('system')).toBe(systemClock);
    expect(systemClock.sweptTo).toBeUndefined();
  });
});
