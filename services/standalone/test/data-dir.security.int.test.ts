import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openDatabase } from '@wagewatch/db';
import { createLogger } from '@wagewatch/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restrictNewFiles, secureDataDir } from '../src/data-dir.ts';

/**
 * Issue 11 "Personal data": the embedded data folder (PGlite's files hold every worker's ID,
 * card and wages) was world-readable and writable (0666 files under umask 0022). main.ts calls
 * restrictNewFiles() and secureDataDir() before anything opens the folder; this does the same.
 */

const modeOf = (p: string) => statSync(p).mode & 0o777;
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? [p, ...walk(p)] : [p];
  });
}
function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    destination: new Writable({
      write(chunk, _e, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  });
  return { logger, records: () => lines.map((l) => JSON.parse(l)) };
}

describe("the data folder is the process user's only", () => {
  let root: string;
  let umask: number;
  beforeAll(() => {
    umask = process.umask();
    root = mkdtempSync(join(tmpdir(), 'wagewatch-data-'));
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('a folder 0777 and files 0666 left by an earlier version are fixed at start, with a warning', () => {
    const dir = join(root, 'old');
    mkdirSync(join(dir, 'pglite', 'base'), { recursive: true });
    chmodSync(dir, 0o777);
    chmodSync(join(dir, 'pglite'), 0o755);
    writeFileSync(join(dir, 'pglite', 'base', 'PG_VERSION'), '18');
    chmodSync(join(dir, 'pglite', 'base', 'PG_VERSION'), 0o666);
    writeFileSync(join(dir, 'key-secret'), 'x');
    chmodSync(join(dir, 'key-secret'), 0o644);
    const { logger, records } = capture();
    expect(secureDataDir(dir, logger).fixed).toBe(5); // pglite/base was 0755 (umask 0022)
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, 'pglite'))).toBe(0o700);
    expect(modeOf(join(dir, 'pglite', 'base'))).toBe(0o700);
    expect(modeOf(join(dir, 'pglite', 'base', 'PG_VERSION'))).toBe(0o600);
    expect(modeOf(join(dir, 'key-secret'))).toBe(0o600);
    const warning = records().find((r) => r.level === 40);
    expect(warning).toMatchObject({ dataDir: dir, fixed: 5 });
    // Fixed once: the next start has nothing to say.
    const again = capture();
    expect(secureDataDir(dir, again.logger).fixed).toBe(0);
    expect(again.records()).toEqual([]);
  });

  it('a new data folder and every file PGlite writes into it are 0700 / 0600', async () => {
    const dir = join(root, 'new');
    process.umask(0o022); // the usual shell default, under which PGlite wrote 0666 files
    restrictNewFiles();
    secureDataDir(dir, capture().logger);
    expect(modeOf(dir)).toBe(0o700);
    const db = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pglite') });
    await db.query('CREATE TABLE t (id_number text)');
    await db.query('INSERT INTO t VALUES ($1)', ['510402198503150011']);
    // PGlite sets its own files' modes (0666): the folder is 0700 all along, and main.ts's
    // pass after opening brings every file to 0600.
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, 'pglite')) & 0o077).toBe(0);
    secureDataDir(dir, capture().logger, true);
    await db.close();
    const paths = walk(dir);
    expect(paths.length).toBeGreaterThan(100);
    const wider = paths.filter((p) => (modeOf(p) & 0o077) !== 0);
    expect(wider).toEqual([]);
  });
});
