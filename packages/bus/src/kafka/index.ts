export * from './consumer.ts';
export * from './decode.ts';
export * from './relay.ts';
export * from './topics.ts';
