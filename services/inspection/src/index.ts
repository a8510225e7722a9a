export * from './alerts/webhook-targets.ts';
export { INSPECTION_EVENT_TYPES } from './consumer.ts';
export * from './ladder-env.ts';
export * from './orders/env.ts';
export { DEFAULT_DOCUMENT_CONFIG, type DocumentConfig } from './orders/repository.ts';
export * from './service.ts';
