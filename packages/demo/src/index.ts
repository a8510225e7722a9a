/**
 * Deterministic generator of Wagewatch API request bodies: the demo city loaded at first start
 * and bench months of N workers. It produces bodies only; the caller sends them over HTTP.
 */
export { generateBenchMonth } from './bench.ts';
export { DEFAULT_DEMO_MONTHS, DEFAULT_DEMO_SEED, generateDemoCity } from './demo.ts';
export { TRANSFER_BATCH_SIZE } from './ledger.ts';
export { Rng } from './prng.ts';
export * from './types.ts';
