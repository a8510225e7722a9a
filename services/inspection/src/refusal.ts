import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@wagewatch/runtime';

/** A domain decision's refusal (justifications, a person's closing or reopening). */
export type Refusal =
  | { kind: 'not-found'; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'invalid'; field: string; message: string; detail: string };

/** The decision's event, or its refusal as the API's answer: 404, 409, 403 or 400 naming the field. */
export function acceptedEvent<E>(d: { ok: true; event: E } | { ok: false; refusal: Refusal }): E {
  if (d.ok) return d.event;
  const r = d.refusal;
  switch (r.kind) {
    case 'not-found':
      throw new NotFoundError(r.message);
    case 'conflict':
      throw new ConflictError(r.message);
    case 'forbidden':
      throw new ForbiddenError(r.message);
    case 'invalid':
      throw new ValidationError(r.message, [{ field: r.field, message: r.detail }]);
    default: {
      const never: never = r;
      throw new Error(`unknown refusal ${JSON.stringify(never)}`);
    }
  }
}
