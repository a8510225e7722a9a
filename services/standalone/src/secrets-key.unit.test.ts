import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEnv } from './env.ts';
import { loadSecrets } from './secrets-key.ts';

const good = Buffer.alloc(32, 3).toString('base64');
const dirs: string[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wagewatch-secrets-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the secrets key at start', () => {
  it('given a malformed WAGEWATCH_SECRETS_KEY: the environment is refused naming the variable', () => {
    for (const key of ['ab'.repeat(32), `*${good.slice(1)}`, Buffer.alloc(31).toString('base64')]) {
      expect(() => readEnv({ WAGEWATCH_SECRETS_KEY: key })).toThrow(
        /invalid environment:\n {2}WAGEWATCH_SECRETS_KEY: must be base64 of exactly 32 bytes/,
      );
    }
    expect(readEnv({ WAGEWATCH_SECRETS_KEY: good }).WAGEWATCH_SECRETS_KEY).toBe(good);
  });

  it('given a malformed key file in the data folder: refused naming the file; a missing one is created', () => {
    const broken = dataDir();
    writeFileSync(join(broken, 'secrets-key'), 'not-a-key\n', { mode: 0o600 });
    expect(() => loadSecrets(broken, undefined)).toThrow(
      `the secrets key file ${join(broken, 'secrets-key')} must be base64 of exactly 32 bytes`,
    );
    const fresh = dataDir();
    const box = loadSecrets(fresh, undefined);
    expect(box.open(box.seal('x'))).toBe('x');
    expect(loadSecrets(fresh, undefined).open(box.seal('y'))).toBe('y');
  });
});

describe('the longest justification pause (WAGEWATCH_MAX_PAUSE_WORKING_DAYS)', () => {
  it('defaults to 30 working days; a positive whole number is read, 0 is refused', () => {
    expect(readEnv({}).WAGEWATCH_MAX_PAUSE_WORKING_DAYS).toBe(30);
    expect(readEnv({ WAGEWATCH_MAX_PAUSE_WORKING_DAYS: '20' }).WAGEWATCH_MAX_PAUSE_WORKING_DAYS).toBe(20);
    expect(() => readEnv({ WAGEWATCH_MAX_PAUSE_WORKING_DAYS: '0' })).toThrow(
      /WAGEWATCH_MAX_PAUSE_WORKING_DAYS/,
    );
  });
});
