/**
 * Typed errors shared by every process. A `GraftError` crosses the contract as
 * `{ code, message }`; the code is a closed union so the UI can react to it.
 */
export type ErrorCode =
  | 'invalid-argument' // a request or argument failed validation
  | 'not-found' // an id or path that does not exist
  | 'bad-input' // a file or folder whose content is unusable
  | 'unsupported' // a valid request for something Graft does not do (yet)
  | 'conflict' // the state does not allow this now (a run already running, ...)
  | 'cancelled'
  | 'internal';

export class GraftError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GraftError';
    this.code = code;
  }
}

/** Internal assumptions: a failure here is a bug in Graft, not in the user's input. */
export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    const text = typeof message === 'function' ? message() : message;
    throw new GraftError('internal', `invariant failed: ${text}`);
  }
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof GraftError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'internal', message: error.message };
  return { code: 'internal', message: String(error) };
}
