export * from './alerts/webhook-targets.ts';
export * from './service.ts';
