import { addDays, isWeekend, type LocalDate, type WorkingDayCalendar } from '@wagewatch/domain';

/**
 * The generator's calendar: the real one where it has the State Council's notice, weekends only
 * in a year it does not cover (the same fallback the rules use, with their warning). So a demo
 * city loaded near the end of the data (its pay dates and deposit windows running into a year
 * whose notice is not published yet) is still generated, instead of throwing.
 */
export function withWeekendFallback(calendar: WorkingDayCalendar): WorkingDayCalendar {
  const working = (d: LocalDate) => (calendar.covers(d) ? calendar.isWorkingDay(d) : !isWeekend(d));
  const step = (d: LocalDate, dir: 1 | -1) => {
    let day = d;
    while (!working(day)) day = addDays(day, dir);
    return day;
  };
  return {
    ...calendar,
    coveredYears: () => calendar.coveredYears(),
    covers: (d) => calendar.covers(d),
    holidayName: (d) => calendar.holidayName(d),
    majorHolidays: (year) => calendar.majorHolidays(year),
    isWorkingDay: working,
    previousWorkingDayOnOrBefore: (d) => step(d, -1),
    nextWorkingDayOnOrAfter: (d) => step(d, 1),
    addWorkingDays(d, n) {
      let day = d;
      for (let left = Math.abs(n); left > 0; ) {
        day = addDays(day, n > 0 ? 1 : -1);
        if (working(day)) left--;
      }
      return day;
    },
    workingDaysBetween(a, b) {
      const [from, to, sign] = a <= b ? [a, b, 1] : [b, a, -1];
      let n = 0;
      for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (working(day)) n++;
      return sign * n;
    },
  };
}
