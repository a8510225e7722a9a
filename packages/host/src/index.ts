export * from './env.ts';
export * from './host.ts';
