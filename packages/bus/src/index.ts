export { currentTrace, sweepTrace, type Trace, traceFollowing, withTrace } from '@wagewatch/contracts';
export * from './consumer.ts';
export * from './dead-letters.ts';
export * from './in-process.ts';
export * from './kafka/index.ts';
export * from './outbox.ts';
