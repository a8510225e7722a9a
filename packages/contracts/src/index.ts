export * from './campaigns.ts';
export * from './envelope.ts';
export * from './events.ts';
export * from './inspection.ts';
export * from './money.ts';
export * from './parse.ts';
export * from './topics.ts';
export * from './upcast.ts';
