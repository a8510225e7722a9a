// Protection every HTTP service shares (issue 11): security headers on every page (helmet), rate
// limits per key and per address, a tighter one on failed authentications, and 503 with
// Retry-After under event-loop pressure instead of a stalled process. `buildHttpApp` registers
// it with one line, before the authentication hook, so a refused request costs no key check.
import { createHash } from 'node:crypto';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyUnderPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiKeys } from './auth.ts';
import { AppError } from './errors.ts';

export type HttpProtection = {
  /** Requests per window for one valid API key. */
  keyRequestsPerWindow: number;
  /** Requests per window from one address without a valid key (public pages, /docs, bad keys). */
  addressRequestsPerWindow: number;
  /** Failed authentications (401) per window from one address: the "login" limit. */
  authFailuresPerWindow: number;
  windowMs: number;
  /** Mean event-loop delay (ms) above which requests get 503; 0 turns the check off. */
  maxEventLoopDelayMs: number;
  /** Retry-After (s) of a 503 under pressure. */
  pressureRetryAfterSeconds: number;
};

/** Generous: the demo loader and the test suites never meet them; a deployment sets its own. */
export const DEFAULT_HTTP_PROTECTION: HttpProtection = {
  keyRequestsPerWindow: 20_000,
  addressRequestsPerWindow: 2_000,
  authFailuresPerWindow: 100,
  windowMs: 60_000,
  maxEventLoopDelayMs: 2_000,
  pressureRetryAfterSeconds: 10,
};

/** Liveness, readiness and scraping are never limited: an orchestrator must always reach them. */
const UNLIMITED = new Set(['/health', '/ready', '/metrics']);
const unlimited = (req: FastifyRequest) => UNLIMITED.has(req.url.split('?')[0] ?? '');

export async function registerHttpProtection(
  app: FastifyInstance,
  apiKeys: ApiKeys,
  settings: Partial<HttpProtection> = {},
): Promise<void> {
  const s = { ...DEFAULT_HTTP_PROTECTION, ...settings };

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      // helmet's defaults (self-only scripts, inline styles, data: images) are what the Swagger
      // UI at /docs and the public notice page need; an internal http deployment must not have
      // its assets rewritten to https.
      directives: { upgradeInsecureRequests: null },
    },
  });

  if (s.maxEventLoopDelayMs > 0) {
    await app.register(fastifyUnderPressure, {
      maxEventLoopDelay: s.maxEventLoopDelayMs,
      retryAfter: s.pressureRetryAfterSeconds,
      pressureHandler: async (_req, reply, type, value) => {
        reply.header('retry-after', String(s.pressureRetryAfterSeconds));
        throw new AppError(
          'under-pressure',
          503,
          'Service busy',
          `the server is under pressure (${type}${value !== undefined ? ` ${Math.round(value)}` : ''}); retry after ${s.pressureRetryAfterSeconds} s`,
          [],
          true,
        );
      },
    });
  }

  await app.register(fastifyRateLimit, { global: false });
  const tooMany = (what: string) => (_req: FastifyRequest, ctx: { max: number; after: string }) =>
    new AppError(
      'rate-limited',
      429,
      'Too many requests',
      `more than ${ctx.max} ${what} per ${s.windowMs / 1000} s; retry after ${ctx.after}`,
    );

  // Failed authentications per address: checked before the key is, counted when a 401 leaves.
  const authFailures = app.createRateLimit({
    max: s.authFailuresPerWindow,
    timeWindow: s.windowMs,
    keyGenerator: (req) => `auth-failures:${req.ip}`,
  });
  app.addHook('onRequest', async (req, reply) => {
    if (unlimited(req)) return;
    const state = await authFailures(req, { increment: false });
    if (!state.isAllowed && state.remaining === 0) {
      reply.header('retry-after', String(state.ttlInSeconds));
      throw tooMany('failed authentications')(req, { max: state.max, after: `${state.ttlInSeconds} s` });
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode === 401) await authFailures(req);
  });

  // Every request: per valid key (whatever address it comes from), else per address.
  app.addHook(
    'onRequest',
    app.rateLimit({
      timeWindow: s.windowMs,
      allowList: (req) => unlimited(req),
      keyGenerator: (req) => {
        const token = validToken(apiKeys, req.headers.authorization);
        return token ? `key:${createHash('sha256').update(token).digest('hex')}` : `address:${req.ip}`;
      },
      max: (_req, key) => (key.startsWith('key:') ? s.keyRequestsPerWindow : s.addressRequestsPerWindow),
      errorResponseBuilder: (req, ctx) =>
        tooMany(ctx.max === s.keyRequestsPerWindow ? 'requests with this key' : 'requests from this address')(
          req,
          ctx,
        ),
    }),
  );
}

/** The bearer token when it is a valid key: a guessed key counts against its address. */
function validToken(apiKeys: ApiKeys, header: string | undefined): string | undefined {
  try {
    apiKeys.verify(header);
    return header;
  } catch {
    return undefined;
  }
}

/**
 * The settings as environment variables: each service's env.ts (the one place it reads its
 * environment) extends its schema with these; `httpProtectionFromEnv` maps them.
 */
export const httpProtectionEnv = {
  WAGEWATCH_RATE_LIMIT_PER_KEY: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_HTTP_PROTECTION.keyRequestsPerWindow),
  WAGEWATCH_RATE_LIMIT_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_HTTP_PROTECTION.addressRequestsPerWindow),
  WAGEWATCH_RATE_LIMIT_AUTH_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_HTTP_PROTECTION.authFailuresPerWindow),
  WAGEWATCH_RATE_LIMIT_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_HTTP_PROTECTION.windowMs / 1000),
  /** 0 turns the event-loop pressure check off. */
  WAGEWATCH_MAX_EVENT_LOOP_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(DEFAULT_HTTP_PROTECTION.maxEventLoopDelayMs),
};

export function httpProtectionFromEnv(
  env: {
    [K in keyof typeof httpProtectionEnv]: number;
  },
): HttpProtection {
  return {
    keyRequestsPerWindow: env.WAGEWATCH_RATE_LIMIT_PER_KEY,
    addressRequestsPerWindow: env.WAGEWATCH_RATE_LIMIT_PER_ADDRESS,
    authFailuresPerWindow: env.WAGEWATCH_RATE_LIMIT_AUTH_FAILURES,
    windowMs: env.WAGEWATCH_RATE_LIMIT_WINDOW_SECONDS * 1000,
    maxEventLoopDelayMs: env.WAGEWATCH_MAX_EVENT_LOOP_DELAY_MS,
    pressureRetryAfterSeconds: DEFAULT_HTTP_PROTECTION.pressureRetryAfterSeconds,
  };
}
