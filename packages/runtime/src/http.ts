import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { withTrace } from '@wagewatch/contracts';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ApiKeys, Principal } from './auth.ts';
import { consoleFallback, registerConsole } from './console-static.ts';
import { AppError, type FieldIssue } from './errors.ts';
import { type HttpProtection, registerHttpProtection } from './http-protection.ts';
import { clientDataError, inputGuard, logRefusal, originFormUrl } from './input-guard.ts';
import type { Metrics } from './metrics.ts';
import { registerRequestLog, requestLogOptions } from './request-log.ts';
import { authenticateRequest } from './session-auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export type HttpApp = FastifyInstance;
/** The response header that carries the request id: the correlation id of the events it starts. */
export const REQUEST_ID_HEADER = 'x-request-id';
export type ReadinessCheck = { name: string; check: () => Promise<void> };

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error('route is not under /v1: no principal');
  return req.principal;
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ row: z.number().optional(), field: z.string(), message: z.string() }))
      .optional(),
    /** Set when `errors` lists only the first MAX_LISTED_ERRORS: how many there are in all. */
    totalErrors: z.number().optional(),
  })
  .describe('RFC 7807 problem details');

/** A problem body lists at most this many errors (a million bad rows must not make a 100 MB body). */
export const MAX_LISTED_ERRORS = 200;

/**
 * The HTTP shell every service shares: zod schemas for validation and serialisation, the
 * OpenAPI document generated from them (/docs), RFC 7807 errors mapped in one place,
 * authentication of every /v1 route, /health, /ready and /metrics.
 */
