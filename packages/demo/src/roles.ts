/**
 * The demo city's plan: its ten projects in registration order, the role each plays (the
 * breach it plants, README.md), and the constants of those breaches. The files beside this one
 * plant them: demo.ts the registry and sheets; wages.ts the wage payments; feed.ts the bank
 * feeds; allocations.ts the owner's credits; deposits.ts rules 10-13.
 */
import { addMonths, comparePeriods, isPeriod, NATIONAL_DEFAULT } from '@wagewatch/domain';
import { DISTRICTS, type District } from './data.ts';
import type { LedgerRecord } from './ledger.ts';
import type { ExpectedCase, ExpectedRule, Sector } from './types.ts';

export const [DONG, XI, RENHE, MIYI, YANBIAN] = DISTRICTS;

export type Spec = { name: string; district: District; sector: Sector; payDay: number };

/** Registration order. The comment names each project's deliberate roles. */
export const SPECS: Spec[] = [
  // 0: wages-missed (last month, 3 workers), arrears-growing (a 4th worker unpaid for the last two
  //    months); its contractor also builds project 8
  { name: '攀枝花市东区炳草岗安置房项目', district: DONG, sector: 'housing', payDay: 10 },
  // 1: wages-late (first month, 3 workers, 3/7/12 days); labour-cost-missing, resolved (the owner
  //    skips a cycle); one unsigned line in the last month (a case at the ladder's warning step)
  { name: '攀枝花市西区格里坪片区道路改造工程', district: XI, sector: 'transport', payDay: 15 },
  // 2: wages-short (last month, 2 workers at 80%); pay day 5 falls in the National Day block;
  //    the owner allocates only what each month's payments need and stops: labour-cost-missing
  //    (open) and balance-short before the pay date after the last day
  { name: '攀枝花市仁和区金江水厂扩建工程', district: RENHE, sector: 'water', payDay: 5 },
  // 3: wrong-payee (the foreman's card, second month); guarantee-expiring
  { name: '攀枝花市东区大渡口棚户区改造项目', district: DONG, sector: 'housing', payDay: 20 },
  // 4: paid-outside-account (one worker also paid from project 5's account); a deposit draw
  //    topped up on the 10th working day (no finding)
  { name: '米易县安宁河堤防综合整治工程', district: MIYI, sector: 'water', payDay: 25 },
  // 5: wrong-payee (pays project 4's worker); pay day 31: the last month is paid early;
  //    deposit-missing
  { name: '盐边县新县城至桐子林大桥连接线工程', district: YANBIAN, sector: 'transport', payDay: 31 },
  // 6: payroll-unsigned (2 lines), a failed payment retried, the statement mismatch
  { name: '攀枝花市仁和区康养产业园配套学校项目', district: RENHE, sector: 'other', payDay: 10 },
  // 7: payroll-missing (second month); deposit drawn and never topped up (deposit-not-topped-up)
  { name: '攀枝花市西区清香坪保障性住房项目', district: XI, sector: 'housing', payDay: 15 },
  // 8: feed gap around the second month's due date, all paid on time; same contractor as
  //    project 0, deposit lodged at exactly the base: deposit-short once that contractor has arrears
  { name: '米易县攀莲镇老旧小区改造项目', district: MIYI, sector: 'housing', payDay: 20 },
  // 9: a payment returned, paid again after the due date (wages-late)
  { name: '攀枝花市东区攀钢片区雨污分流管网工程', district: DONG, sector: 'water', payDay: 25 },
];
export const MISSED = 0;
export const LATE = 1;
export const SHORT = 2;
export const WRONG_PAYEE = 3;
export const OUTSIDE_VICTIM = 4;
export const OUTSIDE_PAYER = 5;
export const UNSIGNED = 6;
export const PAYROLL_MISSING = 7;
export const FEED_GAP = 8;
export const RETURNED = 9;
// Roles of rules 7-13 (README.md).
export const ARREARS = MISSED;
export const LABOUR_SKIP = LATE;
export const LEAN_OWNER = SHORT;
export const GUARANTEE_EXPIRING = WRONG_PAYEE;
export const DRAW_TOPPED_UP = OUTSIDE_VICTIM;
export const DEPOSIT_MISSING = OUTSIDE_PAYER;
export const DRAW_NOT_TOPPED_UP = PAYROLL_MISSING;
export const SHORT_PAIR = FEED_GAP;
/** Projects whose deposit plays a role: never exempt (contract value ¥3,000,000 or more). */
export const NOT_EXEMPT = new Set([
  ARREARS,
  GUARANTEE_EXPIRING,
  DRAW_TOPPED_UP,
  DEPOSIT_MISSING,
  DRAW_NOT_TOPPED_UP,
  SHORT_PAIR,
]);
/** Projects whose deposit is a bank guarantee (the rest lodge cash). */
export const GUARANTEED = new Set([GUARANTEE_EXPIRING, UNSIGNED, RETURNED]);
export const EXEMPT_BELOW_FEN = NATIONAL_DEFAULT.smallContractExemptionBelowFen;

export const LATE_DAYS = [3, 7, 12];
export const SHORT_PERCENT = 80n;
export const FEE_FEN = 1_800n;

export function checkMonths(months: readonly string[]): void {
  if (months.length < 2) throw new RangeError('the demo city needs at least two months');
  months.forEach((m, i) => {
    if (!isPeriod(m)) throw new RangeError(`not a period (YYYY-MM): ${m}`);
    const prev = months[i - 1];
    if (prev !== undefined && comparePeriods(addMonths(prev, 1), m) !== 0) {
      throw new RangeError('the months must be consecutive and in order');
    }
  });
}

export type Pending = { rule: ExpectedRule; c: ExpectedCase; rec?: LedgerRecord };
