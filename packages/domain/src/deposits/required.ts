/**
 * The required wage-guarantee deposit of one project under a policy row (人社部发〔2021〕65号).
 *
 * The steps, in this order, each leaving a human reason:
 *  1. Small-contract exemption: contract value below the threshold (¥3,000,000) and no arrears
 *     in the year before signing → exempt.
 *  2. Clean-years exemption: `exemptAfterCleanYears` (3) clean years, real-name registration and
 *     the dedicated account in place → exempt.
 *     A blacklisted contractor gets neither exemption (nor the reduction of step 4).
 *  3. Ratio: the base ratio (2 %), or the same-area floor (0.5 %) for a further project of the
 *     contractor in the same area.
 *  4. Reduction after `reductionAfterCleanYears.years` (2) clean years: × factor (½). Not below
 *     the same-area floor: a further project already at the floor is not reduced again.
 *  5. Increase: blacklisted → +100 % (or the province's blacklist ratio, which replaces the
 *     ratio); else arrears in the prior 2 years → +50 % (or the province's arrears ratio). The
 *     blacklist wins; the two never stack.
 *  6. Cap: the policy's cap; for a blacklisted contractor the blacklist cap (`null`: none).
 *
 * Every multiplication is integer arithmetic in fen, rounded half up to the fen at each step
 * (the reasons show each intermediate amount, so each is a whole fen).
 */
import { addDays, type LocalDate } from '../dates.ts';
import { formatFen } from '../money.ts';
import { addYears, type ContractorRecord } from './contractor-record.ts';
import type { DepositPolicy } from './policy.ts';

export type RequiredDepositInput = {
  contractValueFen: bigint;
  permitDate: LocalDate;
  contractorRecord: ContractorRecord;
  /** Other open projects of the contractor in the same area (0: this is its only one). */
  sameAreaOtherOpenProjects: number;
  policy: DepositPolicy;
  /**
   * Real-name registration and the dedicated wage account in place: a condition of the
   * clean-years exemption (DOMAIN.md). Default true.
   */
  realNameAndAccountInPlace?: boolean;
};

export type RequiredDepositReasonCode =
  | 'exempt-small-contract'
  | 'small-contract-not-exempt'
  | 'exempt-clean-years'
  | 'clean-years-not-exempt'
  | 'base-ratio'
  | 'same-area-floor'
  | 'clean-years-reduction'
  | 'reduction-not-below-floor'
  | 'arrears-increase'
  | 'arrears-ratio'
  | 'blacklist-increase'
  | 'blacklist-ratio'
  | 'cap'
  | 'blacklist-uncapped';

export type RequiredDepositReason = { code: RequiredDepositReasonCode; text: string; effectFen?: bigint };

export type RequiredDeposit = {
  amountFen: bigint;
  exempt: boolean;
  reasons: RequiredDepositReason[];
  policyId: string;
};

