import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Traceability of events (envelope `metadata.correlationId` / `causationId`): which intake
 * request or sweep started a chain of events, and which event each one follows from.
 *
 * The ids travel in an async context, never through the services' signatures: the HTTP layer
 * opens one per request (correlation id = the request id, returned as `x-request-id`), the
 * consumer layer one per applied event (its correlation id inherited, causation id = the event's
 * id), the sweeps one per run (`sweep:<instant>`), the deferred evaluations the one stored with
 * their dirty mark; `makeEnvelope` (packages/bus) fills an event's metadata from it when the
 * emitter did not. Every service's emissions carry the ids without knowing about them.
 */
export type Trace = {
  /** The intake request (its request id) or the sweep (`sweep:<ISO instant>`) that started the chain. */
  correlationId: string;
  /** The event this one follows from; absent for a chain's first event. */
  causationId?: string;
};

/** What is current: one trace, and optionally one per partition key (a batch's keys). */
type TraceScope = { trace?: Trace; byKey?: ReadonlyMap<string, Trace> };

const storage = new AsyncLocalStorage<TraceScope>();

/** Runs `fn` with `trace` current (undefined: none, e.g. a fresh context for background work). */
export function withTrace<T>(trace: Trace | undefined, fn: () => T): T {
  return storage.run(trace ? { trace } : {}, fn);
}

/**
 * Runs `fn` with one trace per partition key (an event emitted for key K takes `byKey.get(K)`)
 * and `fallback` for any other key: a batch's deferred work, where each key follows the event
 * that touched it last.
 */
export function withTraceByKey<T>(
  byKey: ReadonlyMap<string, Trace>,
  fallback: Trace | undefined,
  fn: () => T,
): T {
  return storage.run({ byKey, ...(fallback ? { trace: fallback } : {}) }, fn);
}

/** The trace an event emitted now for partition key `key` belongs to, if any. */
export function currentTrace(key?: string): Trace | undefined {
  const scope = storage.getStore();
  if (!scope) return undefined;
  return (key !== undefined ? scope.byKey?.get(key) : undefined) ?? scope.trace;
}

/** The trace of what follows from an event: its chain (or a chain it starts), caused by it. */
export function traceFollowing(event: {
  id: string;
  metadata: { producer: string; correlationId?: string | undefined };
}): Trace {
  return { correlationId: event.metadata.correlationId ?? event.id, causationId: event.id };
}

/** The chain a sweep starts: `sweep:<instant ISO>` (the instant it evaluates at). */
export function sweepTrace(asOf: Date): Trace {
  return { correlationId: `sweep:${asOf.toISOString()}` };
}

/** The last trace per key of a batch of events, in order (the event that touched each key last). */
export function lastTraceByKey(
  events: readonly {
    id: string;
    key: string;
    metadata: { producer: string; correlationId?: string | undefined };
  }[],
): Map<string, Trace> {
  const out = new Map<string, Trace>();
  for (const e of events) out.set(e.key, traceFollowing(e));
  return out;
}
