export * from './ladder.ts';
export * from './model.ts';
export * from './risk.ts';
export * from './routing.ts';