export async function buildHttpApp(options: {
  logger: Logger;
  apiKeys: ApiKeys;
  metrics: Metrics;
  readiness?: ReadinessCheck[];
  plugins: FastifyPluginAsync[];
  bodyLimit?: number;
  /** Rate limits and the pressure bound (http-protection.ts); generous defaults. */
  protection?: Partial<HttpProtection>;
  /**
   * The console's build folder (services/console/dist), served at `/` when it holds a build
   * (console-static.ts); absent or unbuilt: no console, the API alone.
   */
  consoleDir?: string;
}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 50 * 1024 * 1024,
    // Unique across processes and restarts: it is the correlation id of the events a request starts.
    genReqId: () => randomUUID(),
    ...requestLogOptions(),
    rewriteUrl: originFormUrl,
  }).withTypeProvider<ZodTypeProvider>();
  // Fastify hands an absent body to the validator as null, which an optional body schema
  // (`z.object(...).optional()`, e.g. the sweeps' `{asOf?}`) refuses: validate it as undefined.
  app.setValidatorCompiler<Parameters<typeof validatorCompiler>[0]['schema']>((route) => {
    const validate = validatorCompiler(route);
    return route.httpPart === 'body'
      ? (data: unknown) => validate(data === null ? undefined : data)
      : validate;
  });
  app.setSerializerCompiler(serializerCompiler);
  // A POST with no body works however it is sent: an empty `application/json` body is no body
  // (Fastify refuses it by default: FST_ERR_CTP_EMPTY_JSON_BODY), and so is an empty form body;
  // a form body holding JSON (`curl -d '{}'` labels its body a form unless told otherwise) is
  // read as JSON, any other form body is still 415. JSON keeps Fastify's own parser (prototype-poisoning
  // checks).
  const json = app.getDefaultJsonParser('error', 'error');
  const parseJson = (req: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void) =>
    body.trim() === '' ? done(null, undefined) : json(req, body, done);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    parseJson(req, body as string, done),
  );
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) =>
    parseJson(req, body as string, (err, value) => {
      if (!err) return done(null, value);
      const unsupported = new Error(
        'Unsupported Media Type: send the body as JSON (content-type: application/json)',
      );
      done(Object.assign(unsupported, { statusCode: 415 }), undefined);
    }),
  );
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionAuth', null);
  registerRequestLog(app as unknown as FastifyInstance);
  app.addHook('preValidation', inputGuard);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Wagewatch API',
        description:
          'Wage-payment monitoring for construction projects. Amounts are decimal yuan strings; dates YYYY-MM-DD; errors RFC 7807.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          // A person's session (POST /v1/session); state-changing requests also send x-csrf-token.
          session: { type: 'apiKey', in: 'cookie', name: 'ww_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await registerHttpProtection(app as unknown as FastifyInstance, options.apiKeys, options.protection);

  app.addHook('onRequest', async (req, reply) => {
    reply.header(REQUEST_ID_HEADER, req.id);
    if (req.url.startsWith('/v1/')) await authenticateRequest(req, options.apiKeys);
  });
  // Every event the handler's work emits (and everything that follows from them) carries the
  // request id as its correlation id (packages/contracts trace.ts). Set after the body is read
  // (stream callbacks run outside the request's async context), around the handler.
  app.addHook('preHandler', (req, _reply, done) => {
    withTrace({ correlationId: req.id }, done);
  });
  app.addHook('onResponse', async (req, reply) => {
    options.metrics.httpDuration
      .labels(req.method, req.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  const consoleServed = options.consoleDir
    ? await registerConsole(app as unknown as FastifyInstance, options.consoleDir)
    : false;
  if (options.consoleDir && !consoleServed)
    options.logger.warn(
      { consoleDir: options.consoleDir },
      'the console is not built (no index.html): serving the API only; run pnpm --filter @wagewatch/console build',
    );

  app.setNotFoundHandler((req, reply) => {
    if (consoleServed && consoleFallback(req, reply)) return;
    reply
      .code(404)
      .type('application/problem+json')
      .send({
        type: 'urn:wagewatch:problem:not-found',
        title: 'Not found',
        status: 404,
        detail: `no route ${req.method} ${req.url}`,
      });
  });
  app.setErrorHandler((raw, req, reply) => {
    const err = clientDataError(raw) ?? raw;
    const instance = req.url.split('?')[0];
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.error({ err }, 'request failed');
      else
        logRefusal(
          req.log,
          err.status,
          err.code,
          err.errors.map((e) => e.field),
        );
      return reply
        .code(err.status)
        .type('application/problem+json')
        .send({
          type: `urn:wagewatch:problem:${err.code}`,
          title: err.title,
          status: err.status,
          detail: err.message,
          instance,
          ...(err.errors.length ? { errors: err.errors.slice(0, MAX_LISTED_ERRORS) } : {}),
          ...(err.errors.length > MAX_LISTED_ERRORS ? { totalErrors: err.errors.length } : {}),
        });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map(toFieldIssue);
      logRefusal(
        req.log,
        400,
        'validation-failed',
        errors.map((e) => e.field),
      );
      return reply
        .code(400)
        .type('application/problem+json')
        .send({
          type: 'urn:wagewatch:problem:validation-failed',
          title: 'The request is not valid',
          status: 400,
          detail: errors
            .map((e) => `${e.row !== undefined ? `row ${e.row}: ` : ''}${e.field}: ${e.message}`)
            .join('; '),
          instance,
          errors,
        });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      logRefusal(req.log, status, (err as { code?: string }).code ?? 'bad-request');
      return reply
        .code(status)
        .type('application/problem+json')
        .send({
          type: 'urn:wagewatch:problem:bad-request',
          title: 'Bad request',
          status,
          detail: (err as Error).message,
          instance,
        });
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).type('application/problem+json').send({
      type: 'urn:wagewatch:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'an internal error occurred',
      instance,
    });
  });

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (_req, reply) => {
    const results = await Promise.all(
      (options.readiness ?? []).map(async (r) => {
        try {
          await r.check();
          return { name: r.name, ok: true };
        } catch (err) {
          return { name: r.name, ok: false, error: (err as Error).message };
        }
      }),
    );
    const ok = results.every((r) => r.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not-ready', checks: results });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });

  for (const plugin of options.plugins) await app.register(plugin);
  return app as unknown as FastifyInstance;
}

/** `/records/3/amount` → row 4 (1-based), field `amount`. */
function toFieldIssue(v: { instancePath: string; message?: string; params?: unknown }): FieldIssue {
  const parts = v.instancePath.split('/').filter(Boolean);
  const idx = parts.findIndex((p) => /^\d+$/.test(p));
  if (idx >= 0) {
    const field = parts.slice(idx + 1).join('.') || parts.slice(0, idx).join('.');
    return { row: Number(parts[idx]) + 1, field, message: v.message ?? 'invalid' };
  }
  return { field: parts.join('.') || 'body', message: v.message ?? 'invalid' };
}
