export * from './contractor-record.ts';
export * from './policy.ts';
export * from './required.ts';
export * from './rules.ts';
