import { payrollSubmittedData } from './events.ts';
import { UnprocessableEventError } from './parse.ts';

/**
 * Old event versions are never guessed at: each one that may still be in a topic (or an
 * outbox, or a bank's producer) has an explicit, tested upcaster to the next version, and
 * `upcast` chains them up to the current version before the envelope is validated.
 */
type Upcaster = (data: unknown) => unknown;

/**
 * `payroll.submitted` v0 carried a whole sheet in one message, without `part`/`parts`
 * (the split into parts of at most PAYROLL_PART_SIZE lines came with v1).
 */
export const payrollSubmittedDataV0 = payrollSubmittedData.omit({ part: true, parts: true });

/** type → (from version → upcaster to from + 1). */
export const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {
  'payroll.submitted': {
    0: (data) => {
      const v0 = payrollSubmittedDataV0.safeParse(data);
      if (!v0.success) {
        const issue = v0.error.issues[0];
        throw new UnprocessableEventError(
          `invalid payroll.submitted v0 data at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
        );
      }
      return { ...v0.data, part: 1, parts: 1 };
    },
  },
};

/**
 * Brings a raw envelope of an older version up to `targetVersion` (the version the event
 * schemas know). Anything that is not an envelope-shaped object, or whose version has no
 * upcaster chain, is returned unchanged: validation then rejects it with the precise reason.
 */
export function upcast(raw: unknown, targetVersion: (type: string) => number | undefined): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const env = raw as { type?: unknown; version?: unknown; data?: unknown };
  if (typeof env.type !== 'string' || typeof env.version !== 'number') return raw;
  const target = targetVersion(env.type);
  const steps = UPCASTERS[env.type];
  if (target === undefined || !steps || env.version >= target) return raw;
  let version = env.version;
  let data = env.data;
  while (version < target) {
    const step = steps[version];
    if (!step) return raw;
    data = step(data);
    version++;
  }
  return { ...env, version, data };
}
