import { creditCodeWithCheckCharacter, residentIdWithCheckDigit } from '@wagewatch/domain';

/** The payroll sheets a project office produces (packages/testkit/fixtures/payroll). */
export { payrollFixture } from '@wagewatch/testkit/fixtures';

export const creditCode = (n: number) =>
  creditCodeWithCheckCharacter(`91510400MA${String(n).padStart(7, '0')}`);
export const residentId = (n: number) =>
  residentIdWithCheckDigit(`51040219850315${String(n).padStart(3, '0')}`);
export const card = (n: number) => `6222021${String(n).padStart(12, '0')}`;

export function projectBody(overrides: Record<string, unknown> = {}) {
  return {
    projectId: 'PZH-T-001',
    name: '攀枝花市东区测试安置房项目',
    district: '东区',
    sector: 'housing',
    owner: { name: '攀枝花市东区城市建设投资有限公司', creditCode: creditCode(1) },
    contractor: { name: '四川某某建设集团有限公司', creditCode: creditCode(2) },
    contractValue: '12000000.00',
    permitDate: '2026-07-01',
    startDate: '2026-08-01',
    plannedEndDate: '2027-12-31',
    wageAccount: { bankCode: 'ICBC-PZH', accountNo: '2302010009100012345' },
    payDay: 15,
    payMonthOffset: 1,
    ...overrides,
  };
}
