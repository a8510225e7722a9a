export * from './lifecycle.ts';
export * from './policy.ts';
export * from './rates.ts';
