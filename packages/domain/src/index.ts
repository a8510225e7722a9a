export * from './calendar.ts';
export * from './campaigns/index.ts';
export * from './cases/index.ts';
export * from './dates.ts';
export * from './deposits/index.ts';
export * from './identifiers.ts';
export * from './money.ts';
export * from './payments/index.ts';
