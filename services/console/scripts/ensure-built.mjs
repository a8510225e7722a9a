// `pnpm start` runs this first: builds the console when dist/ is missing or older than any of its
// sources, so the README's one start command serves a current console. Quiet when up to date.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const built = join(root, 'dist', 'index.html');
const newest = (path) => {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
};
const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((f) => join(root, f));
const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
if (stale) {
  console.log('building the console (services/console/dist is missing or older than its sources)…');
  const r = spawnSync('pnpm', ['--filter', '@wagewatch/console', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
