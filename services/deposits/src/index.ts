export { DEPOSITS_EVENT_TYPES } from './consumer.ts';
export { findingIdOf } from './findings.ts';
export { summarize } from './routes.ts';
export * from './service.ts';
