import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ADR = fileURLToPath(new URL('../../../docs/adr/', import.meta.url));

/** Issue 15, "the docs match the code": the decision records' index lists every record, once. */
describe('docs/adr/README.md', () => {
  it('links every decision record under its number, and nothing that is not there', () => {
    const files = readdirSync(ADR)
      .filter((f) => /^\d{4}-.+\.md$/.test(f))
      .sort();
    const index = readFileSync(`${ADR}README.md`, 'utf8');
    const linked = [...index.matchAll(/^\| (\d{4}) +\| \[[^\]]+\]\((\d{4}-[^)]+\.md)\) *\|/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(linked.map(([, f]) => f)).toEqual(files);
    for (const [n, f] of linked) expect(f!.startsWith(`${n}-`), f).toBe(true);
    const next = String(files.length + 1).padStart(4, '0');
    expect(index).toContain(`next number: ${next}`);
  });
});
