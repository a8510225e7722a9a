import { describe, expect, it } from 'vitest';
import {
  type LookupAll,
  nonPublicReason,
  parseAllowList,
  WebhookTargetRefused,
  webhookTargetEnv,
  webhookTargetPolicyFromEnv,
  webhookTargets,
} from './webhook-targets.ts';

const resolver =
  (table: Record<string, string[]>): LookupAll =>
  async (host) => {
    const a = table[host];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
const lookup = resolver({
  'hooks.example.com': ['93.184.215.14', '2606:4700::6810:84e5'],
  'erp.bureau.internal': ['10.8.0.20'],
  'nas.bureau.internal': ['192.168.7.7'],
  'v6only.example.com': ['2606:4700::6810:84e5'],
});
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof WebhookTargetRefused) return e.reason;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('the webhook target check', () => {
  it('accepts https: to a name whose every address is public, and keeps the addresses it checked', async () => {
    const target = await webhookTargets({ lookup }).check('https://hooks.example.com/wagewatch');
    expect(target.hostname).toBe('hooks.example.com');
    expect(target.addresses.map((a) => a.address)).toEqual(['93.184.215.14', '2606:4700::6810:84e5']);
  });

  it('refuses plain http: by default, naming the setting that allows it', async () => {
    expect(await refusal(webhookTargets({ lookup }).check('http://hooks.example.com/x'))).toMatch(
      /plain http: is not allowed .*WAGEWATCH_WEBHOOK_ALLOW_HTTP=true/,
    );
    await expect(
      webhookTargets({ lookup, allowHttp: true }).check('http://hooks.example.com/x'),
    ).resolves.toBeTruthy();
  });

  it('refuses a name that does not resolve, with the resolver’s code', async () => {
    expect(await refusal(webhookTargets({ lookup }).check('https://nowhere.example.com/'))).toMatch(
      /nowhere\.example\.com does not resolve \(ENOTFOUND\)/,
    );
  });

  it('an allowed CIDR or IP admits the addresses inside it only', async () => {
    const t = webhookTargets({ lookup, allowHosts: ['10.8.0.0/16', '192.168.9.9'] });
    await expect(t.check('https://erp.bureau.internal/hook')).resolves.toBeTruthy();
    await expect(t.check('https://10.8.255.1/hook')).resolves.toBeTruthy();
    expect(await refusal(t.check('https://nas.bureau.internal/hook'))).toMatch(
      /resolves to 192\.168\.7\.7: .*private address.*WAGEWATCH_WEBHOOK_ALLOW_HOSTS/,
    );
    expect(await refusal(t.check('https://10.9.0.1/hook'))).toMatch(/private/);
    await expect(t.check('https://192.168.9.9/hook')).resolves.toBeTruthy();
  });

  it('an allowed name admits whatever it resolves to; the same address under another name stays refused', async () => {
    const t = webhookTargets({ lookup, allowHosts: ['ERP.bureau.internal.'] });
    await expect(t.check('https://erp.bureau.internal/hook')).resolves.toBeTruthy();
    expect(await refusal(t.check('https://10.8.0.20/hook'))).toMatch(/10\.8\.0\.20 is a private address/);
  });

  it('classifies with ipaddr.js: special-purpose ranges and non-global IPv6 are not public', () => {
    expect(nonPublicReason('93.184.215.14')).toBeUndefined();
    expect(nonPublicReason('2606:4700::6810:84e5')).toBeUndefined();
    expect(nonPublicReason('::ffff:10.0.0.1')).toMatch(/10\.0\.0\.1 is a private address/);
    expect(nonPublicReason('::7f00:1')).toMatch(/not a global unicast IPv6 address/); // IPv4-compatible ::127.0.0.1
    expect(nonPublicReason('2001:db8::1')).toMatch(/reserved/);
    expect(nonPublicReason('64:ff9b::a00:1')).toMatch(/rfc6052/); // NAT64 to 10.0.0.1
    expect(nonPublicReason('fe80::1')).toMatch(/linkLocal/);
    expect(nonPublicReason('224.0.0.1')).toMatch(/multicast/);
    expect(nonPublicReason('255.255.255.255')).toMatch(/broadcast/);
    expect(nonPublicReason('198.51.100.7')).toMatch(/reserved/);
  });

  it('refuses a URL that is not absolute', async () => {
    expect(await refusal(webhookTargets({ lookup }).check('/relative/hook'))).toBe('not an absolute URL');
  });
});

describe('the settings', () => {
  it('default to https: to public addresses only', () => {
    expect(webhookTargetPolicyFromEnv(webhookTargetEnv.parse({}))).toEqual({
      allowHttp: false,
      allowHosts: [],
    });
  });

  it('read WAGEWATCH_WEBHOOK_ALLOW_HTTP and a comma-separated WAGEWATCH_WEBHOOK_ALLOW_HOSTS', () => {
    const env = webhookTargetEnv.parse({
      WAGEWATCH_WEBHOOK_ALLOW_HTTP: 'true',
      WAGEWATCH_WEBHOOK_ALLOW_HOSTS: ' hooks.bureau.internal, 10.0.0.0/8 ,fd00::/8,127.0.0.1',
    });
    expect(webhookTargetPolicyFromEnv(env)).toEqual({
      allowHttp: true,
      allowHosts: ['hooks.bureau.internal', '10.0.0.0/8', 'fd00::/8', '127.0.0.1'],
    });
  });

  it('refuse an entry that is no host name, IP address or CIDR range (the process does not start)', () => {
    const parsed = webhookTargetEnv.safeParse({ WAGEWATCH_WEBHOOK_ALLOW_HOSTS: 'ok.example.com,http://x/' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['WAGEWATCH_WEBHOOK_ALLOW_HOSTS'],
      message: 'not a host name, IP address or CIDR range: "http://x/"',
    });
    expect(() => parseAllowList(['10.0.0.0/33'])).toThrow(/not a host name, IP address or CIDR range/);
    expect(webhookTargetEnv.safeParse({ WAGEWATCH_WEBHOOK_ALLOW_HTTP: 'yes' }).success).toBe(false);
  });
});
