export type FieldIssue = { row?: number; field: string; message: string };

/** Errors are classes with a code; the HTTP layer maps them to RFC 7807 bodies in one place. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors: FieldIssue[] = [],
    readonly retryable = false,
  ) {
    super(detail);
  }
}
export class ValidationError extends AppError {
  constructor(detail: string, errors: FieldIssue[] = []) {
    super('validation-failed', 400, 'The request is not valid', detail, errors);
  }
}
export class UnauthorizedError extends AppError {
  constructor(detail = 'a valid API key is required (Authorization: Bearer <key>)') {
    super('unauthorized', 401, 'Not authenticated', detail);
  }
}
export class ForbiddenError extends AppError {
  constructor(detail: string) {
    super('forbidden', 403, 'Outside your scope', detail);
  }
}
export class NotFoundError extends AppError {
  constructor(detail: string) {
    super('not-found', 404, 'Not found', detail);
  }
}
export class ConflictError extends AppError {
  constructor(detail: string) {
    super('conflict', 409, 'Conflict', detail);
  }
}
/** A request beyond a bound (an upload's size, rows or reading time): 413, the bound named. */
export class PayloadTooLargeError extends AppError {
  constructor(
    detail: string,
    readonly bound: string,
  ) {
    super('payload-too-large', 413, 'Too large', detail, [
      { field: 'file', message: `beyond the ${bound} bound` },
    ]);
  }
}
