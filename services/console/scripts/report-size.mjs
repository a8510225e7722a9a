// After `vite build`: how much JavaScript (gzip) a browser loads before a page shows, against the
// issue's budget of 500 KB. From Vite's chunk graph (dist/.vite/manifest.json): the entry with
// everything it imports statically, plus — for each page, each a lazily loaded route — the layout's
// and the page's own static closure. The heaviest page must stay within the budget. Exits 1 over it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 500 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gz = new Map();
const size = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gz.get(file);
};
const closure = (key, seen = new Set()) => {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const i of chunk.imports ?? []) closure(i, seen);
  return seen;
};
const total = (files) => [...files].reduce((s, f) => s + size(f), 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const layout = Object.keys(manifest).find((k) => k.endsWith('layout/AppLayout.vue'));
const initial = closure(entry);
console.log(`console: initial JavaScript (entry) ${kb(total(initial))} gzip, budget ${kb(BUDGET)}`);
let worst = 0;
for (const key of Object.keys(manifest)
  .filter((k) => /\/pages\/.+\.vue$/.test(k))
  .sort()) {
  const files = new Set(initial);
  if (!key.includes('/pages/login/')) closure(layout, files);
  closure(key, files);
  const n = total(files);
  worst = Math.max(worst, n);
  console.log(`  ${key.replace('src/pages/', '').padEnd(36)} ${kb(n)} gzip with its page`);
}
if (worst > BUDGET) {
  console.error(`console: a page needs more than the ${kb(BUDGET)} budget of JavaScript`);
  process.exit(1);
}
