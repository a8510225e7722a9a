import { describe, expect, it } from 'vitest';
import { parseInstant } from '../dates.ts';
import { type ContractorHistory, contractorRecord, type PastFinding } from './contractor-record.ts';
import {
  DEPOSIT_POLICIES,
  type DepositPolicy,
  EXAMPLE_PROVINCE_A,
  EXAMPLE_PROVINCE_B,
  NATIONAL_DEFAULT,
  policyById,
  UnknownDepositPolicyError,
  validatePolicy,
} from './policy.ts';
import { type RequiredDeposit, requiredDeposit, yuanText } from './required.ts';

/*
 * Figures from DOMAIN.md "The wage-guarantee deposit": 1-3 % of the contract value (national
 * default 2 %), 0.5 % for a further project in the same area, exempt under ¥3,000,000 without
 * arrears in the year before signing, halved after 2 clean years, exempt after 3, +50 % after
 * arrears in the prior 2 years, +100 % when blacklisted. Provinces: A "1.5 % capped at ¥5 million",
 * B "2 % capped at ¥10 million with 3 % after arrears and 4 % uncapped when blacklisted".
 * Unless a test says otherwise the permit (and contract) date, and the record's asOf, is
 * 2026-03-02 and the contractor first appeared on 2024-06-01 (1 clean year, no findings).
 */
const PERMIT = '2026-03-02';
const yuan = (n: number): bigint => BigInt(n) * 100n;

function instant(local: string): Date {
  const d = parseInstant(`${local}T10:00:00+08:00`);
  if (!d) throw new RangeError(local);
  return d;
}
const arrears = (day: string, rule = 'wages-missed'): PastFinding => ({
  rule,
  raisedAt: instant(day),
  projectId: 'P-OLD',
});

function given(history: Partial<ContractorHistory> = {}, asOf = PERMIT) {
  const h: ContractorHistory = { findings: [], firstSeen: '2024-06-01', ...history };
  return contractorRecord(h, asOf, { signedOn: PERMIT });
}

function when(
  record: ReturnType<typeof contractorRecord>,
  contractValueFen: bigint,
  policy: DepositPolicy = NATIONAL_DEFAULT,
  sameAreaOtherOpenProjects = 0,
): RequiredDeposit {
  return requiredDeposit({
    contractValueFen,
    permitDate: PERMIT,
    contractorRecord: record,
    sameAreaOtherOpenProjects,
    policy,
  });
}
const codes = (r: RequiredDeposit) => r.reasons.map((x) => x.code);

describe('the policy table', () => {
  it('given the shipped rows, then each is valid and found by its id', () => {
    for (const [id, p] of Object.entries(DEPOSIT_POLICIES)) {
      expect(validatePolicy(p), id).toEqual([]);
      expect(policyById(id)).toBe(p);
    }
    expect(Object.keys(DEPOSIT_POLICIES)).toEqual([
      'national-default',
      'example-province-a',
      'example-province-b',
    ]);
  });

  it('given an unknown id, then policyById throws a clear error naming the known ones', () => {
    expect(() => policyById('atlantis')).toThrow(UnknownDepositPolicyError);
    expect(() => policyById('atlantis')).toThrow(
      /unknown deposit policy "atlantis"; known policies: national-default/,
    );
    expect(() => policyById('toString')).toThrow(UnknownDepositPolicyError);
  });

  it('given a row outside the legal band or below the legal increases, then validatePolicy says why', () => {
    const bad = { ...NATIONAL_DEFAULT, baseRatioBp: 350, arrearsIncreaseBp: 3000, blacklistRatioBp: 500 };
    expect(validatePolicy(bad)).toEqual([
      'baseRatioBp 350 is outside [100, 300]',
      'arrearsIncreaseBp is below the legal minimum of +50 % (5000)',
      'blacklistRatioBp is less than 2 × baseRatioBp (the law says at least +100 %)',
    ]);
    expect(validatePolicy({ ...NATIONAL_DEFAULT, baseRatioBp: 1.5 })).toContain(
      'baseRatioBp must be a whole number of basis points ≥ 0, got 1.5',
    );
  });
});

