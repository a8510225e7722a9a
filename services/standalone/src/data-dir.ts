import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@wagewatch/runtime';

/** Files and folders the process creates from now on are its own user's only (0600 / 0700). */
export function restrictNewFiles(): void {
  process.umask(0o077);
}

/**
 * The data folder holds every worker's ID, card and wages (PGlite's files, the key secrets):
 * it is created 0700, and at every start each folder under it is made 0700 and each file 0600
 * when wider, with a warning naming how many were fixed. Symbolic links are left alone.
 * PGlite sets its files' modes itself (0666, whatever the umask): main.ts runs this again,
 * `afterOpen`, once the database is open (logged at debug: it is expected). The folder's own
 * 0700 is what keeps others out of a file PGlite creates later.
 */
export function secureDataDir(dir: string, logger: Logger, afterOpen = false): { fixed: number } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const wider: string[] = [];
  const walk = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777 & ~want) !== 0) {
      chmodSync(path, (st.mode & 0o777 & want) | (st.isDirectory() ? 0o700 : 0o600));
      wider.push(path);
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  if (wider.length)
    logger[afterOpen ? 'debug' : 'warn'](
      { dataDir: dir, fixed: wider.length, examples: wider.slice(0, 5) },
      'the data folder was readable or writable by others: folders set to 0700, files to 0600',
    );
  return { fixed: wider.length };
}
