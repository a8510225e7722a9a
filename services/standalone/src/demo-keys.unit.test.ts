import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DemoKeys } from './demo.ts';
import { displayPath, saveDemoKeysEnv } from './demo-keys.ts';

// The labels loadDemo gives the keys (services/standalone/src/demo.ts).
const keys: DemoKeys = {
  admin: { key: 'ww_YWRtaW4.sig-admin_1', role: 'admin', scope: 'everything' },
  'bank ICBC-PZH': { key: 'ww_aWNiYw.sig-icbc', role: 'bank', scope: 'accounts at ICBC-PZH' },
  'bank CCB-PZH': { key: 'ww_Y2Ni.sig-ccb', role: 'bank', scope: 'accounts at CCB-PZH' },
  'project-manager': { key: 'ww_cG0.sig-pm', role: 'project-manager', scope: 'projects PZH-2026-001' },
  'inspector (all districts)': { key: 'ww_aW5z.sig-all', role: 'inspector', scope: 'all districts' },
  'inspector (东区)': { key: 'ww_ZG9uZw.sig-dong', role: 'inspector', scope: '东区' },
  // Not a demo key: shows that a hostile value stays one word.
  'odd $(touch pwned) label': { key: "it's $HOME `id`", role: 'other', scope: 'x\nexit 3' },
};

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'demo-keys-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sourced = (file: string, expr: string) =>
  execFileSync('bash', ['-c', `set -eu; source "$1"; ${expr}`, 'bash', file], { encoding: 'utf8' });

describe('demo-keys.env', () => {
  it('is valid shell: sourcing it exports one variable per role', () => {
    const dir = tmp();
    const file = saveDemoKeysEnv(dir, keys, { replace: true });
    expect(file).toBe(join(dir, 'demo-keys.env'));
    expect(sourced(file, 'echo $ADMIN')).toBe('ww_YWRtaW4.sig-admin_1\n');
    expect(
      sourced(
        file,
        'printf "%s\\n" "$INSPECTOR" "$INSPECTOR_DONG" "$PM" "$BANK_ICBC_PZH" "$BANK_CCB_PZH" "$ODD_TOUCH_PWNED_LABEL"',
      ),
    ).toBe(
      ['ww_aW5z.sig-all', 'ww_ZG9uZw.sig-dong', 'ww_cG0.sig-pm', 'ww_aWNiYw.sig-icbc', 'ww_Y2Ni.sig-ccb']
        .concat("it's $HOME `id`")
        .join('\n')
        .concat('\n'),
    );
    // exported, so a child process (curl) sees them
    expect(sourced(file, 'bash -c \'echo "$PM"\'')).toBe('ww_cG0.sig-pm\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('is re-written only when missing, unless the keys are new', () => {
    const dir = tmp();
    const file = join(dir, 'demo-keys.env');
    writeFileSync(file, 'export ADMIN=kept\n', { mode: 0o644 });
    saveDemoKeysEnv(dir, keys, { replace: false });
    expect(readFileSync(file, 'utf8')).toBe('export ADMIN=kept\n');
    saveDemoKeysEnv(dir, keys, { replace: true });
    expect(sourced(file, 'echo $ADMIN')).toBe('ww_YWRtaW4.sig-admin_1\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    rmSync(file);
    saveDemoKeysEnv(dir, keys, { replace: false });
    expect(sourced(file, 'echo $INSPECTOR_DONG')).toBe('ww_ZG9uZw.sig-dong\n');
  });

  it('is shown relative to the directory pnpm started in when inside it', () => {
    expect(displayPath('/repo/.data/embedded/demo-keys.env', '/repo')).toBe('.data/embedded/demo-keys.env');
    expect(displayPath('/tmp/x/demo-keys.env', '/repo')).toBe('/tmp/x/demo-keys.env');
  });
});
