export * from './alerts/webhook-targets.ts';
export { INSPECTION_EVENT_TYPES } from './consumer.ts';
export * from './ladder-env.ts';
export * from './service.ts';
