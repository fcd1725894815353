/**
 * Whether the first record of a delimited file is a header row. Real files come both ways:
 * GLUE TSVs start with `sentence\tlabel`, the SMS Spam Collection starts with data
 * (`ham\tGo until jurong point...`). A first row is data when one of its cells recurs as a value
 * of its column below (a label like `ham` does; a column name does not).
 */
import { KNOWN_LABEL_NAMES, KNOWN_TEXT_NAMES } from '../columns';
import type { RawRecord } from './types';

/** Column names are short; a long first cell is a sentence, so the row is data. */
const MAX_NAME_LENGTH = 64;

/** Rows scanned for a recurring first-row value: enough for labels, cheap on big files. */
const SCAN_ROWS = 5000;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function looksLikeHeader(first: RawRecord, rest: readonly RawRecord[]): boolean {
  const cells = first.fields.map((f) => f.trim());
  const lower = cells.map((c) => c.toLowerCase());

  if (lower.some((c) => KNOWN_TEXT_NAMES.includes(c) || KNOWN_LABEL_NAMES.includes(c))) {
    return true;
  }
  if (cells.every((c) => c === '')) return false;
  if (cells.some((c) => c.length > MAX_NAME_LENGTH || NUMBER.test(c))) return false;

  const scan = rest.slice(0, SCAN_ROWS);
  for (let col = 0; col < cells.length; col++) {
    if (cells[col] === '') continue;
    if (scan.some((r) => (r.fields[col] ?? '').trim() === cells[col])) return false;
  }
  return true;
}
