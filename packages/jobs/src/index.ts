export * from './bull-scheduler.ts';
