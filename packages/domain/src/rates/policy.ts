/**
 * The compliance policy of the payment rates (issue 14): when a project or an employer counts as
 * compliant for a pay period, and when a project counts as delinquent. Data, one row per province
 * (or example), chosen by configuration like the deposit policy (`WAGEWATCH_RATE_POLICY`);
 * shares are integer basis points (10000 = 100 %).
 */
export type RatePolicy = {
  id: string;
  name: string;
  /** A project or employer is compliant for a period when at least this share of its workers due were paid. */
  compliantShareBp: number;
  /**
   * A worker counts as paid when this share of their net pay arrived by the due date (10000: in
   * full). A multiple of 500 (5 %): the stored rates keep each worker's share in 5 % steps.
   */
  paidShareBp: number;
  /** A project whose last payroll sheet is this many days old is delinquent (LCPtracker: 42)... */
  sheetDelinquentDays: number;
  /** ...and red at this many (84). */
  sheetRedDays: number;
  /** An active project's wage account with no movement for this many days is idle. */
  accountIdleDays: number;
  source: string;
};

export const NATIONAL_RATE_POLICY: RatePolicy = {
  id: 'national-default',
  name: '全国口径：应发工人全部按时足额领到工资 (every worker due paid in full by the due date)',
  compliantShareBp: 10000,
  paidShareBp: 10000,
  sheetDelinquentDays: 42,
  sheetRedDays: 84,
  accountIdleDays: 45,
  source: '保障农民工工资支付条例 Art 12-14 (paid in full, on the agreed date); LCPtracker 42 / 84 days',
};

export const WPS_LIKE_RATE_POLICY: RatePolicy = {
  id: 'example-wps',
  name: '参照阿联酋 WPS：90% 的工人按时领到应发工资的 80% 以上 (UAE WPS-like: 90 % of workers paid at 80 %)',
  compliantShareBp: 9000,
  paidShareBp: 8000,
  sheetDelinquentDays: 42,
  sheetRedDays: 84,
  accountIdleDays: 45,
  source: 'DOMAIN.md "What the best systems elsewhere do": the UAE Wage Protection System',
};

export const RATE_POLICIES: Readonly<Record<string, RatePolicy>> = Object.freeze({
  [NATIONAL_RATE_POLICY.id]: NATIONAL_RATE_POLICY,
  [WPS_LIKE_RATE_POLICY.id]: WPS_LIKE_RATE_POLICY,
});

/** What is wrong with a rate policy row; empty when it is usable. */
export function validateRatePolicy(p: RatePolicy): string[] {
  const problems: string[] = [];
  const share = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 0 || v > 10000)
      problems.push(`${name} must be whole basis points in [0, 10000], got ${v}`);
  };
  share('compliantShareBp', p.compliantShareBp);
  share('paidShareBp', p.paidShareBp);
  if (p.paidShareBp % 500 !== 0 || p.paidShareBp === 0)
    problems.push(`paidShareBp must be a positive multiple of 500 (5 %), got ${p.paidShareBp}`);
  for (const [name, v] of [
    ['sheetDelinquentDays', p.sheetDelinquentDays],
    ['sheetRedDays', p.sheetRedDays],
    ['accountIdleDays', p.accountIdleDays],
  ] as const)
    if (!Number.isInteger(v) || v < 1) problems.push(`${name} must be a whole number of days ≥ 1, got ${v}`);
  if (p.sheetRedDays < p.sheetDelinquentDays)
    problems.push(
      `sheetRedDays (${p.sheetRedDays}) must not be below sheetDelinquentDays (${p.sheetDelinquentDays})`,
    );
  return problems;
}

/** The rate policy of an id (from configuration); throws, naming the known ones, otherwise. */
export function ratePolicyById(
  id: string,
  policies: Readonly<Record<string, RatePolicy>> = RATE_POLICIES,
): RatePolicy {
  const policy = Object.hasOwn(policies, id) ? policies[id] : undefined;
  if (!policy)
    throw new Error(
      `unknown rate policy ${JSON.stringify(id)}; known policies: ${Object.keys(policies).join(', ')} ` +
        '(add a row to RATE_POLICIES in packages/domain/src/rates/policy.ts)',
    );
  const problems = validateRatePolicy(policy);
  if (problems.length > 0) throw new Error(`rate policy ${id}: ${problems.join('; ')}`);
  return policy;
}
