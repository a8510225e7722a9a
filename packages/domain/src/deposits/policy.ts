/**
 * The provincial wage-guarantee deposit policy (人社部发〔2021〕65号) as data: one row per
 * province (or per example), never a branch in code. `requiredDeposit` reads a row; the active
 * row is chosen by configuration (`policyById`).
 *
 * Ratios are integer basis points (1 bp = 0.01 %, 200 = 2 %), amounts integer fen (`bigint`).
 */

export type DepositPolicy = {
  id: string;
  name: string;
  /** Share of the contract value, in basis points (200 = 2 %); within [minRatioBp, maxRatioBp]. */
  baseRatioBp: number;
  /** The legal band for the base ratio: 1 % to 3 %. */
  minRatioBp: number;
  maxRatioBp: number;
  /** Cap on the required amount; absent: no cap. */
  capFen?: bigint;
  /** A contractor's further projects in the same area: the ratio may go down to this (0.5 %). */
  sameAreaFloorBp: number;
  /** Contracts below this value are exempt when the contractor had no arrears in the year before signing. */
  smallContractExemptionBelowFen: bigint;
  /** After `years` clean years the amount is multiplied by `factorBp` (5000 = halved). */
  reductionAfterCleanYears: { years: number; factorBp: number };
  /** After this many clean years the contractor is exempt (with real-name registration and the account). */
  exemptAfterCleanYears: number;
  /** Increase after arrears in the prior 2 years (5000 = +50 %; the law says at least 50 %). */
  arrearsIncreaseBp: number;
  /** Increase for a contractor on the serious-dishonesty list (10000 = +100 %; at least 100 %). */
  blacklistIncreaseBp: number;
  /** Replaces the ratio after arrears in the prior 2 years when the province names one (3 %). */
  arrearsRatioBp?: number;
  /** Replaces the ratio for a blacklisted contractor when the province names one (4 %). */
  blacklistRatioBp?: number;
  /**
   * The cap for a blacklisted contractor: absent (undefined) means the ordinary `capFen`; `null`
   * means no cap at all (the province uncaps when blacklisted); an amount is its own cap.
   */
  blacklistCapFen?: bigint | null;
  /** Where the figures come from. */
  source: string;
};

const YUAN = 100n;

/** The national defaults of 人社部发〔2021〕65号 as DOMAIN.md states them. */
export const NATIONAL_DEFAULT: DepositPolicy = {
  id: 'national-default',
  name: 'National default: 2 %, no cap',
  baseRatioBp: 200,
  minRatioBp: 100,
  maxRatioBp: 300,
  sameAreaFloorBp: 50,
  smallContractExemptionBelowFen: 3_000_000n * YUAN,
  reductionAfterCleanYears: { years: 2, factorBp: 5000 },
  exemptAfterCleanYears: 3,
  arrearsIncreaseBp: 5000,
  blacklistIncreaseBp: 10000,
  source: '人社部发〔2021〕65号; DOMAIN.md "The wage-guarantee deposit"',
};

/** Example province A (DOMAIN.md): 1.5 % capped at ¥5 million, the cap kept when blacklisted. */
export const EXAMPLE_PROVINCE_A: DepositPolicy = {
  ...NATIONAL_DEFAULT,
  id: 'example-province-a',
  name: 'Example province A: 1.5 % capped at ¥5,000,000',
  baseRatioBp: 150,
  capFen: 5_000_000n * YUAN,
  source: 'DOMAIN.md example: "1.5% capped at ¥5 million"',
};

/**
 * Example province B (DOMAIN.md): 2 % capped at ¥10 million, 3 % after arrears and 4 % uncapped
 * when blacklisted. The province names ratios, so they replace the +50 % / +100 % increases.
 */
export const EXAMPLE_PROVINCE_B: DepositPolicy = {
  ...NATIONAL_DEFAULT,
  id: 'example-province-b',
  name: 'Example province B: 2 % capped at ¥10,000,000; 3 % after arrears; 4 % uncapped when blacklisted',
  baseRatioBp: 200,
  capFen: 10_000_000n * YUAN,
  arrearsRatioBp: 300,
  blacklistRatioBp: 400,
  blacklistCapFen: null,
  source:
    'DOMAIN.md example: "2% capped at ¥10 million with 3% after arrears and 4% uncapped when blacklisted"',
};

