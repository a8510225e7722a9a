export * from './auth.ts';
export * from './clock.ts';
export * from './errors.ts';
export * from './http.ts';
export * from './logger.ts';
export * from './mask.ts';
export * from './metrics.ts';
export * from './scheduler.ts';
