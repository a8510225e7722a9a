export { findingIdOf } from './findings.ts';
export * from './service.ts';
