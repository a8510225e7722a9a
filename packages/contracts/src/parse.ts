import type { Envelope } from './envelope.ts';
import { envelopeSchema } from './envelope.ts';
import { EVENT_SCHEMAS, type EventData, type EventType } from './events.ts';
import { upcast } from './upcast.ts';

export class UnprocessableEventError extends Error {
  readonly code = 'UNPROCESSABLE_EVENT';
  readonly retryable = false;
}

export type KnownEnvelope = { [T in EventType]: Envelope<T, EventData<T>> }[EventType];

const currentVersion = (type: string): number | undefined =>
  (EVENT_SCHEMAS as Record<string, { version: number }>)[type]?.version;

/**
 * Validates an envelope and its data against the event's schema, after upcasting an older
 * version that has an explicit upcaster (upcast.ts). Unknown types or versions are not
 * guessed at: they raise UnprocessableEventError (dead letter, never silently dropped).
 */
export function parseEnvelope(raw: unknown): KnownEnvelope {
  const env = envelopeSchema.safeParse(upcast(raw, currentVersion));
  if (!env.success)
    throw new UnprocessableEventError(`malformed envelope: ${env.error.issues[0]?.message ?? 'invalid'}`);
  const spec = (
    EVENT_SCHEMAS as Record<
      string,
      {
        version: number;
        data: {
          safeParse(x: unknown): {
            success: boolean;
            data?: unknown;
            error?: { issues: { path: PropertyKey[]; message: string }[] };
          };
        };
      }
    >
  )[env.data.type];
  if (!spec) throw new UnprocessableEventError(`unknown event type ${env.data.type}`);
  if (env.data.version !== spec.version) {
    throw new UnprocessableEventError(
      `unsupported version ${env.data.version} of ${env.data.type} (known: ${spec.version})`,
    );
  }
  const data = spec.data.safeParse(env.data.data);
  if (!data.success) {
    const issue = data.error?.issues[0];
    throw new UnprocessableEventError(
      `invalid ${env.data.type} data at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  return { ...env.data, data: data.data } as KnownEnvelope;
}
