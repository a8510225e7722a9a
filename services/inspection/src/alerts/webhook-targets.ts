import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** One address a host name resolves to. */
export type ResolvedAddress = { address: string; family: 4 | 6 };
/**
 * The resolver port: every address a host name resolves to. The default is the system resolver
 * (getaddrinfo, as `fetch` and `http.request` use); tests inject one to make a name resolve
 * where they want it to (DNS rebinding).
 */
export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;
export const systemLookup: LookupAll = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Where webhooks may be sent (docs/adr/0012-webhook-targets.md). */
export type WebhookTargetPolicy = {
  /** Accept `http:` as well as `https:` (default false). */
  allowHttp?: boolean;
  /**
   * Internal targets admitted anyway, for a bureau's own network: host names (exact, any address
   * they resolve to), IP addresses and CIDR ranges (the resolved address must fall inside one).
   */
  allowHosts?: readonly string[];
  lookup?: LookupAll;
};

/** A URL refused as a webhook target; `reason` is said to the admin (400 naming `url`). */
export class WebhookTargetRefused extends Error {
  constructor(readonly reason: string) {
    super(`webhook target refused: ${reason}`);
  }
}

/** A URL that passed every check, with the addresses checked: the connection goes to these. */
export type CheckedTarget = { url: URL; hostname: string; addresses: ResolvedAddress[] };

type AllowList = { names: Set<string>; ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] };

/** Splits and checks an allow-list (host names, IP addresses, CIDR ranges); throws on a bad entry. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const list: AllowList = { names: new Set(), ranges: [] };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (ipaddr.isValidCIDR(entry)) list.ranges.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const ip = ipaddr.parse(entry);
      list.ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else if (
      /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/.test(
        entry,
      )
    )
      list.names.add(entry.replace(/\.$/, ''));
    else throw new Error(`not a host name, IP address or CIDR range: "${raw}"`);
  }
  return list;
}

/**
 * The settings as the environment spells them (each service's env.ts extends its schema with
 * these): `WAGEWATCH_WEBHOOK_ALLOW_HTTP` (`true`/`1`) and `WAGEWATCH_WEBHOOK_ALLOW_HOSTS`
 * (comma-separated host names, IP addresses and CIDR ranges).
 */
export const webhookTargetEnv = z.object({
  WAGEWATCH_WEBHOOK_ALLOW_HTTP: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  WAGEWATCH_WEBHOOK_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((s, ctx) => {
      const entries = s
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      try {
        parseAllowList(entries);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
      return entries;
    }),
});
/** The policy the environment's settings describe (the lookup stays the system's). */
export function webhookTargetPolicyFromEnv(env: z.infer<typeof webhookTargetEnv>): WebhookTargetPolicy {
  return { allowHttp: env.WAGEWATCH_WEBHOOK_ALLOW_HTTP, allowHosts: env.WAGEWATCH_WEBHOOK_ALLOW_HOSTS };
}

/** Why an address is not a public one (undefined: it is), by ipaddr.js's classification. */
export function nonPublicReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range !== 'unicast')
    return `${ip.toString()} is ${/^([aeio]|un[^i])/i.test(range) ? 'an' : 'a'} ${range} address, not a public one`;
  // ipaddr.js calls every IPv6 address outside its special ranges unicast; only 2000::/3 is
  // global unicast (this refuses the deprecated IPv4-compatible ::a.b.c.d and unassigned space).
  if (ip.kind() === 'ipv6' && !ip.match(ipaddr.parseCIDR('2000::/3')))
    return `${ip.toString()} is not a global unicast IPv6 address`;
  return undefined;
}

const HTTP_SETTING = 'WAGEWATCH_WEBHOOK_ALLOW_HTTP';
const HOSTS_SETTING = 'WAGEWATCH_WEBHOOK_ALLOW_HOSTS';

/**
 * The webhook target check, made at registration and again before every delivery attempt:
 * `https:` only (`http:` where allowed), no credentials in the URL, and every address the host
 * resolves to public — or admitted by the allow-list. The delivery connects to the addresses
 * checked (no second resolution), so a name that changes its answer after the check (DNS
 * rebinding) cannot move the request to an internal address.
 */
