export * from './closing-months.ts';
export * from './corrections.ts';
export * from './model.ts';
export * from './next-evaluation.ts';
export * from './reconcile.ts';
export * from './rules.ts';