describe("the contractor's record from its findings", () => {
  it('given arrears on 2025-03-03, then they are in the year before 2026-03-02, and on 2025-03-02 they are not', () => {
    // The year before 2026-03-02 is (2025-03-02, 2026-03-02].
    expect(given({ findings: [arrears('2025-03-03')] }).arrearsInPriorYear).toBe(true);
    expect(given({ findings: [arrears('2025-03-02')] }).arrearsInPriorYear).toBe(false);
    expect(given({ findings: [arrears('2025-03-02')] }).arrearsInPrior2Years).toBe(true);
  });

  it('given only findings of other rules, or raised after asOf, then the record is clean', () => {
    const r = given({
      findings: [
        arrears('2025-10-01', 'wrong-payee'),
        arrears('2025-11-01', 'payroll-unsigned'),
        arrears('2026-03-03'),
      ],
      firstSeen: '2020-01-01',
    });
    expect(r).toMatchObject({ arrearsInPriorYear: false, arrearsInPrior2Years: false, cleanYears: 6 });
    expect(r.lastArrearsOn).toBeUndefined();
  });

  it('given each arrears rule, then each counts', () => {
    for (const rule of ['wages-missed', 'wages-short', 'wages-late', 'arrears-growing']) {
      expect(given({ findings: [arrears('2025-12-01', rule)] }).arrearsInPriorYear, rule).toBe(true);
    }
  });

  it('given the last arrears on 2024-03-02, then 2 whole clean years on 2026-03-02, 1 the day before', () => {
    const findings = [arrears('2023-05-01'), arrears('2024-03-02')];
    expect(given({ findings, firstSeen: '2019-01-01' }).cleanYears).toBe(2);
    expect(given({ findings, firstSeen: '2019-01-01' }, '2026-03-01').cleanYears).toBe(1);
    expect(given({ findings, firstSeen: '2019-01-01' }).lastArrearsOn).toBe('2024-03-02');
  });

  it('given a contractor first seen 2024-06-01 without findings, then clean years count from then: 1', () => {
    expect(given().cleanYears).toBe(1);
  });

  it('given a blacklist until 2026-03-02, then blacklisted that day and not the next', () => {
    expect(given({ blacklistedUntil: '2026-03-02' }).blacklisted).toBe(true);
    expect(given({ blacklistedUntil: '2026-03-02' }, '2026-03-03').blacklisted).toBe(false);
  });

  it('given signedOn, then the year before signing is judged apart from the year before asOf', () => {
    // Signed 2026-03-02, arrears 2025-06-10: in the year before signing; a year later, on
    // 2026-08-01, no longer in the year before asOf.
    const r = contractorRecord({ findings: [arrears('2025-06-10')], firstSeen: '2020-01-01' }, '2026-08-01', {
      signedOn: PERMIT,
    });
    expect(r).toMatchObject({
      arrearsInYearBeforeSigning: true,
      arrearsInPriorYear: false,
      arrearsInPrior2Years: true,
    });
  });
});

