/**
 * What every `graft` command module shares: option parsers whose errors name the flag, the
 * one way a result is printed (one JSON document with --json, else a human line), and calls
 * into the dispatcher the UI uses.
 */
import { InvalidArgumentError } from 'commander';
import type { CallName, CallResponse } from '../shared/contract';
import type { Workbench } from './workbench';

/** Runs `work` against a workbench opened on the data directory, closing it after. */
export type WithWorkbench = <T>(work: (wb: Workbench) => Promise<T>) => Promise<T>;

export function int(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) {
      throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    }
    return parsed;
  };
}

/** A share strictly between 0 and 1, as the importer takes it (`testRatio`). */
export function share(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0 || parsed >= 1) {
      throw new InvalidArgumentError(`${name} must be between 0 and 1, got ${value}`);
    }
    return parsed;
  };
}

/** A count of at least 1 (`--limit`, `--max-length`), refused here rather than by the schema. */
export function positiveInt(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new InvalidArgumentError(`${name} must be a whole number of at least 1, got ${value}`);
    }
    if (!Number.isSafeInteger(parsed)) {
      const most = Number.MAX_SAFE_INTEGER.toLocaleString('en-US');
      throw new InvalidArgumentError(`${name} must be at most ${most}, got ${value}`);
    }
    return parsed;
  };
}

export function num(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed))
      throw new InvalidArgumentError(`${name} must be a number, got "${value}"`);
    return parsed;
  };
}

/**
 * The first `max` items, then "and N more": a list from a file (labels of a mistaken label
 * column) may be any length, and a terminal line is no place for all of it; --json has it.
 */
export function upTo(items: readonly string[], max: number, separator = ', '): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (more > 0) shown.push(`and ${more.toLocaleString('en')} more`);
  return shown.join(separator);
}

export function print(value: unknown, json: boolean | undefined, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}

export async function call<C extends CallName>(
  wb: Workbench,
  name: C,
  request: unknown,
): Promise<CallResponse<C>> {
  return wb.dispatcher.call(name, request as never);
}
