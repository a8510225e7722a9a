import { readFileSync } from 'node:fs';

/** The bureau's sample payroll sheets, kept in the repository (fixtures/payroll/README.md). */
export const PAYROLL_FIXTURES = new URL('../fixtures/payroll/', import.meta.url);

export type PayrollFixtureName =
  | 'gongzi-2026-01.csv'
  | 'gongzi-2026-01-gbk.csv'
  | 'gongzi-2026-01.xlsx'
  | 'gongzi-id-as-number.xlsx';

/** The bytes of one sample sheet, exactly as the project office produced it. */
export const payrollFixture = (name: PayrollFixtureName): Buffer =>
  readFileSync(new URL(name, PAYROLL_FIXTURES));
