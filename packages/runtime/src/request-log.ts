import { type FastifyInstance, LogController } from 'fastify';

/** Fastify options that turn off its own request logs (they hold the URL, query string included). */
export const requestLogOptions = () => ({
  logController: new LogController({ disableRequestLogging: true }),
});

/**
 * One log line per request, when its response is sent: the method, the route's pattern (e.g.
 * `/v1/projects/:projectId/status`, `unmatched` for a 404 with no route), the status and the
 * duration in milliseconds. Never the URL itself: a path or query string may carry an ID number,
 * a card number or a name.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });
}
