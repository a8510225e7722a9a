export * from './database.ts';
export * from './migrate.ts';
export * from './tables.ts';
