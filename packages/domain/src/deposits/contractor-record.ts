/**
 * A contractor's record for the deposit policy, derived from the findings history (events), never
 * from a form: which wage findings it had, when, and whether it is on the serious-dishonesty list.
 * Dates of findings are taken in Asia/Shanghai (`shanghaiDate`).
 */
import { addDays, compareDates, isLocalDate, type LocalDate, maxDate, shanghaiDate } from '../dates.ts';
import { ARREARS_RULES, isRuleCode } from '../rules.ts';

/** One past finding of the contractor, on any of its projects. */
export type PastFinding = { rule: string; raisedAt: Date; projectId: string };

export type ContractorHistory = {
  findings: readonly PastFinding[];
  /** Last day on the serious-dishonesty list (失信联合惩戒名单), when listed. */
  blacklistedUntil?: LocalDate;
  /** When the contractor first appeared: clean years count from here at the earliest. */
  firstSeen: LocalDate;
};

export type ContractorRecordOptions = {
  /**
   * The contract (or permit) date: the small-contract exemption looks at arrears in the year
   * before signing, everything else at the years before `asOf`.
   */
  signedOn?: LocalDate;
};

export type ContractorRecord = {
  asOf: LocalDate;
  /** Arrears in the year before asOf: (asOf − 1 year, asOf]. */
  arrearsInPriorYear: boolean;
  /** Arrears in the 2 years before asOf: (asOf − 2 years, asOf]. */
  arrearsInPrior2Years: boolean;
  /** Whole years since the later of firstSeen and the last arrears, to asOf. */
  cleanYears: number;
  blacklisted: boolean;
  lastArrearsOn?: LocalDate;
  /** Set with `signedOn`: arrears in (signedOn − 1 year, signedOn]. */
  signedOn?: LocalDate;
  arrearsInYearBeforeSigning?: boolean;
};

/** The same day n years later (earlier when n < 0); 29 February becomes 28 February in other years. */
export function addYears(d: LocalDate, n: number): LocalDate {
  if (!isLocalDate(d)) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(d)}`);
  const year = Number(d.slice(0, 4)) + n;
  const candidate = `${String(year).padStart(4, '0')}${d.slice(4)}`;
  return isLocalDate(candidate) ? candidate : `${String(year).padStart(4, '0')}-02-28`;
}

/** Whole years from a to b (0 when b is before a year after a). */
export function wholeYearsBetween(a: LocalDate, b: LocalDate): number {
  if (compareDates(b, a) < 0) return 0;
  let n = Number(b.slice(0, 4)) - Number(a.slice(0, 4));
  while (n > 0 && compareDates(addYears(a, n), b) > 0) n--;
  return n;
}

const within = (d: LocalDate, ref: LocalDate, years: number) =>
  compareDates(d, addYears(ref, -years)) > 0 && compareDates(d, ref) <= 0;

/**
 * The contractor's record as of a date. Only findings raised on or before `asOf` count (a replay
 * as of an earlier date sees what was known then); findings of other rules are ignored.
 */
export function contractorRecord(
  history: ContractorHistory,
  asOf: LocalDate,
  options: ContractorRecordOptions = {},
): ContractorRecord {
  if (!isLocalDate(asOf)) throw new RangeError(`asOf is not a date: ${JSON.stringify(asOf)}`);
  if (!isLocalDate(history.firstSeen)) {
    throw new RangeError(`firstSeen is not a date: ${JSON.stringify(history.firstSeen)}`);
  }
  const { signedOn } = options;
  if (signedOn !== undefined && !isLocalDate(signedOn)) {
    throw new RangeError(`signedOn is not a date: ${JSON.stringify(signedOn)}`);
  }
  const arrearsDays = history.findings
    .filter((f) => isRuleCode(f.rule) && ARREARS_RULES.includes(f.rule))
    .map((f) => shanghaiDate(f.raisedAt))
    .filter((d) => compareDates(d, asOf) <= 0)
    .sort();
  const lastArrearsOn = arrearsDays[arrearsDays.length - 1];
  const cleanSince =
    lastArrearsOn === undefined ? history.firstSeen : maxDate(history.firstSeen, lastArrearsOn);
  const record: ContractorRecord = {
    asOf,
    arrearsInPriorYear: arrearsDays.some((d) => within(d, asOf, 1)),
    arrearsInPrior2Years: arrearsDays.some((d) => within(d, asOf, 2)),
    cleanYears: wholeYearsBetween(cleanSince, asOf),
    blacklisted: history.blacklistedUntil !== undefined && compareDates(asOf, history.blacklistedUntil) <= 0,
    ...(lastArrearsOn === undefined ? {} : { lastArrearsOn }),
  };
  if (signedOn === undefined) return record;
  return {
    ...record,
    signedOn,
    arrearsInYearBeforeSigning: arrearsDays.some((d) => within(d, signedOn, 1)),
  };
}

/**
 * The first day after `asOf` on which the contractor's record (as `contractorRecord` gives it)
 * can differ from its record on `asOf`, with no new finding: a finding raised later becomes known,
 * an arrears day leaves the 1- or 2-year window, a clean year completes, the blacklisting ends.
 * May be early (a day either side of an anniversary), never late; undefined when nothing changes.
 */
export function contractorRecordChangesOn(
  history: ContractorHistory,
  asOf: LocalDate,
): LocalDate | undefined {
  const candidates: LocalDate[] = [];
  // An anniversary, and the days either side of it (29 February has none in other years).
  const around = (d: LocalDate) => candidates.push(addDays(d, -1), d, addDays(d, 1));
  const arrearsDays = history.findings
    .filter((f) => isRuleCode(f.rule) && ARREARS_RULES.includes(f.rule))
    .map((f) => shanghaiDate(f.raisedAt));
  for (const d of arrearsDays) {
    candidates.push(d);
    for (const years of [1, 2]) around(addYears(d, years));
  }
  const known = arrearsDays.filter((d) => compareDates(d, asOf) <= 0).sort();
  const last = known[known.length - 1];
  const cleanSince = last === undefined ? history.firstSeen : maxDate(history.firstSeen, last);
  around(addYears(cleanSince, wholeYearsBetween(cleanSince, asOf) + 1));
  if (compareDates(history.firstSeen, asOf) > 0) candidates.push(history.firstSeen);
  if (history.blacklistedUntil !== undefined) candidates.push(addDays(history.blacklistedUntil, 1));
  return candidates.filter((d) => compareDates(d, asOf) > 0).sort()[0];
}
