import { createCalendar } from './calendar.ts';

/**
 * For tests: the built-in calendar with a fictitious 2027 notice (only the Spring Festival,
 * 6-12 February 2027, no make-up days). The package's calendar does not know 2027 yet, so the
 * 2026-27 winter campaign has no end without it; a test that needs one uses this calendar.
 * Not the State Council's notice: replace it when the real one is in calendar-overrides.ts.
 */
export const WITH_FICTITIOUS_2027 = createCalendar({
  extraYears: {
    2027: {
      notice: {
        holidays: [
          {
            keys: ['spring-festival'],
            name: 'Spring Festival',
            firstDay: '2027-02-06',
            lastDay: '2027-02-12',
          },
        ],
        makeUpWorkdays: [],
      },
    },
  },
});
