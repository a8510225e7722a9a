import {
  type ApiKeys,
  type Clock,
  type KeyRecord,
  type KeyRegistry,
  NotFoundError,
  principalOf,
  problemSchema,
  ROLES,
  requireRole,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const scopeSchema = z.object({
  bankCode: z.string().optional(),
  projectIds: z.array(z.string()).optional(),
  districts: z.union([z.array(z.string()), z.literal('all')]).optional(),
});

/** A key as the registry lists it: never the key (nor anything it could be rebuilt from). */
const keyRecordSchema = z.object({
  keyId: z.string(),
  role: z.enum(ROLES),
  scope: scopeSchema,
  label: z.string().nullable(),
  issuedBy: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toBody = (k: KeyRecord) => ({
  ...k,
  issuedAt: k.issuedAt.toISOString(),
  expiresAt: iso(k.expiresAt),
  revokedAt: iso(k.revokedAt),
  lastUsedAt: iso(k.lastUsedAt),
});

/** Issuing, listing and revoking API keys (admin): the registry is the shared `auth` schema. */
export function registerKeyRoutes(root: FastifyInstance, deps: { apiKeys: ApiKeys; clock: Clock }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { apiKeys, clock } = deps;
  const registry = (): KeyRegistry => {
    if (!apiKeys.registry) throw new Error('no key registry attached to the API keys (composition root)');
    return apiKeys.registry;
  };

  app.post(
    '/v1/admin/api-keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Issue an API key for a role and scope, with an optional label and expiry',
        body: z.object({
          role: z.enum(ROLES),
          scope: scopeSchema.default({}),
          label: z.string().trim().min(1).max(200).optional(),
          expiresAt: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          201: z.object({
            key: z.string(),
            keyId: z.string(),
            role: z.string(),
            label: z.string().nullable(),
            expiresAt: z.string().nullable(),
          }),
          ...problems,
        },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      requireRole(principal, 'admin');
      const now = clock.now();
      const expiresAt = req.body.expiresAt ? new Date(req.body.expiresAt) : undefined;
      if (expiresAt && expiresAt.getTime() <= now.getTime() + 1000) {
        throw new ValidationError('the expiry must be in the future', [
          { field: 'expiresAt', message: `must be after now (${now.toISOString()})` },
        ]);
      }
      let issued: ReturnType<ApiKeys['issue']>;
      try {
        issued = apiKeys.issue(req.body.role, req.body.scope, expiresAt ? { expiresAt } : {});
      } catch (err) {
        throw new ValidationError((err as Error).message, [
          { field: 'scope', message: (err as Error).message },
        ]);
      }
      await registry().record({
        keyId: issued.principal.keyId,
        role: req.body.role,
        scope: req.body.scope,
        label: req.body.label,
        issuedBy: principal.keyId,
        issuedAt: now,
        expiresAt: issued.expiresAt,
      });
      return reply.code(201).send({
        key: issued.key,
        keyId: issued.principal.keyId,
        role: req.body.role,
        label: req.body.label ?? null,
        expiresAt: iso(issued.expiresAt ?? null),
      });
    },
  );

  app.get(
    '/v1/admin/api-keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'List issued API keys (id, role, scope, label, expiry, revocation, last use; never the key)',
        response: { 200: z.object({ keys: z.array(keyRecordSchema) }), ...problems },
      },
    },
    async (req) => {
      requireRole(principalOf(req), 'admin');
      return { keys: (await registry().list()).map(toBody) };
    },
  );

  app.delete(
    '/v1/admin/api-keys/:keyId',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key: refused by this process at once, by every other within seconds',
        params: z.object({ keyId: z.uuid() }),
        response: { 200: keyRecordSchema, ...problems },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      requireRole(principal, 'admin');
      const revoked = await registry().revoke(req.params.keyId, principal.keyId);
      if (!revoked) throw new NotFoundError(`no API key ${req.params.keyId} was issued`);
      return toBody(revoked);
    },
  );
}
