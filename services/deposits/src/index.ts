export { findingIdOf } from './findings.ts';
export { summarize } from './routes.ts';
export * from './service.ts';