describe('the required deposit', () => {
  it('given a ¥2,800,000 contract and no arrears in the year before signing, then it is exempt', () => {
    const r = when(given(), yuan(2_800_000));
    expect(r).toEqual({
      amountFen: 0n,
      exempt: true,
      policyId: 'national-default',
      reasons: [
        {
          code: 'exempt-small-contract',
          text: 'exempt: contract value ¥2,800,000.00 is below ¥3,000,000.00 and the contractor had no arrears in the year before 2026-03-02',
        },
      ],
    });
  });

  it('given a ¥2,800,000 contract and arrears in the year before signing, then it is not exempt: 2 %, +50 %', () => {
    // Arrears on 2025-06-10 are in the year before signing, hence also in the prior 2 years:
    // 2 % of ¥2,800,000 = ¥56,000.00, +50 % = ¥84,000.00 (no cap).
    const r = when(given({ findings: [arrears('2025-06-10')] }), yuan(2_800_000));
    expect(r.exempt).toBe(false);
    expect(codes(r)).toEqual(['small-contract-not-exempt', 'base-ratio', 'arrears-increase']);
    expect(r.reasons[1]).toEqual({
      code: 'base-ratio',
      text: 'base 2% of ¥2,800,000.00 = ¥56,000.00',
      effectFen: yuan(56_000),
    });
    expect(r.amountFen).toBe(yuan(84_000));
  });

  it('given a ¥3,000,000 contract (not below the threshold), then it is not exempt: 2 % = ¥60,000', () => {
    const r = when(given(), yuan(3_000_000));
    expect(r).toMatchObject({ exempt: false, amountFen: yuan(60_000) });
    expect(codes(r)).toEqual(['base-ratio']);
  });

  it('given arrears two years ago, then base 2 % of ¥12,000,000 = ¥240,000, +50 % = ¥360,000', () => {
    // Last arrears 2024-05-20: within (2024-03-02, 2026-03-02], not within the last year.
    const record = given({ findings: [arrears('2024-05-20')], firstSeen: '2018-01-01' });
    expect(record).toMatchObject({ arrearsInPriorYear: false, arrearsInPrior2Years: true, cleanYears: 1 });
    const r = when(record, yuan(12_000_000));
    expect(r.reasons).toEqual([
      { code: 'base-ratio', text: 'base 2% of ¥12,000,000.00 = ¥240,000.00', effectFen: yuan(240_000) },
      {
        code: 'arrears-increase',
        text: 'arrears within the last 2 years (last on 2024-05-20, counted through 2026-05-19): +50% of ¥240,000.00 = ¥360,000.00',
        effectFen: yuan(120_000),
      },
    ]);
    expect(r.amountFen).toBe(yuan(360_000));
  });

  it('given 2 clean years, then ¥240,000 is halved to ¥120,000', () => {
    const r = when(given({ findings: [arrears('2024-03-02')], firstSeen: '2018-01-01' }), yuan(12_000_000));
    expect(r.reasons[1]).toEqual({
      code: 'clean-years-reduction',
      text: '2 clean years: reduced to 50% of ¥240,000.00 = ¥120,000.00',
      effectFen: -yuan(120_000),
    });
    expect(r.amountFen).toBe(yuan(120_000));
  });

  it('given 3 clean years, then exempt; without real-name registration and the account, not exempt but halved', () => {
    const record = given({ firstSeen: '2023-03-02' });
    expect(record.cleanYears).toBe(3);
    expect(when(record, yuan(12_000_000))).toMatchObject({ exempt: true, amountFen: 0n });
    expect(when(record, yuan(12_000_000)).reasons[0]?.code).toBe('exempt-clean-years');
    const noAccount = requiredDeposit({
      contractValueFen: yuan(12_000_000),
      permitDate: PERMIT,
      contractorRecord: record,
      sameAreaOtherOpenProjects: 0,
      policy: NATIONAL_DEFAULT,
      realNameAndAccountInPlace: false,
    });
    expect(codes(noAccount)).toEqual(['clean-years-not-exempt', 'base-ratio', 'clean-years-reduction']);
    expect(noAccount.amountFen).toBe(yuan(120_000));
  });

  it('given a further project in the same area, then the 0.5 % floor: ¥60,000 of ¥12,000,000', () => {
    const r = when(given(), yuan(12_000_000), NATIONAL_DEFAULT, 2);
    expect(r.reasons).toEqual([
      {
        code: 'same-area-floor',
        text: 'same-area floor 0.5% of ¥12,000,000.00 = ¥60,000.00 (the contractor has 2 other open project(s) in the area)',
        effectFen: yuan(60_000),
      },
    ]);
    expect(r.amountFen).toBe(yuan(60_000));
  });

  it('given a further same-area project and 2 clean years, then the floor is not reduced further', () => {
    const r = when(given({ firstSeen: '2024-03-02' }), yuan(12_000_000), NATIONAL_DEFAULT, 1);
    expect(codes(r)).toEqual(['same-area-floor', 'reduction-not-below-floor']);
    expect(r.amountFen).toBe(yuan(60_000));
  });

  it('given a further same-area project and arrears, then +50 % of the floor: ¥60,000 → ¥90,000', () => {
    const r = when(given({ findings: [arrears('2025-01-10')] }), yuan(12_000_000), NATIONAL_DEFAULT, 1);
    expect(r.amountFen).toBe(yuan(90_000));
  });

  it('given a blacklisted contractor in province A, then 1.5 % of ¥300,000,000 = ¥4,500,000, +100 % = ¥9,000,000, capped at ¥5,000,000', () => {
    const record = given({ blacklistedUntil: '2027-12-31', findings: [arrears('2025-01-10')] });
    const r = when(record, yuan(300_000_000), EXAMPLE_PROVINCE_A);
    expect(r.reasons).toEqual([
      {
        code: 'base-ratio',
        text: 'base 1.5% of ¥300,000,000.00 = ¥4,500,000.00',
        effectFen: yuan(4_500_000),
      },
      {
        code: 'blacklist-increase',
        text: 'contractor on the serious-dishonesty list (the arrears increase does not stack): +100% of ¥4,500,000.00 = ¥9,000,000.00',
        effectFen: yuan(4_500_000),
      },
      { code: 'cap', text: 'capped at ¥5,000,000.00', effectFen: -yuan(4_000_000) },
    ]);
    expect(r.amountFen).toBe(yuan(5_000_000));
  });

  it('given the same contractor not blacklisted in province A, then ¥4,500,000 stays under the cap', () => {
    expect(when(given(), yuan(300_000_000), EXAMPLE_PROVINCE_A).amountFen).toBe(yuan(4_500_000));
  });

  it('given a blacklisted contractor in province B, then 4 % of ¥300,000,000 = ¥12,000,000, uncapped', () => {
    const r = when(given({ blacklistedUntil: '2027-12-31' }), yuan(300_000_000), EXAMPLE_PROVINCE_B);
    expect(r.reasons).toEqual([
      { code: 'base-ratio', text: 'base 2% of ¥300,000,000.00 = ¥6,000,000.00', effectFen: yuan(6_000_000) },
      {
        code: 'blacklist-ratio',
        text: "contractor on the serious-dishonesty list: the province's 4% of ¥300,000,000.00 = ¥12,000,000.00",
        effectFen: yuan(6_000_000),
      },
      {
        code: 'blacklist-uncapped',
        text: 'no cap for a blacklisted contractor (the ¥10,000,000.00 cap does not apply)',
      },
    ]);
    expect(r.amountFen).toBe(yuan(12_000_000));
  });

  it('given arrears in province B, then 3 % of ¥300,000,000 = ¥9,000,000 (the province ratio replaces +50 %)', () => {
    const r = when(given({ findings: [arrears('2025-01-10')] }), yuan(300_000_000), EXAMPLE_PROVINCE_B);
    expect(codes(r)).toEqual(['base-ratio', 'arrears-ratio']);
    expect(r.amountFen).toBe(yuan(9_000_000));
  });

  it('given arrears in province B on ¥400,000,000, then 3 % = ¥12,000,000, capped at ¥10,000,000', () => {
    const r = when(given({ findings: [arrears('2025-01-10')] }), yuan(400_000_000), EXAMPLE_PROVINCE_B);
    expect(codes(r)).toEqual(['base-ratio', 'arrears-ratio', 'cap']);
    expect(r.amountFen).toBe(yuan(10_000_000));
  });

  it('given a blacklisted contractor with a small contract and 3 clean years, then neither exemption nor the reduction', () => {
    const r = when(given({ blacklistedUntil: '2027-12-31', firstSeen: '2020-01-01' }), yuan(2_800_000));
    expect(codes(r)).toEqual([
      'small-contract-not-exempt',
      'clean-years-not-exempt',
      'base-ratio',
      'blacklist-increase',
    ]);
    // 2 % of ¥2,800,000 = ¥56,000, +100 % = ¥112,000.
    expect(r.amountFen).toBe(yuan(112_000));
  });

  it('given an odd contract value, then each step rounds half up to the fen', () => {
    // 2 % of ¥12,345,678.25 = 1,234,567,825 fen × 0.02 = 24,691,356.5 fen → ¥246,913.57;
    // +50 %: 24,691,357 × 1.5 = 37,037,035.5 fen → ¥370,370.36.
    const r = when(given({ findings: [arrears('2025-01-10')] }), 1_234_567_825n);
    expect(r.reasons.map((x) => x.effectFen)).toEqual([24_691_357n, 12_345_679n]);
    expect(r.amountFen).toBe(37_037_036n);
    expect(yuanText(r.amountFen)).toBe('¥370,370.36');
  });

  it('given bad input, then it throws', () => {
    expect(() => when(given(), -1n)).toThrow(RangeError);
    expect(() => when(given(), yuan(1), NATIONAL_DEFAULT, -1)).toThrow(RangeError);
  });
});
