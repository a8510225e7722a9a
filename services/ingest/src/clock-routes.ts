import type { Database } from '@wagewatch/db';
import {
  assertSweepable,
  type Clock,
  ConflictError,
  principalOf,
  problemSchema,
  requireRole,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

const EPOCH = new Date(0);

/** The instant the ingest process's replay clock was last moved to (the epoch when never). */
export async function readClockInstant(db: Database): Promise<Date> {
  const [row] = await db.query<{ as_of: Date }>('SELECT as_of FROM ingest.clock_instant WHERE id = 1');
  return row?.as_of ?? EPOCH;
}

/**
 * `POST /v1/admin/ingest/sweep` (distributed mode, `WAGEWATCH_CLOCK=manual`): ingest has no
 * time-based rules, but it stamps what it receives and refuses statements dated in the future
 * by its clock, so a replay moves its clock with the other services' sweeps. Forward only; the
 * instant is kept, so a restarted process resumes where the replay was. The embedded system's
 * `POST /v1/admin/sweep` moves the one clock of the process, so this route is not mounted there.
 * Like every sweep route, an `asOf` past a live clock's now (+1 min) is a 400 on the field
 * (`assertSweepable`), checked first; on the system clock any other `asOf` is a 409: there is
 * no clock to move, a state of the process rather than a mistake in the request.
 */
export function ingestClockRoutes(deps: { db: Database; clock: Clock }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/v1/admin/ingest/sweep',
      {
        schema: {
          tags: ['admin'],
          summary: "Move ingest's replay clock to an instant (manual clock only; forward only)",
          body: z.object({ asOf: z.iso.datetime({ offset: true }) }),
          response: {
            200: z.object({ asOf: z.string() }),
            400: problemSchema,
            401: problemSchema,
            403: problemSchema,
            409: problemSchema,
          },
        },
      },
      async (req) => {
        requireRole(principalOf(req), 'admin');
        assertSweepable(deps.clock, new Date(req.body.asOf));
        if (!deps.clock.sweptTo)
          throw new ConflictError(
            'ingest runs on the system clock (WAGEWATCH_CLOCK=system); there is nothing to move',
          );
        const [row] = await deps.db.query<{ as_of: Date }>(
          `INSERT INTO ingest.clock_instant (id, as_of) VALUES (1, $1)
           ON CONFLICT (id) DO UPDATE SET as_of = GREATEST(ingest.clock_instant.as_of, EXCLUDED.as_of) RETURNING as_of`,
          [new Date(req.body.asOf)],
        );
        deps.clock.sweptTo(row!.as_of);
        return { asOf: deps.clock.now().toISOString() };
      },
    );
  };
}
