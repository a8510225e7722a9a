export * from './policy.ts';
export * from './rates.ts';
