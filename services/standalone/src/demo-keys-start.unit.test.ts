import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DemoKeys, DemoUser } from './demo.ts';
import { prepareDemoKeys, prepareDemoUsers } from './demo-keys.ts';
import { readEnv } from './env.ts';

const keys: DemoKeys = { admin: { key: 'ww_YWRtaW4.sig-admin', role: 'admin', scope: 'everything' } };
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'demo-start-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (f: string) => statSync(f).mode & 0o777;

describe('the demo keys at start', () => {
  it('issues and shows the keys only at the first start, in owner-only files', async () => {
    const dir = tmp();
    let loads = 0;
    const load = async () => {
      loads++;
      return keys;
    };
    const first = await prepareDemoKeys(dir, load);
    expect(first.firstStart).toBe(true);
    expect(first.keys).toEqual(keys);
    expect(mode(first.jsonFile)).toBe(0o600);
    expect(mode(first.envFile)).toBe(0o600);
    const second = await prepareDemoKeys(dir, load);
    expect(second.firstStart).toBe(false);
    expect(second.keys).toEqual(keys);
    expect(loads).toBe(1);
  });

  it('tightens key files an older version left readable by others', async () => {
    const dir = tmp();
    const first = await prepareDemoKeys(dir, async () => keys);
    chmodSync(first.jsonFile, 0o644);
    chmodSync(first.envFile, 0o666);
    await prepareDemoKeys(dir, async () => keys);
    expect(mode(first.jsonFile)).toBe(0o600);
    expect(mode(first.envFile)).toBe(0o600);
  });
});

describe('HOST', () => {
  it('defaults to 127.0.0.1 in the embedded process unless HOST says otherwise', () => {
    expect(readEnv({}).HOST).toBe('127.0.0.1');
    expect(readEnv({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });
});

describe('the demo users at start', () => {
  it('creates and shows them once, kept in an owner-only file, read back later', async () => {
    const dir = tmp();
    const users: DemoUser[] = [
      { login: 'inspector.east', password: 'random-pass-1', name: '张伟', role: 'inspector', scope: '东区' },
    ];
    let creates = 0;
    const create = async () => {
      creates++;
      return users;
    };
    const first = await prepareDemoUsers(dir, create);
    expect(first).toMatchObject({ firstStart: true, users, file: join(dir, 'demo-users.json') });
    expect(mode(first.file)).toBe(0o600);
    chmodSync(first.file, 0o644);
    const second = await prepareDemoUsers(dir, create);
    expect(second).toMatchObject({ firstStart: false, users });
    expect(mode(second.file)).toBe(0o600);
    expect(creates).toBe(1);
  });
});
