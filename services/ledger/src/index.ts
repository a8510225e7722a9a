export { findingIdOf } from './findings.ts';
export { evaluatePayDateOutlooks } from './outlooks.ts';
export type { ExtraSweep } from './routes.ts';
export * from './service.ts';
