/**
 * The parsers of `graft datasets import`'s flags. Each checks its value now, in the flag's own
 * words, rather than leave it to the importer's schema, whose refusal names a request field.
 */
import { InvalidArgumentError } from 'commander';
import { DropReason } from '../shared/contract';
import { GraftError } from '../shared/errors';
import { TEXT_ENCODINGS, type TextEncoding } from './datasets/decode';
import { LABEL_TRANSFORM_HELP, labelTransform } from './datasets/labels';

/** Other names of the encodings Graft reads, as the WHATWG Encoding Standard maps them. */
const ENCODING_ALIASES: Record<string, TextEncoding> = {
  utf8: 'utf-8',
  utf16le: 'utf-16le',
  utf16be: 'utf-16be',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  iso88591: 'windows-1252',
  cp1252: 'windows-1252',
  gb2312: 'gbk',
};

export function encodingName(value: string): 'auto' | TextEncoding {
  const name = value.trim().toLowerCase();
  if (name === 'auto') return name;
  const known = TEXT_ENCODINGS.find((e) => e === name) ?? ENCODING_ALIASES[name];
  if (known) return known;
  throw new InvalidArgumentError(
    `unknown encoding "${value}"; accepted: auto, ${TEXT_ENCODINGS.join(', ')} ` +
      `(or ${Object.keys(ENCODING_ALIASES).join(', ')})`,
  );
}

export function ratios(value: string): { train: number; validation: number; test: number } {
  const parts = value.split(/[,:/]/).map(Number);
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new InvalidArgumentError(
      `--ratios takes train,validation,test shares like 0.8,0.1,0.1, got "${value}"`,
    );
  }
  const [train, validation, test] = parts;
  // The schema's checks too, here, so that they read as flag errors (a schema error names the
  // request field); the sum within the schema's tolerance
  const sum = train + validation + test;
  if (Math.abs(sum - 1) >= 1e-6) {
    throw new InvalidArgumentError(
      `--ratios shares must sum to 1, got ${value} (sum ${Number(sum.toFixed(6))})`,
    );
  }
  if (train === 0 || test === 0) {
    throw new InvalidArgumentError(
      `--ratios needs train and test shares above 0 (validation may be 0), got ${value}`,
    );
  }
  return { train, validation, test };
}

export function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

export const DROP_REASONS: readonly string[] = DropReason.options;

/** `--drop`, checked here: the schema's refusal names neither the value nor the flag's words. */
export function dropReasons(value: string, previous: string[] = []): string[] {
  const kinds = list(value, previous);
  const unknown = kinds.filter((k) => !DROP_REASONS.includes(k)).map((k) => JSON.stringify(k));
  if (unknown.length > 0) {
    const what = unknown.length === 1 ? 'is not a reason' : 'are not reasons';
    throw new InvalidArgumentError(
      `--drop: ${unknown.join(', ')} ${what} to drop; accepted: ${DROP_REASONS.join(', ')}`,
    );
  }
  return kinds;
}

/**
 * `--label-transform`, parsed by the importer's own parser but now: otherwise a typo is found
 * only once a file is opened, in words that do not name the flag.
 */
export function transform(value: string): string {
  try {
    labelTransform(value);
  } catch (error) {
    if (!(error instanceof GraftError)) throw error;
    throw new InvalidArgumentError(
      `--label-transform: ${JSON.stringify(value)} is not a label transform; accepted: ` +
        LABEL_TRANSFORM_HELP,
    );
  }
  return value;
}

/** `--rename-label RAW=NAME`, split at the first "=" (so a name may hold one, a label not). */
export function renameLabel(
  value: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) {
    throw new InvalidArgumentError(
      `--rename-label takes RAW=NAME (like 0=negative), got "${value}"`,
    );
  }
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}
