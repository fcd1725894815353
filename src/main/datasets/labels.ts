/**
 * Label names in a stable order, so a label's index (what the model predicts) does not depend
 * on which row came first. Integer labels sort as numbers ("2" before "10") and keep their
 * string form; anything else sorts by code unit, which no locale setting can change.
 */

import { readFileSync, statSync } from 'node:fs';
import { GraftError } from '../../shared/errors';
import { notRegular } from './dataset-files';

const INTEGER = /^[-+]?\d+$/;

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortLabels(names: Iterable<string>): string[] {
  const unique = [...new Set(names)];
  if (unique.length > 0 && unique.every((n) => INTEGER.test(n))) {
    // BigInt: integer labels longer than 15 digits would tie as numbers
    return unique.sort((a, b) => {
      const d = BigInt(a) - BigInt(b);
      return d < 0n ? -1 : d > 0n ? 1 : byCodeUnit(a, b);
    });
  }
  return unique.sort(byCodeUnit);
}

/** Label transforms: which part of a raw label names the class. */
export const LABEL_TRANSFORM_HELP =
  'none, coarse (before the first ":"), fine (the whole label), lower, before:SEP, after:SEP';

export type LabelTransform = (label: string) => string;

/**
 * Parses a transform spec. `coarse` keeps TREC's `DESC` of `DESC:manner` (6 classes), `fine`
 * keeps it whole (50); `before:SEP` / `after:SEP` do the same for any separator.
 */
export function labelTransform(spec: string): LabelTransform {
  if (spec === 'none' || spec === 'fine') return (l) => l;
  if (spec === 'coarse') return labelTransform('before::');
  if (spec === 'lower') return (l) => l.toLowerCase();

  const match = /^(before|after):(.+)$/s.exec(spec);
  if (!match) {
    throw new GraftError(
      'invalid-argument',
      `unknown label transform ${JSON.stringify(spec)}; accepted: ${LABEL_TRANSFORM_HELP}`,
    );
  }
  const [, side, sep] = match;
  return (l) => {
    const at = l.indexOf(sep);
    if (at <= 0) return l;
    return side === 'before' ? l.slice(0, at) : l.slice(at + sep.length);
  };
}

/** The labels of a multi-label field: a JSON list, or values between separators. */
export function splitLabels(field: string, separator: string): string[] {
  const trimmed = field.trim();
  let parts: string[];
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    try {
      const list: unknown = JSON.parse(trimmed);
      parts = Array.isArray(list) ? list.map((v) => String(v)) : [trimmed];
    } catch {
      parts = trimmed.split(separator);
    }
  } else {
    parts = trimmed.split(separator);
  }
  return [...new Set(parts.map((p) => p.trim()).filter((p) => p !== ''))];
}

/**
 * The names of integer labels, one a line: label i is named on line i + 1 (GoEmotions'
 * labels.txt). Names are trimmed and a final newline is allowed; a blank line among them would
 * shift every later id onto the wrong name, so it is refused by its line number, as is a file
 * that is not UTF-8, whose names would come out with replacement characters, and so is a name
 * on two lines.
 */
export function loadLabelNames(path: string): string[] {
  let bytes: Buffer;
  try {
    // Stat-ed first: a pipe could not be read again (see notRegular), nor opened unwritten
    const stat = statSync(path);
    if (!stat.isFile() && !stat.isDirectory()) {
      throw notRegular(path, stat, 'save the names to a file, one a line, and give its path');
    }
    bytes = readFileSync(path);
  } catch (cause) {
    if (cause instanceof GraftError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new GraftError('not-found', `no label names file at ${path}`, { cause });
    }
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new GraftError('bad-input', `cannot read label names file ${path}: ${reason}`, {
      cause,
    });
  }

  let text: string;
  try {
    // The decoder drops a UTF-8 BOM (ignoreBOM is off), which Notepad writes first
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new GraftError('bad-input', `${path} is not UTF-8; label names must be UTF-8`, {
      cause,
    });
  }
  const names = text.split(/\r?\n/).map((l) => l.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  if (names.length === 0) {
    throw new GraftError('bad-input', `${path} is empty; expected one label name a line`);
  }
  const blank = names.indexOf('');
  if (blank >= 0) {
    throw new GraftError(
      'bad-input',
      `${path}: line ${blank + 1} is blank; expected one label name a line, without blank ` +
        'lines (label i is named on line i + 1)',
    );
  }
  refuseRepeatedName(path, names);
  return names;
}

/**
 * A name on two lines would give two label ids one name, merging them silently, and output i
 * of the model would no longer be label id i. Names are compared as stored labels are (NFC), so
 * two that look the same are the same; a merge is asked for with renames, which say so.
 */
function refuseRepeatedName(path: string, names: readonly string[]): void {
  const lineOf = new Map<string, number>();
  names.forEach((name, i) => {
    const key = name.normalize('NFC');
    const first = lineOf.get(key);
    if (first === undefined) {
      lineOf.set(key, i + 1);
      return;
    }
    throw new GraftError(
      'bad-input',
      `${path}: ${JSON.stringify(name)} is on lines ${first} and ${i + 1}; each label id needs ` +
        'its own name (label i is named on line i + 1); to merge labels, give each its own ' +
        'name here and rename them to one with labelRename',
    );
  });
}