export const DEPOSIT_POLICIES: Readonly<Record<string, DepositPolicy>> = Object.freeze({
  [NATIONAL_DEFAULT.id]: NATIONAL_DEFAULT,
  [EXAMPLE_PROVINCE_A.id]: EXAMPLE_PROVINCE_A,
  [EXAMPLE_PROVINCE_B.id]: EXAMPLE_PROVINCE_B,
});

export class UnknownDepositPolicyError extends Error {
  readonly code = 'UNKNOWN_DEPOSIT_POLICY';
  readonly policyId: string;
  constructor(policyId: string, known: readonly string[]) {
    super(
      `unknown deposit policy ${JSON.stringify(policyId)}; known policies: ${known.join(', ')} ` +
        '(add a row to DEPOSIT_POLICIES in packages/domain/src/deposits/policy.ts)',
    );
    this.name = 'UnknownDepositPolicyError';
    this.policyId = policyId;
  }
}

/** The policy row for an id (from configuration); throws UnknownDepositPolicyError otherwise. */
export function policyById(
  id: string,
  policies: Readonly<Record<string, DepositPolicy>> = DEPOSIT_POLICIES,
): DepositPolicy {
  const policy = Object.hasOwn(policies, id) ? policies[id] : undefined;
  if (!policy) throw new UnknownDepositPolicyError(id, Object.keys(policies));
  return policy;
}

const isBp = (n: number) => Number.isInteger(n) && n >= 0;

/** What is wrong with a policy row; empty when it is usable. */
export function validatePolicy(p: DepositPolicy): string[] {
  const problems: string[] = [];
  const bp: Array<[string, number | undefined]> = [
    ['baseRatioBp', p.baseRatioBp],
    ['minRatioBp', p.minRatioBp],
    ['maxRatioBp', p.maxRatioBp],
    ['sameAreaFloorBp', p.sameAreaFloorBp],
    ['reductionAfterCleanYears.factorBp', p.reductionAfterCleanYears.factorBp],
    ['arrearsIncreaseBp', p.arrearsIncreaseBp],
    ['blacklistIncreaseBp', p.blacklistIncreaseBp],
    ['arrearsRatioBp', p.arrearsRatioBp],
    ['blacklistRatioBp', p.blacklistRatioBp],
  ];
  for (const [name, v] of bp) {
    if (v !== undefined && !isBp(v))
      problems.push(`${name} must be a whole number of basis points ≥ 0, got ${v}`);
  }
  if (p.baseRatioBp < p.minRatioBp || p.baseRatioBp > p.maxRatioBp) {
    problems.push(`baseRatioBp ${p.baseRatioBp} is outside [${p.minRatioBp}, ${p.maxRatioBp}]`);
  }
  if (p.sameAreaFloorBp > p.baseRatioBp) problems.push('sameAreaFloorBp is above baseRatioBp');
  if (p.reductionAfterCleanYears.factorBp > 10000)
    problems.push('reductionAfterCleanYears.factorBp is above 10000');
  if (p.arrearsIncreaseBp < 5000)
    problems.push('arrearsIncreaseBp is below the legal minimum of +50 % (5000)');
  if (p.blacklistIncreaseBp < 10000)
    problems.push('blacklistIncreaseBp is below the legal minimum of +100 % (10000)');
  if (p.arrearsRatioBp !== undefined && p.arrearsRatioBp * 10000 < p.baseRatioBp * 15000) {
    problems.push('arrearsRatioBp is less than 1.5 × baseRatioBp (the law says at least +50 %)');
  }
  if (p.blacklistRatioBp !== undefined && p.blacklistRatioBp < p.baseRatioBp * 2) {
    problems.push('blacklistRatioBp is less than 2 × baseRatioBp (the law says at least +100 %)');
  }
  for (const [name, v] of [
    ['capFen', p.capFen],
    ['smallContractExemptionBelowFen', p.smallContractExemptionBelowFen],
    ['blacklistCapFen', p.blacklistCapFen ?? undefined],
  ] as const) {
    if (v !== undefined && v < 0n) problems.push(`${name} is negative`);
  }
  if (!Number.isInteger(p.exemptAfterCleanYears) || p.exemptAfterCleanYears < 1) {
    problems.push('exemptAfterCleanYears must be a whole number ≥ 1');
  }
  if (!Number.isInteger(p.reductionAfterCleanYears.years) || p.reductionAfterCleanYears.years < 1) {
    problems.push('reductionAfterCleanYears.years must be a whole number ≥ 1');
  }
  return problems;
}
