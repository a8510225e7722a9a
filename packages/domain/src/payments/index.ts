export * from './corrections.ts';
export * from './model.ts';
export * from './reconcile.ts';
export * from './rules.ts';
