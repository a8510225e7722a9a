export * from './service.ts';
export { parsePayrollFile } from './payroll-file/index.ts';
