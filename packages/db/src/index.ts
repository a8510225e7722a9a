export * from './database.ts';
export * from './migrate.ts';
export * from './pglite-thread.ts';
export * from './tables.ts';
