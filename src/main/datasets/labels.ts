/**
 * Label names in a stable order, so a label's index (what the model predicts) does not depend
 * on which row came first. Integer labels sort as numbers ("2" before "10") and keep their
 * string form; anything else sorts by code unit, which no locale setting can change.
 */

import { GraftError } from '../../shared/errors';

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
