import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process, with the figures every service reports. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'wagewatch_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    eventsApplied: new Counter({
      name: 'wagewatch_events_applied_total',
      help: 'Events applied by consumers',
      labelNames: ['group'],
      registers: [registry],
    }),
    eventsDeadLettered: new Counter({
      name: 'wagewatch_events_dead_lettered_total',
      help: 'Events sent to a dead letter',
      labelNames: ['group'],
      registers: [registry],
    }),
    outboxBacklog: new Gauge({
      name: 'wagewatch_outbox_backlog',
      help: 'Outbox events not yet delivered to every consumer',
      labelNames: ['schema'],
      registers: [registry],
    }),
    findingsOpen: new Gauge({
      name: 'wagewatch_findings_open',
      help: 'Open findings by rule',
      labelNames: ['rule'],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