/** '¥12,000,000.00'. */
export function yuanText(fen: bigint): string {
  const [int = '0', dec = '00'] = formatFen(fen).split('.');
  const negative = int.startsWith('-');
  const digits = negative ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${grouped}.${dec}`;
}

/** 200 → '2%', 150 → '1.5%', 75 → '0.75%'. */
export function percentText(bp: number): string {
  return `${bp / 100}%`;
}

/** amount × bp / 10000, rounded half up to the fen (amount and bp non-negative). */
export function applyBp(amountFen: bigint, bp: number): bigint {
  if (!Number.isInteger(bp) || bp < 0)
    throw new RangeError(`basis points must be a whole number ≥ 0, got ${bp}`);
  return (amountFen * BigInt(bp) + 5000n) / 10000n;
}

export function requiredDeposit(input: RequiredDepositInput): RequiredDeposit {
  const { contractValueFen: value, contractorRecord: r, policy } = input;
  if (value < 0n) throw new RangeError('contractValueFen must not be negative');
  if (!Number.isInteger(input.sameAreaOtherOpenProjects) || input.sameAreaOtherOpenProjects < 0) {
    throw new RangeError(
      `sameAreaOtherOpenProjects must be a whole number ≥ 0, got ${input.sameAreaOtherOpenProjects}`,
    );
  }
  const reasons: RequiredDepositReason[] = [];
  const exempt = (code: RequiredDepositReasonCode, text: string): RequiredDeposit => ({
    amountFen: 0n,
    exempt: true,
    reasons: [...reasons, { code, text }],
    policyId: policy.id,
  });

  // 1. Small contract.
  const signing = r.signedOn ?? input.permitDate;
  const arrearsBeforeSigning = r.arrearsInYearBeforeSigning ?? r.arrearsInPriorYear;
  const threshold = policy.smallContractExemptionBelowFen;
  if (value < threshold) {
    const small = `contract value ${yuanText(value)} is below ${yuanText(threshold)}`;
    if (!arrearsBeforeSigning && !r.blacklisted) {
      return exempt(
        'exempt-small-contract',
        `exempt: ${small} and the contractor had no arrears in the year before ${signing}`,
      );
    }
    reasons.push({
      code: 'small-contract-not-exempt',
      text: `not exempt although ${small}: ${
        r.blacklisted
          ? 'the contractor is blacklisted'
          : `the contractor had arrears in the year before ${signing}`
      }`,
    });
  }

  // 2. Clean years.
  if (r.cleanYears >= policy.exemptAfterCleanYears) {
    const clean = `${r.cleanYears} clean years (exempt from ${policy.exemptAfterCleanYears})`;
    const realName = input.realNameAndAccountInPlace ?? true;
    if (!r.blacklisted && realName) {
      return exempt(
        'exempt-clean-years',
        `exempt: ${clean}, real-name registration and the dedicated account in place`,
      );
    }
    reasons.push({
      code: 'clean-years-not-exempt',
      text: `not exempt despite ${clean}: ${
        r.blacklisted
          ? 'the contractor is blacklisted'
          : 'real-name registration or the dedicated wage account is not in place'
      }`,
    });
  }

  // 3. Ratio.
  const sameArea = input.sameAreaOtherOpenProjects > 0;
  const ratioBp = sameArea ? policy.sameAreaFloorBp : policy.baseRatioBp;
  let amount = applyBp(value, ratioBp);
  reasons.push(
    sameArea
      ? {
          code: 'same-area-floor',
          text: `same-area floor ${percentText(ratioBp)} of ${yuanText(value)} = ${yuanText(amount)} (the contractor has ${input.sameAreaOtherOpenProjects} other open project(s) in the area)`,
          effectFen: amount,
        }
      : {
          code: 'base-ratio',
          text: `base ${percentText(ratioBp)} of ${yuanText(value)} = ${yuanText(amount)}`,
          effectFen: amount,
        },
  );

  // 4. Reduction after clean years.
  const { years: reduceAfter, factorBp } = policy.reductionAfterCleanYears;
  if (r.cleanYears >= reduceAfter && !r.blacklisted) {
    if (sameArea) {
      reasons.push({
        code: 'reduction-not-below-floor',
        text: `${r.cleanYears} clean years, but a further same-area project is already at the ${percentText(ratioBp)} floor: not reduced`,
      });
    } else {
      const reduced = applyBp(amount, factorBp);
      reasons.push({
        code: 'clean-years-reduction',
        text: `${r.cleanYears} clean years: reduced to ${percentText(factorBp)} of ${yuanText(amount)} = ${yuanText(reduced)}`,
        effectFen: reduced - amount,
      });
      amount = reduced;
    }
  }

  // 5. Increase: the blacklist wins over arrears; they never stack.
  const increase = (
    ratioOverrideBp: number | undefined,
    increaseBp: number,
    why: string,
    codes: { ratio: RequiredDepositReasonCode; increase: RequiredDepositReasonCode },
  ) => {
    const next =
      ratioOverrideBp !== undefined ? applyBp(value, ratioOverrideBp) : applyBp(amount, 10000 + increaseBp);
    reasons.push(
      ratioOverrideBp !== undefined
        ? {
            code: codes.ratio,
            text: `${why}: the province's ${percentText(ratioOverrideBp)} of ${yuanText(value)} = ${yuanText(next)}`,
            effectFen: next - amount,
          }
        : {
            code: codes.increase,
            text: `${why}: +${percentText(increaseBp)} of ${yuanText(amount)} = ${yuanText(next)}`,
            effectFen: next - amount,
          },
    );
    amount = next;
  };
  if (r.blacklisted) {
    increase(
      policy.blacklistRatioBp,
      policy.blacklistIncreaseBp,
      `contractor on the serious-dishonesty list${r.arrearsInPrior2Years ? ' (the arrears increase does not stack)' : ''}`,
      { ratio: 'blacklist-ratio', increase: 'blacklist-increase' },
    );
  } else if (r.arrearsInPrior2Years) {
    increase(
      policy.arrearsRatioBp,
      policy.arrearsIncreaseBp,
      // Named by its own dates, not today's: the reason (and a finding citing it) does not move daily.
      r.lastArrearsOn
        ? `arrears within the last 2 years (last on ${r.lastArrearsOn}, counted through ${addDays(addYears(r.lastArrearsOn, 2), -1)})`
        : `arrears in the 2 years before ${r.asOf}`,
      { ratio: 'arrears-ratio', increase: 'arrears-increase' },
    );
  }

  // 6. Cap.
  let cap = policy.capFen;
  if (r.blacklisted && policy.blacklistCapFen !== undefined) {
    cap = policy.blacklistCapFen ?? undefined;
    if (policy.blacklistCapFen === null && policy.capFen !== undefined) {
      reasons.push({
        code: 'blacklist-uncapped',
        text: `no cap for a blacklisted contractor (the ${yuanText(policy.capFen)} cap does not apply)`,
      });
    }
  }
  if (cap !== undefined && amount > cap) {
    reasons.push({ code: 'cap', text: `capped at ${yuanText(cap)}`, effectFen: cap - amount });
    amount = cap;
  }
  return { amountFen: amount, exempt: false, reasons, policyId: policy.id };
}
