export * from './databases.ts';
export * from './services.ts';