export function webhookTargets(policy: WebhookTargetPolicy = {}) {
  const allow = parseAllowList(policy.allowHosts ?? []);
  const lookup = policy.lookup ?? systemLookup;
  const allowedAddress = (address: string) => {
    const ip = ipaddr.parse(address);
    const v4 =
      ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()
        ? (ip as ipaddr.IPv6).toIPv4Address()
        : ip;
    return allow.ranges.some((r) => r[0].kind() === v4.kind() && v4.match(r));
  };

  async function check(raw: string): Promise<CheckedTarget> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new WebhookTargetRefused('not an absolute URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp))
      throw new WebhookTargetRefused(
        url.protocol === 'http:'
          ? `plain http: is not allowed (only https:; an administrator may allow http: with ${HTTP_SETTING}=true)`
          : `the scheme ${url.protocol} is not allowed (only https:${policy.allowHttp ? ' and http:' : ''})`,
      );
    if (url.username || url.password)
      throw new WebhookTargetRefused('a URL with credentials (user:password@) is not allowed');
    // WHATWG URL has already normalised the host: 2130706433, 0x7f.1 and 127.1 are 127.0.0.1.
    const hostname = url.hostname
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/\.$/, '')
      .toLowerCase();
    if (!hostname) throw new WebhookTargetRefused('the URL has no host');
    let addresses: ResolvedAddress[];
    if (ipaddr.isValid(hostname)) {
      addresses = [{ address: hostname, family: ipaddr.parse(hostname).kind() === 'ipv6' ? 6 : 4 }];
    } else {
      try {
        addresses = await lookup(hostname);
      } catch (e) {
        throw new WebhookTargetRefused(
          `the host ${hostname} does not resolve (${(e as { code?: string }).code ?? (e as Error).message})`,
        );
      }
      if (!addresses.length) throw new WebhookTargetRefused(`the host ${hostname} does not resolve`);
    }
    if (!allow.names.has(hostname)) {
      for (const a of addresses) {
        if (allowedAddress(a.address)) continue;
        const why = nonPublicReason(a.address);
        if (why)
          throw new WebhookTargetRefused(
            `${hostname === a.address ? '' : `the host ${hostname} resolves to ${a.address}: `}${why} (an administrator may admit internal hosts with ${HOSTS_SETTING})`,
          );
      }
    }
    return { url, hostname, addresses };
  }

  return {
    check,
    /**
     * Posts to a webhook URL the way `fetch` would, but: the target is checked first (a refused one
     * throws WebhookTargetRefused), the socket connects only to the checked addresses, and a
     * redirect is answered as it is (never followed). The response body is read up to 64 KiB.
     */
    async post(
      raw: string,
      init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
    ): Promise<{ status: number; location: string | undefined; text(): Promise<string> }> {
      const target = await abortable(check(raw), init.signal);
      const pinned: LookupFunction = (_host, options, callback) => {
        const first = target.addresses[0]!;
        if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, target.addresses);
        else callback(null, first.address, first.family);
      };
      const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = send(target.url, {
          method: init.method,
          headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
          lookup: pinned,
          agent: false, // a fresh socket per attempt: nothing pooled from an earlier resolution
          signal: init.signal,
        });
        req.on('response', resolve);
        req.on('error', reject);
        req.end(init.body);
      });
      const chunks: Buffer[] = [];
      let size = 0;
      // The status has been answered: a body cut short (timeout, reset) is kept as far as it came.
      const body = new Promise<string>((resolve) => {
        res.on('data', (c: Buffer) => {
          if (size >= 65_536) return;
          chunks.push(c);
          size += c.length;
          if (size >= 65_536) {
            res.destroy();
            resolve(Buffer.concat(chunks).toString('utf8'));
          }
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      const location = res.headers.location;
      return { status: res.statusCode ?? 0, location, text: () => body };
    },
  };
}
export type WebhookTargets = ReturnType<typeof webhookTargets>;

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
