export * from './alerts/webhook-targets.ts';
export * from './ladder-env.ts';
export * from './service.ts';
