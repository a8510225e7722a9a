/**
 * The clock is a port: rules never call `new Date()` themselves. The composition root chooses
 * one (`WAGEWATCH_CLOCK`): `system` (the wall clock) or `manual` (a replay: the system's time is
 * the latest instant it was swept to). See docs/adr/0007-the-system-clock.md.
 */
import { ValidationError } from './errors.ts';

export interface Clock {
  now(): Date;
  /** A manual clock (a replay's, or a test's): a sweep may move time past the wall clock. */
  readonly manual?: boolean;
  /**
   * Told the instant every time-based evaluation has just run at (a sweep). The replay clock
   * moves there (forward only); the wall clock ignores it.
   */
  sweptTo?(instant: Date): void;
}

export const systemClock: Clock = { now: () => new Date() };

export type ClockMode = 'system' | 'manual';
export const CLOCK_MODES = ['system', 'manual'] as const;

/**
 * The replay clock (`WAGEWATCH_CLOCK=manual`): nothing runs on the wall clock. Its "now" is the
 * latest instant the system was swept to, or the start instant before the first sweep; it only
 * moves forward, and only when a sweep (or a restart reading the persisted sweep instant) says so.
 */
export class ReplayClock implements Clock {
  readonly manual = true;
  private current: number;
  constructor(start: Date = new Date(0)) {
    this.current = start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  sweptTo(instant: Date): void {
    const t = instant.getTime();
    if (Number.isFinite(t) && t > this.current) this.current = t;
  }
}

/** The clock a composition root runs on. */
export function createClock(mode: ClockMode, start?: Date): Clock {
  return mode === 'manual' ? new ReplayClock(start) : systemClock;
}

/** A clock for tests: it moves only when told to (set may move it back; sweeps do not move it). */
export class ManualClock implements Clock {
  readonly manual = true;
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(instant: Date | string): void {
    this.current = new Date(instant);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** How far past its own now a live system may be swept (clock skew between processes). */
export const SWEEP_TOLERANCE_MS = 60_000;

/**
 * A live system (the wall clock) cannot be swept past its own now: a sweep years ahead would
 * raise every deadline at once and, time moving forward only, could never be undone. Only a
 * manual clock (a replay, `WAGEWATCH_CLOCK=manual`, or a test's) may be swept ahead.
 */
export function assertSweepable(clock: Clock, asOf: Date): void {
  if (clock.manual) return;
  const now = clock.now();
  if (asOf.getTime() > now.getTime() + SWEEP_TOLERANCE_MS)
    throw new ValidationError(
      `asOf ${asOf.toISOString()} is after the system's now (${now.toISOString()}): only a system on the manual clock of a replay (WAGEWATCH_CLOCK=manual) may be swept into the future`,
      [{ field: 'asOf', message: 'in the future of a live system' }],
    );
}
