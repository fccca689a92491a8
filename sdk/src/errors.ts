/**
 * Errors that become HTTP answers. Core and plugins throw these; the error middleware turns them
 * into the contract's shape `{ error, details? }` with the right status.
 */
export type ErrorDetails = Record<string, string>;

/**
 * Marks HttpErrors across copies of the SDK: a plugin installed from npm may bring its own copy,
 * and `instanceof` fails across copies.
 */
const HTTP_ERROR = Symbol.for('mpanel.HttpError');

export class HttpError extends Error {
  readonly [HTTP_ERROR] = true;
  readonly status: number;
  readonly details: ErrorDetails | undefined;
  /** Extra response headers, e.g. Retry-After on 429. */
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, details?: ErrorDetails, headers: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.details = details;
    this.headers = headers;
  }
}

export class ValidationError extends HttpError {
  constructor(details: ErrorDetails, message = 'Validation failed') {
    super(400, message, details);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'Not authenticated') {
    super(401, message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Not permitted') {
    super(403, message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Not found') {
    super(404, message);
  }
}

export class ConflictError extends HttpError {
  constructor(message = 'Conflict', details?: ErrorDetails) {
    super(409, message, details);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(retryAfterSeconds: number, message = 'Too many requests') {
    super(429, message, undefined, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export function isHttpError(err: unknown): err is HttpError {
  return err instanceof HttpError || (typeof err === 'object' && err !== null && (err as { [HTTP_ERROR]?: unknown })[HTTP_ERROR] === true);
}
