/**
 * The clock is a port: rules never call `new Date()` themselves. The composition root chooses
 * one (`WAGEWATCH_CLOCK`): `system` (the wall clock) or `manual` (a replay: the system's time is
 * the latest instant it was swept to). See docs/adr/0007-the-system-clock.md.
 */
export interface Clock {
  now(): Date;
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
