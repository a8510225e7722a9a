// The console (services/console, a Vue single-page app built by Vite into its dist folder) served
// by the API process itself, same-origin with the API: `/` and `/assets/*` from the folder, and
// index.html for any other GET of a page (history-mode routes such as /projects/PZH-2026-001).
// The API's own paths keep their JSON problem 404. See docs/adr/0019-console.md.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths that are never console pages: their 404 stays the API's JSON problem. */
export const API_PREFIXES = ['/v1', '/docs', '/public', '/health', '/ready', '/metrics', '/assets'];

/**
 * The console's own Content-Security-Policy, tighter than helmet's default: scripts only from
 * this origin (the build has no inline script), styles from this origin plus inline styles
 * (Element Plus positions popups and sizes columns with style attributes), images from this origin
 * and data: URLs, fetches to this origin only, no frames, no plugins.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const isApiPath = (path: string) => API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

export function consoleBuilt(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * Registers the console's files when `dir` holds a build (else answers false and serves nothing:
 * the API works without its console). Files are listed at start (`wildcard: false`), so a GET
 * that is no file reaches the not-found handler, where {@link consoleFallback} decides.
 */
export async function registerConsole(app: FastifyInstance, dir: string): Promise<boolean> {
  if (!consoleBuilt(dir)) return false;
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: false,
    decorateReply: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      // Hashed file names never change content; index.html must be asked for again each time.
      reply.header(
        'cache-control',
        path.includes(`${join('/', 'assets')}/`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.addHook('onSend', async (req, reply) => {
    if (!isApiPath(req.url.split('?')[0] ?? '')) reply.header('content-security-policy', CONSOLE_CSP);
  });
  return true;
}

/**
 * The not-found handler's first question: is this a browser asking for a console page? Then the
 * answer is index.html (the router shows the page, or its own 页面不存在). Never for the API's
 * paths, never for a method other than GET/HEAD, never for a client that does not accept HTML.
 */
export function consoleFallback(req: FastifyRequest, reply: FastifyReply): boolean {
  const path = req.url.split('?')[0] ?? '';
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (isApiPath(path)) return false;
  if (!('sendFile' in reply)) return false;
  if (!String(req.headers.accept ?? '').includes('text/html')) return false;
  reply.header('cache-control', 'no-cache');
  void (reply as FastifyReply & { sendFile(f: string): FastifyReply }).sendFile('index.html');
  return true;
}
