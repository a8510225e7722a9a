export * from './justifications.ts';
export * from './ladder.ts';
export * from './lifecycle.ts';
export * from './model.ts';
export * from './risk.ts';
export * from './routing.ts';
export * from './tasks.ts';
export * from './working-days.ts';
