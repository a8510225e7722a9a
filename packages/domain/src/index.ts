export * from './calendar.ts';
export * from './dates.ts';
export * from './identifiers.ts';
export * from './money.ts';
export * from './payments/index.ts';
export * from './deposits/index.ts';
