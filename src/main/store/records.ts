/**
 * Zod checks at the store's edges. Rows read back are checked against the contract so that a
 * damaged or hand-edited database fails loudly here, not deep inside a training run; values
 * coming in are checked so that a bad record is refused before it is written at all.
 */
import type { z } from 'zod';
import { GraftError } from '../../shared/errors';

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** A record read from the database; a mismatch is a bug or a damaged file, not user input. */
export function fromDb<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new GraftError('internal', `stored ${what} is invalid: ${describeIssues(result.error)}`);
  }
  return result.data;
}

/** A value a caller wants to store; a mismatch is the caller's mistake. */
export function toDb<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new GraftError('invalid-argument', `${what} is invalid: ${describeIssues(result.error)}`);
  }
  return result.data;
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new GraftError('internal', `stored ${what} is not valid JSON`, { cause });
  }
}

export function notFound(kind: string, id: string): GraftError {
  return new GraftError('not-found', `${kind} ${JSON.stringify(id)} does not exist`);
}

/** Turns SQLite's duplicate-key failure into a conflict naming the id; rethrows anything else. */
export function rethrowDuplicate(error: unknown, kind: string, id: string): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    throw new GraftError('conflict', `${kind} ${JSON.stringify(id)} already exists`, {
      cause: error,
    });
  }
  throw error;
}
