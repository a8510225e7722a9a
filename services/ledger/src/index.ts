export { findingIdOf } from './findings.ts';
export type { ExtraSweep } from './routes.ts';
export * from './service.ts';
