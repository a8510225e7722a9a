export * from './service.ts';
export { findingIdOf } from './findings.ts';
