export { ingestClockRoutes } from './clock-routes.ts';
export { parsePayrollFile } from './payroll-file/index.ts';
export type { PayrollFileReaderOptions } from './payroll-file/reader.ts';
export * from './service.ts';
