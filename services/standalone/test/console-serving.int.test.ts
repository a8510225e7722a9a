import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIR, requireConsoleBuild } from './console-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * The console served by the embedded system over real HTTP: its files at `/`, index.html for a
 * browser opening any console route (history mode), and the API's own paths untouched — their
 * 404 stays a JSON problem even when a browser asks for HTML.
 */
describe('the console served at /', () => {
  let t: TestSystem;
  let base: string;
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
  beforeAll(async () => {
    t = await startTestSystem({ embedded: { consoleDir: requireConsoleBuild() } });
    base = t.api.baseUrl;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves index.html at / and for console routes, with its own CSP and no caching', async () => {
    const index = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');
    for (const path of ['/', '/cockpit', '/projects?district=东区', '/projects/PZH-2026-001', '/login']) {
      const res = await fetch(`${base}${encodeURI(path)}`, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain('unsafe-eval');
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(await res.text(), path).toBe(index);
    }
    // The build has no inline script: every <script> names a file of this origin.
    const scripts = [...index.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
  });

  it('serves the hashed assets as immutable', async () => {
    const asset = readdirSync(join(CONSOLE_DIR, 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await fetch(`${base}/assets/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(readFileSync(join(CONSOLE_DIR, 'assets', asset), 'utf8'));
  });

  it('leaves the API, docs, public, probe and asset 404s as JSON problems, even for a browser', async () => {
    for (const path of [
      '/v1/no-such-route',
      '/v1',
      '/docs/no-such-page',
      '/public/no-such-page',
      '/health/x',
      '/metrics/x',
      '/assets/no-such-file.js',
    ]) {
      const res = await fetch(`${base}${path}`, { headers: html });
      // Under /v1/ the key is checked first (401 without one); the rest is a plain 404.
      expect(res.status, path).toBe(path.startsWith('/v1/') ? 401 : 404);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
      const body = (await res.json()) as { status: number };
      expect(body.status, path).toBe(res.status);
    }
    const keyed = await t.admin.get('/v1/no-such-route');
    expect(keyed.status).toBe(404);
    expect(keyed.body.type).toBe('urn:wagewatch:problem:not-found');
  });

  it('answers index.html only to GET/HEAD from a client that accepts HTML', async () => {
    const json = await fetch(`${base}/cockpit`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
    const post = await fetch(`${base}/cockpit`, { method: 'POST', headers: html });
    expect(post.status).toBe(404);
    expect(post.headers.get('content-type')).toContain('application/problem+json');
  });

  it('keeps the API routes and /docs as they were', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const docs = await fetch(`${base}/docs/json`);
    expect(docs.status).toBe(200);
    expect(((await docs.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    const findings = await t.admin.get('/v1/findings?limit=1');
    expect(findings.status).toBe(200);
  });
});
