export * from './databases.ts';
export * from './kafka.ts';
export * from './services.ts';
