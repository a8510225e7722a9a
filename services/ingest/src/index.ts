export { parsePayrollFile } from './payroll-file/index.ts';
export * from './service.ts';
