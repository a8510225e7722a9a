import { CalendarCoverageError, type WorkingDayCalendar } from '../calendar.ts';
import { addDays, type LocalDate, yearOf } from '../dates.ts';

/**
 * A date `n` working days after another, as the inspection side counts every "N working days"
 * (ladder rungs, task SLAs, justification pauses, campaign tasks): on the holiday-aware
 * calendar, make-up working days included, from the day after the starting day.
 */
export type WorkingDayDeadline = {
  dueOn: LocalDate;
  /**
   * Set when the calendar does not cover a year the count crosses: `dueOn` is then an estimate
   * in calendar days (n × 7 / 5, rounded up), and this says so. Whoever records the date records
   * the warning with it (DOMAIN.md: never a silent guess).
   */
  warning?: string;
};

/**
 * `n` working days after `from` (`from` itself not counted), or, beyond the calendar's
 * coverage, an estimate in calendar days with a warning naming the year the calendar lacks.
 */
export function workingDaysAfter(
  calendar: WorkingDayCalendar,
  from: LocalDate,
  n: number,
): WorkingDayDeadline {
  try {
    return { dueOn: calendar.addWorkingDays(from, n) };
  } catch (err) {
    if (!(err instanceof CalendarCoverageError)) throw err;
    const dueOn = addDays(from, Math.ceil((n * 7) / 5));
    return {
      dueOn,
      warning:
        `${n} working days after ${from} cannot be counted: the holiday calendar does not cover ${err.year}; ` +
        `${dueOn} is an estimate in calendar days (${Math.ceil((n * 7) / 5)} days), to be checked once the ` +
        `State Council's notice for ${err.year} is in the calendar`,
    };
  }
}

/**
 * The last working day before `d` (the eve of a holiday block, for an audit task), or, when the
 * calendar does not cover that year, the day before with a warning saying so.
 */
export function lastWorkingDayBefore(calendar: WorkingDayCalendar, d: LocalDate): WorkingDayDeadline {
  const eve = addDays(d, -1);
  try {
    return { dueOn: calendar.previousWorkingDayOnOrBefore(eve) };
  } catch (err) {
    if (!(err instanceof CalendarCoverageError)) throw err;
    return {
      dueOn: eve,
      warning: `the last working day before ${d} cannot be known: the holiday calendar does not cover ${yearOf(eve)}; ${eve} is used, to be checked`,
    };
  }
}
