import type { Envelope } from './envelope.ts';
import { envelopeSchema } from './envelope.ts';
import { EVENT_SCHEMAS, type EventData, type EventType, ROW_BATCHES } from './events.ts';
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
  return validate(checkEnvelope(raw));
}

/** One row of a batch event that failed its row schema: its position, the row itself and why. */
export type RejectedRow = { index: number; row: unknown; reason: string };

/**
 * Like parseEnvelope, but the rows of a batch event (ROW_BATCHES) are validated one by one:
 * the event comes back with its good rows, and each bad row separately with its reason. The
 * rest of the event (project, bank) must be valid, else the whole event is refused.
 */
export function parseEnvelopeRows(raw: unknown): { event: KnownEnvelope; rejected: RejectedRow[] } {
  const env = checkEnvelope(raw);
  const batch = (ROW_BATCHES as Record<string, { field: string; row: RowSchema }>)[env.type];
  const data = env.data as Record<string, unknown> | null;
  const rows = batch && data && typeof data === 'object' ? data[batch.field] : undefined;
  if (!batch || !Array.isArray(rows)) return { event: validate(env), rejected: [] };
  const good: unknown[] = [];
  const rejected: RejectedRow[] = [];
  for (const [index, row] of rows.entries()) {
    const r = batch.row.safeParse(row);
    if (r.success) good.push(r.data);
    else {
      const issue = r.error?.issues[0];
      rejected.push({
        index,
        row,
        reason: `invalid ${env.type} ${batch.field}[${index}] at ${issue?.path.join('.') || '?'}: ${issue?.message ?? ''}`,
      });
    }
  }
  // The rest of the event is validated with no rows (each row was just validated on its own).
  const event = validate({ ...env, data: { ...data, [batch.field]: [] } });
  (event.data as Record<string, unknown>)[batch.field] = good;
  return { event, rejected };
}

type RowSchema = {
  safeParse(x: unknown): {
    success: boolean;
    data?: unknown;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  };
};

type CheckedEnvelope = Envelope & { data: unknown };

function checkEnvelope(raw: unknown): CheckedEnvelope {
  const env = envelopeSchema.safeParse(upcast(raw, currentVersion));
  if (!env.success)
    throw new UnprocessableEventError(`malformed envelope: ${env.error.issues[0]?.message ?? 'invalid'}`);
  return env.data as CheckedEnvelope;
}

function validate(env: CheckedEnvelope): KnownEnvelope {
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
  )[env.type];
  if (!spec) throw new UnprocessableEventError(`unknown event type ${env.type}`);
  if (env.version !== spec.version) {
    throw new UnprocessableEventError(
      `unsupported version ${env.version} of ${env.type} (known: ${spec.version})`,
    );
  }
  const data = spec.data.safeParse(env.data);
  if (!data.success) {
    const issue = data.error?.issues[0];
    throw new UnprocessableEventError(
      `invalid ${env.type} data at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  return { ...env, data: data.data } as KnownEnvelope;
}
