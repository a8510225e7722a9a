export * from './finding-store.ts';
export * from './loop.ts';
export * from './tables.ts';
