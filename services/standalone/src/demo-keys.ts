import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { DemoKeys, DemoUser } from './demo.ts';

/** The demo districts' shell names (`INSPECTOR_DONG` for 东区). */
const DISTRICT_NAMES: Record<string, string> = {
  东区: 'DONG',
  西区: 'XI',
  仁和区: 'RENHE',
  米易县: 'MIYI',
  盐边县: 'YANBIAN',
};

const shellName = (s: string) =>
  s
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/**
 * The variable a demo key is exported as: `ADMIN`, `PM`, `INSPECTOR` (all districts),
 * `INSPECTOR_DONG` (东区), `BANK_ICBC_PZH`; any other label upper-cased, A-Z 0-9 and `_` only.
 */
export function demoKeyVariable(label: string, entry: { role: string; scope: string }): string {
  if (entry.role === 'admin') return 'ADMIN';
  if (entry.role === 'project-manager') return 'PM';
  if (entry.role === 'bank') return `BANK_${shellName(label.replace(/^bank\s+/i, ''))}`;
  if (entry.role === 'inspector') {
    if (entry.scope === 'all districts') return 'INSPECTOR';
    const district = DISTRICT_NAMES[entry.scope] ?? shellName(entry.scope);
    return district ? `INSPECTOR_${district}` : 'INSPECTOR';
  }
  return shellName(label) || 'KEY';
}

/** `source`-able bash: one `export NAME='key'` per demo key, its role and scope as a comment. */
export function renderDemoKeysEnv(keys: DemoKeys): string {
  const used = new Set<string>();
  const lines = [
    '# Wagewatch demo API keys (bash): source this file, then -H "Authorization: Bearer $ADMIN"',
  ];
  for (const [label, k] of Object.entries(keys)) {
    const base = demoKeyVariable(label, k).replace(/^(?=[0-9])/, 'KEY_');
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    const quoted = `'${k.key.replaceAll("'", `'\\''`)}'`;
    const comment = `${label} (${k.role}: ${k.scope})`.replace(/[\r\n]+/g, ' ');
    lines.push(`# ${comment}`, `export ${name}=${quoted}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `<dataDir>/demo-keys.env` (mode 0600) next to `demo-keys.json`: always when `replace`
 * (the demo was just loaded, the keys are new), else only when it is missing. Returns its path.
 */
export function saveDemoKeysEnv(dataDir: string, keys: DemoKeys, options: { replace: boolean }): string {
  const file = join(dataDir, 'demo-keys.env');
  if (options.replace || !existsSync(file)) {
    rmSync(file, { force: true }); // `mode` applies only to a file created here
    writeFileSync(file, renderDemoKeysEnv(keys), { mode: 0o600 });
  }
  return file;
}

/** A path as the user can type it: relative to the directory pnpm was started in when inside it. */
export function displayPath(file: string, cwd: string = process.env.INIT_CWD ?? process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Only the owner may read the demo's key files: a looser mode found at start is tightened. */
function ownerOnly(file: string): void {
  if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}

/**
 * The demo's keys for this start: on the first start on a data folder `load()` issues them
 * (loading the demo city) and they are written to `demo-keys.json` and `demo-keys.env`, both
 * 0600; on a later start they are read back from the file. `firstStart` says whether to print
 * them: only the first start shows keys on the terminal, later ones name the file.
 */
export async function prepareDemoKeys(
  dataDir: string,
  load: () => Promise<DemoKeys>,
): Promise<{ keys: DemoKeys; firstStart: boolean; jsonFile: string; envFile: string }> {
  const jsonFile = join(dataDir, 'demo-keys.json');
  const firstStart = !existsSync(jsonFile);
  let keys: DemoKeys;
  if (firstStart) {
    keys = await load();
    writeFileSync(jsonFile, JSON.stringify(keys, null, 2), { mode: 0o600 });
  } else keys = JSON.parse(readFileSync(jsonFile, 'utf8')) as DemoKeys;
  ownerOnly(jsonFile);
  const envFile = saveDemoKeysEnv(dataDir, keys, { replace: firstStart });
  ownerOnly(envFile);
  return { keys, firstStart, jsonFile, envFile };
}

/**
 * The demo's people (who log in to the console): created at the first start on a data folder
 * that has no `demo-users.json` yet (also a folder from before people logged in), written there
 * (0600) and printed that once; later starts read the file back and name it.
 */
export async function prepareDemoUsers(
  dataDir: string,
  create: () => Promise<DemoUser[]>,
): Promise<{ users: DemoUser[]; firstStart: boolean; file: string }> {
  const file = join(dataDir, 'demo-users.json');
  const firstStart = !existsSync(file);
  let users: DemoUser[];
  if (firstStart) {
    users = await create();
    writeFileSync(file, JSON.stringify(users, null, 2), { mode: 0o600 });
  } else users = JSON.parse(readFileSync(file, 'utf8')) as DemoUser[];
  ownerOnly(file);
  return { users, firstStart, file };
}
