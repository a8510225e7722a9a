import { describe, expect, it } from 'vitest';
import { tuneEmbeddedHeap } from './heap.ts';

describe('the embedded heap growth', () => {
  it("leaves an operator's own --heap-growing-percent alone", () => {
    expect(tuneEmbeddedHeap(['--heap-growing-percent=80'])).toBe(false);
    expect(tuneEmbeddedHeap(['--enable-source-maps', '--heap_growing_percent', '80'])).toBe(false);
  });
  it('sets it otherwise', () => {
    expect(tuneEmbeddedHeap(['--enable-source-maps'])).toBe(true);
  });
});
