import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console's build, as `pnpm start` and the README's test command make it (turbo `^build`). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** Fails loudly when the console was not built (the test command builds it first; a bare vitest run does not). */
export function requireConsoleBuild(): string {
  if (!existsSync(join(CONSOLE_DIR, 'index.html')))
    throw new Error(
      `the console is not built (${CONSOLE_DIR}): run pnpm --filter @wagewatch/console build (pnpm test does it first)`,
    );
  return CONSOLE_DIR;
}
