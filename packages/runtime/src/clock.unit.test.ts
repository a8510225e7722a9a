import { describe, expect, it } from 'vitest';
import { assertSweepable, type Clock, createClock, ManualClock, ReplayClock, systemClock } from './clock.ts';
import { ValidationError } from './errors.ts';

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

describe('assertSweepable (issue 11: no sweep into the future of a live system)', () => {
  const now = new Date('2026-11-29T02:00:00Z');
  const live: Clock = { now: () => new Date(now) };
  it('refuses a live clock swept years ahead with a 400 naming asOf, and allows up to a minute of skew', () => {
    expect(() => assertSweepable(live, new Date('2030-01-01T00:00:00Z'))).toThrow(ValidationError);
    expect(() => assertSweepable(live, new Date(now.getTime() + 60_001))).toThrow(/manual clock/);
    expect(() => assertSweepable(live, new Date(now.getTime() + 60_000))).not.toThrow();
    expect(() => assertSweepable(live, new Date('2026-01-01T00:00:00Z'))).not.toThrow();
  });
  it('lets a replay clock and a test manual clock be swept ahead', () => {
    expect(() => assertSweepable(new ReplayClock(now), new Date('2030-01-01T00:00:00Z'))).not.toThrow();
    expect(() => assertSweepable(new ManualClock(now), new Date('2030-01-01T00:00:00Z'))).not.toThrow();
    expect(systemClock.manual).toBeUndefined();
  });
});
