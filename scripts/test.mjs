// The README's test command: every workspace's tests through turbo, one package at a time
// (2 cores, shared PostgreSQL), then one closing line adding up every vitest report:
// "Tests: N passed, N failed, N skipped". Fails when turbo failed, a test failed, a package
// wrote no report, or nothing ran.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const workspaces = ['packages', 'services']
  .flatMap((dir) => readdirSync(dir).map((d) => join(dir, d)))
  .filter((d) => existsSync(join(d, 'package.json')) && existsSync(join(d, 'vitest.config.ts')));
for (const w of workspaces) rmSync(join(w, '.vitest-report.json'), { force: true });

const args = ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue', ...process.argv.slice(2)];
const turbo = spawnSync('pnpm', args, { stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const w of workspaces) {
  const file = join(w, '.vitest-report.json');
  if (!existsSync(file)) {
    missing.push(w);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  if (!r.success && r.numFailedTests === 0) failed += 1; // a file that failed to load
}
if (missing.length) console.log(`\nno test report from: ${missing.join(', ')}`);
console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(turbo.status !== 0 || failed > 0 || passed === 0 || missing.length > 0 ? 1 : 0);
