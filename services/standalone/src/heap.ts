import { setFlagsFromString } from 'node:v8';

/**
 * How much V8 lets the old generation grow past what the last full collection kept, in percent
 * (V8's own factor is up to 4×, i.e. 300 %, when collections are fast). The embedded default's
 * old generation is mostly garbage between collections (request bodies, result rows, evaluation
 * state): on the 20,000-worker bench month the main heap peaked at 113-133 MB instead of 169-193
 * MB, the process at 416-423 MB instead of 497-602 MB, for ~0.4 s more to the last finding
 * (docs/adr/0029-embedded-heap-growth.md).
 */
export const EMBEDDED_HEAP_GROWING_PERCENT = 50;

/**
 * Sets V8's heap growth for the embedded process (`pnpm start`, the embedded bench's system) unless
 * the operator started node with a `--heap-growing-percent` of their own (which then wins). V8 reads
 * the flag at each collection, so setting it after start takes effect. True when it set it.
 */
export function tuneEmbeddedHeap(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return false;
  setFlagsFromString(`--heap-growing-percent=${EMBEDDED_HEAP_GROWING_PERCENT}`);
  return true;
}
