import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createDeposits } from '@wagewatch/deposits';
import { defaultCalendar } from '@wagewatch/domain';
import { createIngest } from '@wagewatch/ingest';
import { createInspection } from '@wagewatch/inspection';
import { createLedger } from '@wagewatch/ledger';
import { buildHttpApp, createLogger, createMetrics, SecretBox } from '@wagewatch/runtime';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * infra/proxy/nginx.conf (compose's proxy and the k8s gateway) sends every path and method of the
 * embedded system's OpenAPI document to the service that registers it. The owner is found by
 * building each service's routes alone (as its process does, buildHttpApp) and asking Fastify
 * `hasRoute`; the proxy's choice by nginx's own location order: exact (`=`) match, else the
 * longest prefix, unless a regex (in file order) matches first; `$projects_owner` by method.
 */
type Location = { kind: '=' | 'prefix' | '~'; pattern: string; upstream: string };
const conf = readFileSync(new URL('../../../infra/proxy/nginx.conf', import.meta.url), 'utf8');
const byMethod = (method: string) => (method === 'GET' || method === 'HEAD' ? 'inspection' : 'ingest');

function locations(): Location[] {
  const out: Location[] = [];
  const re = /location\s+(=|~)?\s*(\S+)\s*\{[^}]*?proxy_pass\s+http:\/\/([$\w]+)/g;
  for (const m of conf.matchAll(re))
    out.push({ kind: (m[1] as '=' | '~' | undefined) ?? 'prefix', pattern: m[2]!, upstream: m[3]! });
  return out;
}

function proxied(method: string, path: string): string {
  const all = locations();
  const pick = (l: Location) => (l.upstream === '$projects_owner' ? byMethod(method) : l.upstream);
  const exact = all.find((l) => l.kind === '=' && l.pattern === path);
  if (exact) return pick(exact);
  const regex = all.find((l) => l.kind === '~' && new RegExp(l.pattern).test(path));
  if (regex) return pick(regex);
  const prefix = all
    .filter((l) => l.kind === 'prefix' && path.startsWith(l.pattern))
    .sort((a, b) => b.pattern.length - a.pattern.length)[0];
  return prefix ? pick(prefix) : 'none';
}

let t: TestSystem;
const apps: { name: string; app: FastifyInstance }[] = [];

beforeAll(async () => {
  t = await startTestSystem();
  const deps = { db: t.db, clock: t.clock, calendar: defaultCalendar };
  const logger = createLogger({ level: 'silent' });
  const services = [
    createIngest({ ...deps, apiKeys: t.apiKeys }),
    createLedger(deps),
    createDeposits(deps),
    createInspection({ ...deps, secrets: new SecretBox(randomBytes(32)) }),
  ];
  for (const s of services) {
    const app = await buildHttpApp({
      logger,
      apiKeys: t.apiKeys,
      metrics: createMetrics(),
      plugins: [s.routes],
    });
    await app.ready();
    apps.push({ name: s.name, app });
  }
}, 120_000);

afterAll(async () => {
  for (const { app } of apps) await app.close();
  await t?.close();
});

describe('infra/proxy/nginx.conf', () => {
  it('sends every OpenAPI path and method to the service that registers it', async () => {
    const doc = (await t.api.get('/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    const checked: string[] = [];
    const wrong: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/') && !path.startsWith('/public/')) continue;
      for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
        if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
        const url = path.replace(/\{(\w+)\}/g, ':$1');
        const owners = apps.filter((a) => a.app.hasRoute({ method, url })).map((a) => a.name);
        // Each process's own dead letters (runtime's routes, not a service's): through the proxy, inspection's.
        const owner =
          owners.length === 0 && path.startsWith('/v1/admin/dead-letters') ? 'inspection' : owners[0];
        const sample = path.replace(/\{(\w+)\}/g, 'X-1');
        const via = proxied(method, sample);
        checked.push(`${method} ${path}`);
        if (owners.length > 1 || via !== owner)
          wrong.push(`${method} ${path}: owner ${owners.join('+') || 'none'}, proxy ${via}`);
      }
    }
    expect(checked.length).toBeGreaterThan(40);
    expect(checked).toContain('POST /v1/projects');
    expect(checked).toContain('GET /v1/dashboard/payments');
    expect(wrong).toEqual([]);
  });

  it("emulates nginx's order: the method split, regex before prefix, exact first", () => {
    expect(proxied('GET', '/v1/projects')).toBe('inspection');
    expect(proxied('POST', '/v1/projects')).toBe('ingest');
    expect(proxied('GET', '/v1/projects/P-1/payments')).toBe('ledger');
    expect(proxied('GET', '/v1/dashboard/payments')).toBe('ledger');
    expect(proxied('GET', '/v1/unknown')).toBe('inspection');
  });
});
